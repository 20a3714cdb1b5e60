"""One writer per run: an exclusive lock held for the whole run, and owner-aware clean-up.

``writer_lock(directory)`` takes an exclusive lock on ``<directory>/.lock`` (``filelock``:
portable, ``flock`` on POSIX) without waiting. If another process holds it, the caller gets
a one-line ScenarioError naming that process (its pid is written in the lock file) and
nothing is written. We chose to stop, not to wait: a second ``accord run`` into the same
output is almost always a mistake (the same command in two terminals, or two different runs
aimed at one folder), and a run can last hours; a process that silently waits looks hung.
See docs/experiments.md.

The kernel drops a ``flock`` when its holder dies, however it dies (SIGKILL included), so a
killed run never leaves a stale lock. The lock file itself is never deleted: deleting it
would let a third process lock a new file of the same name while the second still holds the
old one.

Temporary files carry their writer's pid in their name (:func:`accord.safeio.atomic_write`).
:func:`remove_stale_temporaries` deletes only those whose writer is dead, so a cleanup never
pulls a file from under a process that is still writing it.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from accord.spec.errors import ScenarioError

LOCK_FILE = ".lock"
#: ``.<name>.<pid>.<random>.tmp`` (accord.safeio) or ``.<name>.<pid>.tmp`` (older runs).
_TEMPORARY = re.compile(r"^\..+\.(?P<pid>\d+)(\.[a-z0-9_]+)?\.tmp$")


def lock_holder(directory: str | os.PathLike[str]) -> int | None:
    """The pid recorded in ``directory``'s lock file, or None if there is none."""
    try:
        text = (Path(directory) / LOCK_FILE).read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def process_is_alive(pid: int) -> bool:
    """True if a process with this pid exists (it may belong to another user)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def writer_lock(directory: str | os.PathLike[str], *, what: str = "run") -> Iterator[Path]:
    """Hold the exclusive writer lock of ``directory`` (which must exist) for the block.

    The lock is ``filelock``'s (``flock`` on POSIX, ``msvcrt`` locking on Windows), taken
    without waiting; the holder writes its pid into the lock file, for the message others get.

    Raises
    ------
    ScenarioError
        At once, if another process holds the lock; the message names its pid.
    """
    import filelock

    folder = Path(directory)
    path = folder / LOCK_FILE
    lock = filelock.FileLock(path, timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        holder = lock_holder(folder)
        who = f"pid {holder}" if holder else "another process"
        raise ScenarioError(
            str(folder),
            f"another accord {what} ({who}) is writing here; wait for it to "
            "finish or choose another output directory",
            field="out",
        ) from None
    except OSError as error:
        raise ScenarioError(str(folder), f"cannot lock: {error.strerror}", field="out") from None
    try:
        path.write_text(f"{os.getpid()}\n")  # under the lock: only the holder writes it
        yield path
    finally:
        lock.release()  # the file stays: see the module's docstring


def remove_stale_temporaries(*directories: str | os.PathLike[str]) -> list[Path]:
    """Delete temporary files in ``directories`` whose writer process is dead; return them.

    Called by the lock holder before it starts writing: a temporary file of a live process
    (for instance a worker of a killed run that is still finishing) is left alone.
    """
    removed = []
    for directory in map(Path, directories):
        if not directory.is_dir():
            continue
        for entry in directory.iterdir():
            match = _TEMPORARY.match(entry.name)
            if match is None:
                continue
            owner = int(match.group("pid"))
            if owner != os.getpid() and process_is_alive(owner):
                continue
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                removed.append(entry)
    return removed
