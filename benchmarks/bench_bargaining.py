"""Throughput and peak memory of the bargaining models (EUM and compromise).

Run from the repository root::

    python benchmarks/bench_bargaining.py            # N = 10, 40, 80, 160; B = 1, 100, 10000
    python benchmarks/bench_bargaining.py --quick    # a small grid, a few seconds
    python benchmarks/bench_bargaining.py --models eum,compromise,median,nash --budget 120

Throughput is in draw-rounds per second: draws ``B`` times rounds ``R`` divided by the wall
time of one call (the median of repeated calls for fast cases). A static model (compromise,
median, Nash) counts as one round. Peak memory is the largest amount of memory numpy and
Python held at once during one call, traced with ``tracemalloc`` (numpy reports its array
buffers to it), net of what was held before the call.

A case whose estimated time (from the same model and N at a smaller B) exceeds ``--budget``
seconds is run on fewer draws, enough to fill the budget, and marked "sampled": draws are
independent games, so throughput per draw carries over, but the peak memory shown is that of
the sampled run. ``--full`` runs every case on all its draws.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rich.console import Console
from rich.table import Table

from accord.models.bargaining import get_model

FULL_ACTORS = (10, 40, 80, 160)
FULL_DRAWS = (1, 100, 10_000)
QUICK_ACTORS = (10, 40)
QUICK_DRAWS = (1, 100)
ROUND_BASED = {"eum": True, "smp": True}


@dataclass
class Case:
    model: str
    actors: int
    draws: int
    issues: int
    rounds: int
    draws_run: int = 0
    seconds: float = float("nan")
    peak_bytes: int = 0

    @property
    def throughput(self) -> float:
        """Draw-rounds per second."""
        return self.draws_run * self.rounds / self.seconds

    @property
    def sampled(self) -> bool:
        return self.draws_run < self.draws


def make_inputs(
    rng: np.random.Generator, draws: int, actors: int, issues: int
) -> tuple[np.ndarray, ...]:
    """Random games on the usual scales: c in [0.1, 1], x in [0, 100], s in [0.1, 1]."""
    capability = rng.uniform(0.1, 1.0, (draws, actors))
    position = rng.uniform(0.0, 100.0, (draws, actors, issues))
    salience = rng.uniform(0.1, 1.0, (draws, actors, issues))
    status_quo = rng.uniform(0.0, 100.0, (draws, issues))
    return capability, position, salience, status_quo


def time_call(call: Callable[[], object], min_time: float, max_repeats: int = 25) -> float:
    """Median wall time of ``call``; repeats while the total stays under ``min_time``."""
    start = time.perf_counter()
    call()  # first call: also warms up imports and caches
    first = time.perf_counter() - start
    if first >= min_time:
        return first
    times: list[float] = []
    total = 0.0
    while total < min_time and len(times) < max_repeats:
        start = time.perf_counter()
        call()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        total += elapsed
    return statistics.median(times)


def traced_peak(call: Callable[[], object]) -> int:
    """Peak traced memory of one call, in bytes, above what was held before it."""
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return max(0, peak - before)


def run_case(case: Case, fn: Callable, rng: np.random.Generator, min_time: float) -> Case:
    c, x, s, d = make_inputs(rng, case.draws_run, case.actors, case.issues)
    options = {"rounds": case.rounds} if ROUND_BASED.get(case.model) else {}

    def call() -> object:
        return fn(c, x, s, status_quo=d, **options)

    case.seconds = time_call(call, min_time)
    case.peak_bytes = traced_peak(call)
    return case


def plan_draws(case: Case, known: dict[tuple[str, int], float], budget: float, full: bool) -> int:
    """Draws to run: all of them, or fewer if the estimate exceeds the time budget."""
    rate = known.get((case.model, case.actors))
    if full or rate is None:
        return case.draws
    estimate = case.draws * case.rounds / rate
    if estimate <= budget:
        return case.draws
    return max(1, min(case.draws, int(budget * rate / case.rounds)))


def human_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:,.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} µs"


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grid (N 10, 40; B 1, 100)")
    parser.add_argument("--models", default="eum,compromise", help="comma-separated names")
    parser.add_argument("--actors", default=None, help="comma-separated N values")
    parser.add_argument("--draws", default=None, help="comma-separated B values")
    parser.add_argument("--issues", type=int, default=1, help="issues K per draw (default 1)")
    parser.add_argument("--rounds", type=int, default=10, help="rounds R of round-based models")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds per case before it is sampled (default 60; quick 5)")
    parser.add_argument("--full", action="store_true", help="never sample: run all draws")
    parser.add_argument("--min-time", type=float, default=None,
                        help="repeat fast cases for at least this long (default 1 s; quick 0.2)")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args(argv)

    actors = tuple(int(v) for v in args.actors.split(",")) if args.actors else (
        QUICK_ACTORS if args.quick else FULL_ACTORS)
    draws = tuple(int(v) for v in args.draws.split(",")) if args.draws else (
        QUICK_DRAWS if args.quick else FULL_DRAWS)
    budget = args.budget if args.budget is not None else (5.0 if args.quick else 60.0)
    min_time = args.min_time if args.min_time is not None else (0.2 if args.quick else 1.0)
    models = [name.strip() for name in args.models.split(",") if name.strip()]
    functions = {name: get_model(name) for name in models}  # fails loudly if one is missing

    console = Console()
    if not console.is_terminal:
        console = Console(width=120)
    rng = np.random.default_rng(args.seed)
    known: dict[tuple[str, int], float] = {}
    cases: list[Case] = []
    for name in models:
        # Warm-up on a tiny game (imports, numba compilation) so that no case pays for it.
        warm = Case(name, 3, 2, args.issues, args.rounds if ROUND_BASED.get(name) else 1, 2)
        run_case(warm, functions[name], rng, 0.0)
        for n in actors:
            for b in sorted(draws):
                rounds = args.rounds if ROUND_BASED.get(name) else 1
                case = Case(name, n, b, args.issues, rounds)
                case.draws_run = plan_draws(case, known, budget, args.full)
                console.print(f"[dim]{name}: N={n}, B={b} (running {case.draws_run} draws)[/dim]")
                run_case(case, functions[name], rng, min_time)
                known[(name, n)] = case.throughput
                cases.append(case)

    table = Table(title=f"Bargaining throughput (K = {args.issues} issue(s), "
                        f"R = {args.rounds} rounds for round-based models)")
    for column in ("model", "N actors", "B draws", "rounds", "time / call",
                   "draw-rounds / s", "peak memory"):
        table.add_column(column, justify="left" if column == "model" else "right", no_wrap=True)
    for case in cases:
        draws_cell = f"{case.draws:,}"
        if case.sampled:
            draws_cell += f" (sampled {case.draws_run:,})"
        table.add_row(case.model, str(case.actors), draws_cell, str(case.rounds),
                      human_seconds(case.seconds), f"{case.throughput:,.0f}",
                      human_bytes(case.peak_bytes))
    console.print(table)
    max_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    console.print(
        f"process max RSS {human_bytes(max_rss_kib * 1024)}; numpy {np.__version__}; "
        f"Python {platform.python_version()} on {platform.machine()}; seed {args.seed}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
