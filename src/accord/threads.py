"""How many threads a compiled kernel may use, and where numba keeps its compiled cache.

- :func:`cpu_budget`: the CPUs this process may run on (its CPU affinity, as ``taskset`` or a
  container's cpuset set it), not the machine's count.
- :func:`thread_budget`: threads for one call of a threaded kernel (the SMP's numba loops):
  the CPU budget in a plain process, but 1 inside a worker process of the experiment
  executors (processes, dask), which already run one worker per CPU -- threads there would
  multiply. ``ACCORD_THREADS=N`` overrides both.
- :func:`configure_numba_cache`: numba writes its on-disk cache (``cache=True``) beside the
  source; when that folder is read-only (a system-wide install) the cache goes to the user's
  cache folder instead, so compiled kernels stay warm across calls.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path


def cpu_budget() -> int:
    """Number of CPUs this process may use (its affinity mask)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def in_worker_process() -> bool:
    """True in a process started by ``multiprocessing`` (the executors' workers).

    Every process multiprocessing starts has it imported; a process that has not imported it
    is no worker, and is spared the import (about 15 ms of every command's start-up)."""
    process = sys.modules.get("multiprocessing.process")
    return process is not None and process.parent_process() is not None


def thread_budget() -> int:
    """Threads one kernel call may start (see the module's notes)."""
    override = os.environ.get("ACCORD_THREADS", "").strip()
    if override.isdigit() and int(override) >= 1:
        return int(override)
    if in_worker_process():
        return 1
    return cpu_budget()


def numba_cache_dir(package_dir: Path, environ: Mapping[str, str]) -> str | None:
    """The cache folder numba should use, or None to keep its default (beside the source).

    None when ``NUMBA_CACHE_DIR`` is already set or ``package_dir`` is writable; otherwise
    ``$XDG_CACHE_HOME/accord/numba`` (``~/.cache/accord/numba``).
    """
    if environ.get("NUMBA_CACHE_DIR") or os.access(package_dir, os.W_OK):
        return None
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "accord" / "numba")


def configure_numba_cache() -> None:
    """Point numba at a writable cache folder when the package folder is not writable (must
    run before numba is imported: numba reads its configuration once)."""
    folder = numba_cache_dir(Path(__file__).resolve().parent, os.environ)
    if folder is not None:
        os.environ["NUMBA_CACHE_DIR"] = folder
