"""Benchmark of ``accord optimize`` (issue 25, points 2 and 5). Prints figures; asserts nothing.

    python benchmarks/bench_optimize.py                 # flagship, small budgets
    python benchmarks/bench_optimize.py --futures 20 --population 12 --generations 3

Prints, per budget, the wall time of the search, the candidates simulated (evaluations; a
candidate seen before is not re-simulated), evaluations per second, experiments per second,
and the estimate of :func:`accord.simulation.cost.estimate_optimization` beside the time.
"""

from __future__ import annotations

import argparse
import time

from accord.simulation.cost import estimate_optimization
from accord.workflows.optimize import optimize
from accord.workflows.scenarios import load

OBJECTIVES = ["max:peace_holds_5y", "min:europe_cost_total"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default="ukraine-2025")
    parser.add_argument("--futures", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--population", type=int, default=8)
    parser.add_argument("--generations", type=int, default=3)
    args = parser.parse_args()
    spec = load(args.scenario).simulation
    print(
        f"{'futures':>7} {'pop':>4} {'gens':>4} {'evals':>5} {'seconds':>8} "
        f"{'evals/s':>8} {'exps/s':>8} {'estimate s':>10}"
    )
    for futures in args.futures:
        start = time.perf_counter()
        result = optimize(
            args.scenario,
            OBJECTIVES,
            futures=futures,
            population=args.population,
            generations=args.generations,
            seed=1,
            force=True,
        )
        seconds = time.perf_counter() - start
        evals = result["evaluations"]
        estimate = estimate_optimization(spec, args.population, args.generations, futures)
        print(
            f"{futures:>7} {args.population:>4} {args.generations:>4} {evals:>5} "
            f"{seconds:>8.2f} {evals / seconds:>8.2f} {evals * futures / seconds:>8.1f} "
            f"{estimate.seconds:>10.2f}"
        )


if __name__ == "__main__":
    main()
