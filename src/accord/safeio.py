"""Writing files safely: never over what is not a regular file, never outside the folder given.

Every file accord writes for a user (figures, reports, JSON, run chunks) goes through
:func:`atomic_write`:

- the target's parent directory must already exist (accord never creates directories the
  user did not ask for; a command that owns an output directory creates that one itself,
  with :func:`ensure_directory`);
- an existing target that is not a regular file (a device such as ``/dev/null``, a FIFO, a
  directory, a symlink to one of those) is refused, never replaced;
- the data goes to a temporary file in the same directory, is flushed to disk and renamed
  over the target in one step, so a reader sees the old file or the new one, never half;
- on any failure the temporary file is removed.

Errors are :class:`~accord.spec.errors.ScenarioError` naming the path, so the CLI prints one
line and exits with code 2.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from accord.spec.errors import ScenarioError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Figure formats accord writes, by file suffix (matplotlib's names).
FIGURE_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def check_target(path: str | os.PathLike[str], *, field: str = "path") -> Path:
    """Return ``path`` as a Path after checking that a file may be written there.

    Raises ScenarioError when the parent directory is missing or not a directory, or when
    ``path`` exists and is not a regular file.
    """
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ScenarioError(
            str(target), "its folder does not exist (accord does not create it)", field=field
        )
    try:
        mode = os.stat(target).st_mode  # follows symlinks: judge what would be written
    except FileNotFoundError:
        return target
    except OSError as error:
        raise ScenarioError(
            str(target), f"cannot be checked: {error.strerror}", field=field
        ) from None
    if not stat.S_ISREG(mode):
        raise ScenarioError(
            str(target),
            "exists and is not a regular file; accord will not replace it",
            field=field,
        )
    return target


def figure_format(path: str | os.PathLike[str], *, field: str = "figure") -> str:
    """The matplotlib format for ``path``'s suffix; an unsupported suffix is refused."""
    suffix = Path(path).suffix.lower()
    if suffix not in FIGURE_FORMATS:
        raise ScenarioError(
            str(path),
            "unsupported figure format",
            field=field,
            expected="a name ending in " + ", ".join(FIGURE_FORMATS),
            found=suffix or "no suffix",
        )
    return FIGURE_FORMATS[suffix]


def atomic_write(
    path: str | os.PathLike[str],
    write: Callable[[IO[bytes]], object],
    *,
    field: str = "path",
    mode: int = 0o644,
    exclusive: bool = False,
) -> Path:
    """Write a file through ``write(stream)`` into a temporary file, then rename it over path.

    Returns the path written. Nothing is left behind if ``write`` or the rename fails. With
    ``exclusive=True`` the file must not exist yet: it is linked into place (``link(2)``
    fails if the name exists), so of two writers racing to create it exactly one succeeds.
    """
    target = check_target(path, field=field)
    parent = target.parent if str(target.parent) else Path(".")
    try:
        # The writer's pid is part of the name: a temporary file is removed by a later writer
        # only once its owner is dead (accord.store.runs.remove_stale_temporaries).
        handle, temporary = tempfile.mkstemp(
            dir=parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp"
        )
    except OSError as error:
        raise ScenarioError(str(target), f"cannot write: {error.strerror}", field=field) from None
    try:
        os.chmod(temporary, mode)
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        # Checked again just before the rename: the target may have changed meanwhile.
        check_target(target, field=field)
        if exclusive:
            try:
                os.link(temporary, target)
            except FileExistsError:
                raise ScenarioError(
                    str(target), "already exists; another writer created it first", field=field
                ) from None
            Path(temporary).unlink()
        else:
            os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError) and not isinstance(error, ScenarioError):
            raise ScenarioError(
                str(target), f"cannot write: {error.strerror or error}", field=field
            ) from None
        raise
    return target


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, **options: Any) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda stream: stream.write(data), **options)


def atomic_write_text(path: str | os.PathLike[str], text: str, **options: Any) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write_bytes(path, text.encode("utf-8"), **options)


def save_figure(figure: Figure, path: str | os.PathLike[str], *, dpi: int = 110) -> Path:
    """Save a matplotlib Figure to ``path`` in the format its suffix names, atomically."""
    fmt = figure_format(path)
    return atomic_write(
        path,
        lambda stream: figure.savefig(stream, format=fmt, dpi=dpi, bbox_inches="tight"),
        field="figure",
    )


def ensure_directory(path: str | os.PathLike[str], *, field: str = "out") -> Path:
    """Create the output directory ``path`` (one level) if missing; its parent must exist.

    Refuses a path that exists and is not a directory, and a directory that cannot be written.
    """
    folder = Path(path)
    parent = folder.parent if str(folder.parent) else Path(".")
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir():
            raise ScenarioError(str(folder), "exists and is not a directory", field=field)
    else:
        if not parent.is_dir():
            raise ScenarioError(
                str(folder),
                "its parent folder does not exist (accord does not create it)",
                field=field,
            )
        try:
            folder.mkdir()
        except FileExistsError:
            pass
        except OSError as error:
            raise ScenarioError(
                str(folder), f"cannot create: {error.strerror}", field=field
            ) from None
    if not os.access(folder, os.W_OK | os.X_OK) or _read_only_mount(folder):
        raise ScenarioError(str(folder), "is not writable", field=field)
    return folder


def _read_only_mount(folder: Path) -> bool:
    # As root, os.access says yes even on a folder without write bits; probe for real.
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".accord-probe.")
    except OSError:
        return True
    os.close(handle)
    os.unlink(probe)
    return False
