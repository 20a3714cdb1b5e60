"""Executors: run a function over tasks and yield results as they finish.

Three backends behind one generator, :func:`map_unordered`:

- ``"inprocess"``: a plain loop in this process (debugging, small runs, no pickling).
- ``"processes"``: ``concurrent.futures.ProcessPoolExecutor`` on this machine.
- ``"dask"``: ``dask.distributed`` (optional extra, imported lazily): connects to a scheduler
  at ``dask_address``, or starts a ``LocalCluster`` on loopback for the duration of the run.

The function and the tasks must be picklable for the last two (module-level functions or
``functools.partial`` of them). Results do not depend on the backend: randomness is keyed by
experiment id (see :mod:`accord.experiments.rng`), not by worker.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal, TypeVar

from accord.store.lock import process_is_alive

Task = TypeVar("Task")
Result = TypeVar("Result")
ExecutorName = Literal["inprocess", "processes", "dask"]
EXECUTORS: tuple[str, ...] = ("inprocess", "processes", "dask")


def default_workers() -> int:
    """Number of CPUs this process may use (its affinity, :func:`accord.threads.cpu_budget`)."""
    from accord.threads import cpu_budget

    return cpu_budget()


def map_unordered(
    function: Callable[[Task], Result],
    tasks: Iterable[Task],
    *,
    executor: ExecutorName = "inprocess",
    max_workers: int | None = None,
    dask_address: str | None = None,
) -> Iterator[Result]:
    """Apply ``function`` to every task, yielding each result as soon as it is ready.

    Parameters
    ----------
    function
        Called once per task; picklable unless ``executor="inprocess"``.
    tasks
        The tasks (consumed lazily with at most ``2 * workers`` in flight for processes).
    executor
        ``"inprocess"``, ``"processes"`` or ``"dask"``.
    max_workers
        Worker processes (default: the CPUs available) for processes or a local dask cluster.
    dask_address
        Address of a running dask scheduler; without it a ``LocalCluster`` is started on
        127.0.0.1 (no dashboard) and closed at the end.
    """
    if executor == "inprocess":
        for task in tasks:
            yield function(task)
    elif executor == "processes":
        yield from _map_processes(function, tasks, max_workers or default_workers())
    elif executor == "dask":
        yield from _map_dask(function, tasks, max_workers or default_workers(), dask_address)
    else:
        raise ValueError(f"unknown executor {executor!r}: expected one of {EXECUTORS}")


def _map_processes(
    function: Callable[[Task], Result], tasks: Iterable[Task], workers: int
) -> Iterator[Result]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    # forkserver: no fork of a parent that may hold threads (progress bar, dask).
    # The server preloads the runner and its libraries, so each worker starts warm.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["accord.experiments.runner", "pyarrow.parquet"])
    pending: set[Future[Any]] = set()
    task_iterator = iter(tasks)
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        for task in task_iterator:
            pending.add(pool.submit(function, task))
            if len(pending) >= 2 * workers:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
                next_task = next(task_iterator, _END)
                if next_task is not _END:
                    pending.add(pool.submit(function, next_task))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_END: Any = object()

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent_pid: int) -> None:
    """Worker initializer: end this worker as soon as the process ``parent_pid`` ends.

    Killing ``accord run`` (even with SIGKILL, which runs no clean-up) must not leave its
    workers running. A forkserver worker's parent is the fork server, not accord, and the
    fork server lives as long as any worker does (each worker holds its "alive" pipe), so
    ``PR_SET_PDEATHSIG`` alone would never fire. Hence two lifelines:

    - ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (Linux, via ctypes): the kernel kills the worker
      when its parent, the fork server, dies;
    - a daemon thread waits on a pidfd of accord's own process (``os.pidfd_open``, Linux
      5.3+; otherwise it polls the pid every half second) and kills the worker when accord
      is gone. With the last worker gone the fork server and the resource tracker see their
      pipes close and exit on their own.
    """
    import signal
    import sys
    import threading

    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass
    try:
        pidfd: int | None = os.pidfd_open(parent_pid)
    except (AttributeError, OSError):
        pidfd = None
        if not process_is_alive(parent_pid):
            os.kill(os.getpid(), signal.SIGKILL)
    threading.Thread(
        target=_watch_parent, args=(parent_pid, pidfd), daemon=True, name="accord-lifeline"
    ).start()


def _watch_parent(parent_pid: int, pidfd: int | None) -> None:
    import select
    import signal
    import time

    if pidfd is not None:
        select.select([pidfd], [], [])  # readable once the process has ended
    else:
        while process_is_alive(parent_pid):
            time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGKILL)


def _map_dask(
    function: Callable[[Task], Result],
    tasks: Iterable[Task],
    workers: int,
    address: str | None,
) -> Iterator[Result]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "executor 'dask' needs dask.distributed: pip install 'accord[distributed]'"
        ) from error

    cluster = None
    if address is None:
        import logging

        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.CRITICAL,  # workers log heartbeat errors at shutdown
        )
        address = cluster.scheduler_address
    try:
        client = Client(address, timeout=30)
    except OSError as error:  # checked before the run; a scheduler that went away since
        if cluster is not None:
            cluster.close()
        from accord.spec.errors import ScenarioError

        raise ScenarioError(
            None, f"cannot reach the dask scheduler: {error}", field="scheduler", found=address
        ) from None
    try:
        futures = [client.submit(function, task, pure=False) for task in tasks]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            client.cancel(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
