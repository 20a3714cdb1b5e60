"""What the pages share, passed to each page's module explicitly.

- :class:`Store` is the process's: the runs folder, the job queue, the runs read and the heavy
  summaries computed, shared by every session. Its methods run in worker threads.
- :class:`Selection` is one session's: the listing of runs, the runs chosen in the header and the
  notice above the pages.
- :class:`Background` runs one computation of a page in a worker thread *outside* Shiny's
  reactive flush (an :class:`shiny.reactive.ExtendedTask`). Shiny flushes every session under
  one lock, so a computation awaited inside an output would hold every other session; an
  extended task runs beside the flush and its result starts a new one.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Hashable
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
from shiny import reactive
from shiny.types import SilentOperationInProgressException

from accord.dashboard import data

LISTING_COLUMNS = [
    "id",
    "study",
    "variant",
    "scenario",
    "n_experiments",
    "done",
    "status",
    "created",
]
#: Summaries kept for every session (oldest dropped). Judgement: a few studies of a few
#: variants, each with its three summaries, fit; a summary table is small.
MAX_RESULTS = 64
#: Seconds between two looks at the catalogues' modification times.
POLL_SECONDS = 2


def not_listed(run_id: str) -> str:
    return (
        f"The run {run_id} is not in the catalogue (it was deleted or replaced, or never existed)."
    )


class Store:
    """The process's runs folder, job queue, runs read and summaries (thread-safe)."""

    def __init__(self, root: Path, queue: data.JobQueue) -> None:
        self.root = root
        self.queue = queue
        self._lock = threading.Lock()
        self._gates: dict[Hashable, threading.RLock] = {}
        self._listing: tuple[tuple, pd.DataFrame] | None = None
        self._runs: dict[tuple[str, int, str], data.RunData] = {}
        #: A question (a key naming its function and arguments) -> (the arguments, kept alive
        #: so that ids in the key stay theirs, the result).
        self._results: dict[Hashable, tuple[tuple, Any]] = {}

    def stamp(self) -> tuple:
        """The catalogues' modification times (cheap: run on the event loop every poll)."""
        marks = []
        for directory in data.catalogue_dirs(self.root.resolve()):
            try:
                marks.append((str(directory), (directory / "catalogue.duckdb").stat().st_mtime))
            except OSError:
                continue
        return tuple(marks)

    def _once(self, key: Hashable, lookup: Callable[[], Any], compute: Callable[[], Any]) -> Any:
        """``lookup()`` if it finds the value, else ``compute()`` once for every thread asking
        for ``key`` at the same time (``lookup`` returns None when not found)."""
        with self._lock:
            found = lookup()
            if found is not None:
                return found
            gate = self._gates.setdefault(key, threading.RLock())  # re-entered: no deadlock
        with gate:
            with self._lock:
                found = lookup()
            if found is None:
                found = compute()
            with self._lock:
                self._gates.pop(key, None)
            return found

    def listing(self, stamp: tuple) -> pd.DataFrame:
        """The runs under the folder as of ``stamp`` (a folder changing while it is read keeps
        the last listing)."""

        def lookup() -> pd.DataFrame | None:
            return self._listing[1] if self._listing and self._listing[0] == stamp else None

        def compute() -> pd.DataFrame:
            try:
                table = data.list_runs(self.root)
            except Exception:
                return self._listing[1] if self._listing else pd.DataFrame(columns=LISTING_COLUMNS)
            with self._lock:
                self._listing = (stamp, table)
            return table

        return self._once(("listing", stamp), lookup, compute)

    def read(self, runs: pd.DataFrame, run_id: str, *, tables: bool = True) -> data.RunData:
        """The run ``run_id`` of the listing ``runs`` (one object per version of the run).

        With ``tables`` its tables are read now (once for every session); without, only its
        metadata: a page whose summaries are kept beside the run never reads them, and one
        that needs them reads them on first use (:class:`accord.dashboard.data.RunData`).
        """
        row = runs[runs["id"] == run_id]
        if row.empty:
            raise data.FormError(not_listed(run_id))
        key = (run_id, int(row.iloc[0]["done"]), str(row.iloc[0]["created"]))

        def compute() -> data.RunData:
            try:
                opened = data.open_run_data(data.run_path(self.root, runs, run_id), run_id)
            except data.FormError:
                raise
            except Exception as error:  # changed or damaged while it was read
                raise data.FormError(
                    f"The run {run_id} cannot be read now ("
                    f"{type(error).__name__}); it may be changing or "
                    "damaged."
                ) from None
            with self._lock:
                for old in [k for k in self._runs if k[0] == run_id]:
                    del self._runs[old]  # one version of a run is kept
                self._runs[key] = opened
            return opened

        found = self._once(("run", key), lambda: self._runs.get(key), compute)
        return found.load() if tables else found

    def read_all(
        self, runs: pd.DataFrame, run_ids: list[str], *, tables: bool = True
    ) -> tuple[list[data.RunData], list[str]]:
        """The runs of ``run_ids`` that could be read, and a message for each that could not."""
        found, problems = [], []
        for run_id in run_ids:
            try:
                found.append(self.read(runs, run_id, tables=tables))
            except data.FormError as error:
                problems.append(str(error))
        return found, problems

    def known(self, key: Hashable) -> tuple[bool, Any]:
        """``(True, value)`` when ``key`` was computed, else ``(False, None)`` (cheap)."""
        with self._lock:
            hit = self._results.get(key)
        return (False, None) if hit is None else (True, hit[1])

    def cached(self, key: Hashable, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)``, computed once for every session (``key`` names the question:
        the runs' objects or the listing's stamp and the values asked). The arguments are kept
        with the result, so that the ids in a key stay those of the objects it names."""

        def lookup() -> Any:
            hit = self._results.get(key)
            return None if hit is None else hit[1]

        def compute() -> Any:
            value = function(*args)
            with self._lock:
                while len(self._results) >= MAX_RESULTS:
                    self._results.pop(next(iter(self._results)))
                self._results[key] = (args, value)
            return value

        return self._once(("result", key), lookup, compute)

    def summary(
        self, function: Callable[[list[data.RunData]], Any], runs: list[data.RunData]
    ) -> Any:
        """``function(runs)``, computed once for every session."""
        return self.cached(self.summary_key(function, runs), function, list(runs))

    @staticmethod
    def summary_key(function: Callable[..., Any], runs: list[data.RunData]) -> tuple:
        return (function.__name__, tuple(id(r) for r in runs))


class Background:
    """One computation of a page, run in a worker thread outside the reactive flush.

    ``call(key, function, *args)`` returns ``function(*args)`` once it is computed for ``key``,
    or raises what it raised; until then it starts it and raises Shiny's silent "in progress",
    so the output waits (shown as recalculating) while every other session goes on. With a
    ``store``, results are shared by every session (:meth:`Store.cached`) and one already
    computed is returned at once.

    This is what :class:`shiny.reactive.ExtendedTask` does (a task beside the flush whose end
    sets a reactive value and flushes), without its cost at a session's start: each of its
    three reactive values looks for its own name in the source of the whole call stack
    (``inspect.stack``), about 0.1 s each on a loaded machine, for a dozen tasks a session.
    A result asked for a key that is no longer the one wanted is dropped.
    """

    def __init__(self, store: Store | None = None) -> None:
        self._done: reactive.Value[tuple | None] = reactive.Value(None, name="background")
        self._asked: Hashable = None
        self._store = store
        self._running: set[asyncio.Task] = set()  # the loop keeps only weak references

    async def _run(self, key: Hashable, function: Callable[..., Any], args: tuple) -> None:
        try:
            result: tuple[Hashable, Any, Exception | None] = (
                key,
                await asyncio.to_thread(function, *args),
                None,
            )
        except Exception as error:
            result = (key, None, error)
        if key != self._asked:
            return
        async with reactive.lock():
            self._done.set(result)
            await reactive.flush()

    def call(self, key: Hashable, function: Callable[..., Any], *args: Any) -> Any:
        if self._store is not None:
            found, value = self._store.known(key)
            if found:
                return value
            function, args = self._store.cached, (key, function, *args)
        done = self._done()
        if done is not None and done[0] == key:
            if done[2] is not None:
                raise done[2]
            return done[1]
        if self._asked != key:
            self._asked = key
            task = asyncio.get_running_loop().create_task(self._run(key, function, args))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        raise SilentOperationInProgressException()


class Selection:
    """One session's listing of runs, the runs chosen in the header, and the notice."""

    def __init__(self, store: Store, input: Any) -> None:  # noqa: A002 - Shiny's name
        self.store = store
        self.notice: reactive.Value[str | None] = reactive.Value(None, name="notice")
        self._listing = Background()
        self._chosen = Background()
        self._opened = Background()
        self._stamp = reactive.poll(store.stamp, POLL_SECONDS)(store.stamp)

        @reactive.calc
        def listing() -> pd.DataFrame:
            stamp = self._stamp()
            return self._listing.call(stamp, store.listing, stamp)

        @reactive.calc
        def chosen() -> list[data.RunData]:
            runs = listing()
            ids = list(input.variants() or [])
            listed = set(runs["id"])
            # An id not listed is refused at once (cheap), before the others are read.
            problems = [not_listed(i) for i in ids if i not in listed]
            if problems:
                self.tell(problems)
            key = (self._stamp(), tuple(ids))
            found, unreadable = self._chosen.call(
                key, store.read_all, runs, [i for i in ids if i in listed]
            )
            problems += unreadable
            if problems or found:
                self.tell(problems)
            return found

        @reactive.calc
        def chosen_runs() -> list[data.RunData]:
            """The chosen runs with their metadata only (their tables read on first use, in
            a page's worker thread): for pages whose summaries are kept beside the runs."""
            runs = listing()
            ids = list(input.variants() or [])
            listed = set(runs["id"])
            problems = [not_listed(i) for i in ids if i not in listed]
            key = (self._stamp(), tuple(ids), "metadata")
            found, unreadable = self._opened.call(
                key, partial(store.read_all, tables=False), runs, [i for i in ids if i in listed]
            )
            problems += unreadable
            if problems or found:
                self.tell(problems)
            return found

        @reactive.calc
        def outcomes() -> list[str]:
            """The chosen runs' scalar outcomes (shared by the pages' lists)."""
            runs = chosen()
            return data.outcomes(runs) if runs else []

        self.outcomes = outcomes
        self.stamp = self._stamp
        self.listing = listing
        self.chosen = chosen
        self.chosen_runs = chosen_runs

    def tell(self, problems: list[str]) -> None:
        """Show ``problems`` above the pages (none: clear the notice)."""
        with reactive.isolate():
            text = " ".join(problems) or None
            if self.notice() != text:
                self.notice.set(text)
