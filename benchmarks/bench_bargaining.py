"""Throughput and peak memory of the bargaining models (EUM and compromise).

Run from the repository root::

    python benchmarks/bench_bargaining.py            # N = 10, 40, 80, 160; B = 1, 100, 10000
    python benchmarks/bench_bargaining.py --quick    # a small grid, a few seconds
    python benchmarks/bench_bargaining.py --models eum,compromise,median,nash --budget 120
    python benchmarks/bench_bargaining.py --models eum --actors 160 --draws 1000 --stopping none

Throughput is in draw-rounds per second: draws ``B`` times rounds ``R`` divided by the wall
time of one call (the median of repeated calls for fast cases). The cpu time of the same
call (this process's, all threads) is shown beside it, with draws per cpu second: on a
machine shared with other jobs the wall time grows with the load, the cpu time much less. A
static model (compromise, median, Nash) counts as one round. Peak memory is the largest
amount of memory numpy and Python held at once during one call, traced with ``tracemalloc``
(numpy reports its array buffers to it), net of what was held before the call.

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
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from accord.models.bargaining import get_model

FULL_ACTORS = (10, 40, 80, 160)
FULL_DRAWS = (1, 100, 10_000)
QUICK_ACTORS = (10, 40)
QUICK_DRAWS = (1, 100)
# Round-based models and the option that sets their (maximum) number of rounds.
ROUND_OPTION = {"eum": "rounds", "smp": "max_turns"}


@dataclass
class Case:
    model: str
    actors: int
    draws: int
    issues: int
    rounds: int
    draws_run: int = 0
    seconds: float = float("nan")
    cpu_seconds: float = float("nan")
    peak_bytes: int = 0
    rounds_played: float | None = None

    @property
    def throughput(self) -> float:
        """Draw-rounds per second (rounds actually played, for models that stop early)."""
        rounds = self.rounds if self.rounds_played is None else self.rounds_played
        return self.draws_run * rounds / self.seconds

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


def time_call(
    call: Callable[[], Any], min_time: float, max_repeats: int = 25
) -> tuple[float, float, Any]:
    """Median wall and cpu time of ``call`` and its last result; repeats while under
    ``min_time``."""
    start, cpu_start = time.perf_counter(), time.process_time()
    result = call()
    first, first_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    if first >= min_time:
        return first, first_cpu, result
    times: list[float] = []
    cpu_times: list[float] = []
    total = 0.0
    while total < min_time and len(times) < max_repeats:
        start, cpu_start = time.perf_counter(), time.process_time()
        result = call()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        cpu_times.append(time.process_time() - cpu_start)
        total += elapsed
    return statistics.median(times), statistics.median(cpu_times), result


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


def run_case(
    case: Case,
    fn: Callable,
    rng: np.random.Generator,
    min_time: float,
    extra: dict[str, Any] | None = None,
) -> Case:
    c, x, s, d = make_inputs(rng, case.draws_run, case.actors, case.issues)
    option = ROUND_OPTION.get(case.model)
    options = {option: case.rounds} if option else {}
    options.update(extra or {})

    def call() -> object:
        return fn(c, x, s, status_quo=d, **options)

    case.seconds, case.cpu_seconds, result = time_call(call, min_time)
    if result.rounds is not None:  # models that may stop early: count the rounds played
        case.rounds_played = float(np.mean(result.rounds))
    case.peak_bytes = traced_peak(call)
    return case


def plan_draws(case: Case, draws_per_second: float | None, budget: float, full: bool) -> int:
    """Draws to run: all of them, or fewer if the estimated time exceeds the budget."""
    if full or draws_per_second is None or case.draws / draws_per_second <= budget:
        return case.draws
    return max(1, min(case.draws, int(budget * draws_per_second)))


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
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds per case before it is sampled (default 60; quick 5)",
    )
    parser.add_argument("--full", action="store_true", help="never sample: run all draws")
    parser.add_argument(
        "--min-time",
        type=float,
        default=None,
        help="repeat fast cases for at least this long (default 1 s; quick 0.2)",
    )
    parser.add_argument(
        "--stopping",
        choices=("no_gain", "repeat", "none"),
        default=None,
        help="the EUM's stopping rule (default: the model's, no_gain); none plays all rounds",
    )
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args(argv)

    actors = (
        tuple(int(v) for v in args.actors.split(","))
        if args.actors
        else (QUICK_ACTORS if args.quick else FULL_ACTORS)
    )
    draws = (
        tuple(int(v) for v in args.draws.split(","))
        if args.draws
        else (QUICK_DRAWS if args.quick else FULL_DRAWS)
    )
    budget = args.budget if args.budget is not None else (5.0 if args.quick else 60.0)
    min_time = args.min_time if args.min_time is not None else (0.2 if args.quick else 1.0)
    models = [name.strip() for name in args.models.split(",") if name.strip()]
    functions = {name: get_model(name) for name in models}  # fails loudly if one is missing
    extras = {name: {} for name in models}
    if args.stopping is not None and "eum" in extras:
        extras["eum"]["stopping"] = args.stopping

    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    rng = np.random.default_rng(args.seed)
    known: dict[tuple[str, int], float] = {}
    cases: list[Case] = []
    for name in models:
        # Warm-up on a tiny game (imports, numba compilation) so that no case pays for it.
        # Two sizes: small games play in numpy, larger ones load the compiled kernels.
        for warm_actors in (3, 60):
            rounds = args.rounds if name in ROUND_OPTION else 1
            warm = Case(name, warm_actors, 2, args.issues, rounds, 2)
            run_case(warm, functions[name], rng, 0.0, extras[name])
        for n in actors:
            for b in sorted(draws):
                rounds = args.rounds if name in ROUND_OPTION else 1
                case = Case(name, n, b, args.issues, rounds)
                case.draws_run = plan_draws(case, known.get((name, n)), budget, args.full)
                console.print(f"[dim]{name}: N={n}, B={b} (running {case.draws_run} draws)[/dim]")
                run_case(case, functions[name], rng, min_time, extras[name])
                known[(name, n)] = case.draws_run / case.seconds
                cases.append(case)

    table = Table(
        title=f"Bargaining throughput (K = {args.issues} issue(s), "
        f"R = {args.rounds} rounds for round-based models"
        + (f"; EUM stopping {args.stopping}" if args.stopping else "")
        + ")"
    )
    for column in (
        "model",
        "N actors",
        "B draws",
        "rounds",
        "time / call",
        "cpu / call",
        "draw-rounds / s",
        "draws / cpu s",
        "peak memory",
    ):
        table.add_column(column, justify="left" if column == "model" else "right", no_wrap=True)
    for case in cases:
        draws_cell = f"{case.draws:,}"
        if case.sampled:
            draws_cell += f" (sampled {case.draws_run:,})"
        rounds_cell = str(case.rounds)
        if case.rounds_played is not None and case.rounds_played != case.rounds:
            rounds_cell = f"{case.rounds_played:.1f} of {case.rounds}"
        table.add_row(
            case.model,
            str(case.actors),
            draws_cell,
            rounds_cell,
            human_seconds(case.seconds),
            human_seconds(case.cpu_seconds),
            f"{case.throughput:,.0f}",
            f"{case.draws_run / case.cpu_seconds:,.1f}",
            human_bytes(case.peak_bytes),
        )
    console.print(table)
    max_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    console.print(
        f"process max RSS {human_bytes(max_rss_kib * 1024)}; numpy {np.__version__}; "
        f"Python {platform.python_version()} on {platform.machine()}; seed {args.seed}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
