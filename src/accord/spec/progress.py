"""The one progress display of accord's long jobs (runs, forecasts, calibration, the report).

On a terminal (stderr is a tty) a rich bar with the count and an ETA; off a terminal (make,
CI, nohup, a pipe) a plain line on stderr about every :data:`INTERVAL_SECONDS` seconds (or every
``every`` steps), with the ETA::

    baseline: experiments 2000 of 10000, 20 %, 12 s elapsed, ETA 48 s
    report: sections 3 of 12, levers, 9 s elapsed, ETA 27 s

Never on stdout, so that ``--format json|csv`` output stays clean. The interval can be set
with the environment variable ``ACCORD_PROGRESS_SECONDS`` (``0``: a line at every step), and
the clock is a parameter, so that tests need no sleeps. Rich is imported only on a terminal.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

#: Seconds between two progress lines off a terminal.
INTERVAL_SECONDS = 10.0
#: Environment variable overriding :data:`INTERVAL_SECONDS` (seconds, ``0`` = every step).
INTERVAL_ENV = "ACCORD_PROGRESS_SECONDS"


def _interval() -> float:
    text = os.environ.get(INTERVAL_ENV, "")
    try:
        return max(0.0, float(text)) if text.strip() else INTERVAL_SECONDS
    except ValueError:
        return INTERVAL_SECONDS


def duration(seconds: float) -> str:
    """``"48 s"``, ``"3 min 05 s"``, ``"1 h 02 min"``: a duration for a progress line."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress:
    """Progress of one job of ``total`` steps (``None``: unknown), as a context manager.

    ``advance(n, detail)`` or ``update(completed, detail)`` after each step; ``detail`` (what
    is being done now, e.g. a report section) shows in the line. ``write`` sends the lines to a
    callable (a workflow's ``log``) instead of stderr, always as lines; ``every`` prints a line
    every that many calls whatever the clock says. ``enabled=False`` shows nothing.
    """

    def __init__(
        self,
        label: str,
        total: int | None,
        *,
        unit: str = "steps",
        completed: int = 0,
        enabled: bool = True,
        write: Callable[[str], None] | None = None,
        every: int | None = None,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label, self.total, self.unit = label, total, unit
        self.completed = self._start_count = int(completed)
        self.enabled, self.every = enabled, every
        self.interval = _interval() if interval is None else interval
        self._write, self._clock = write, clock
        self._bar: Any = None
        self._task: Any = None
        self._calls = 0
        self._started = self._last = 0.0
        self.lines = 0

    # -- context ---------------------------------------------------------------------------

    def __enter__(self) -> Progress:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> Progress:
        self._started = self._last = self._clock()
        if self.enabled and self._write is None and _stderr_is_terminal():
            self._start_bar()
        return self

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    # -- steps -----------------------------------------------------------------------------

    def advance(self, n: int = 1, detail: str | None = None) -> None:
        self.update(self.completed + int(n), detail)

    def update(self, completed: int, detail: str | None = None) -> None:
        self.completed = int(completed)
        self._calls += 1
        if not self.enabled:
            return
        if self._bar is not None:
            description = self.label if detail is None else f"{self.label}: {detail}"
            self._bar.update(self._task, completed=self.completed, description=description)
            return
        now = self._clock()
        due = now - self._last >= self.interval
        if self.every is not None and self._calls % self.every == 0:
            due = True
        if due:
            self._last = now
            self._emit(self.line(detail, now))

    def line(self, detail: str | None = None, now: float | None = None) -> str:
        """The plain progress line (what is printed off a terminal)."""
        elapsed = (self._clock() if now is None else now) - self._started
        parts = [f"{self.label}: {self.unit} {self.completed}"]
        if self.total is not None:
            parts[0] += f" of {self.total}"
        if detail:
            parts.append(detail)
        parts.append(f"{duration(elapsed)} elapsed")
        parts.append(f"ETA {self._eta(elapsed)}")
        return ", ".join(parts)

    def _eta(self, elapsed: float) -> str:
        done = self.completed - self._start_count
        if self.total is None or done <= 0:
            return "unknown"
        return duration(elapsed / done * max(0, self.total - self.completed))

    def _emit(self, text: str) -> None:
        self.lines += 1
        if self._write is not None:
            self._write(text)
        else:
            print(text, file=sys.stderr, flush=True)

    def _start_bar(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(
            TextColumn("{task.description}", style="bold", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(self.unit, markup=False),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._bar.start()
        self._task = self._bar.add_task(self.label, total=self.total, completed=self.completed)


def _stderr_is_terminal() -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:  # a closed stream
        return False
