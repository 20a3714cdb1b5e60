"""Throughput of the burden-sharing equilibrium: draws per second for 32 allies.

Run: ``python benchmarks/bench_burden.py`` (add ``--quick`` for fewer repeats). Prints a
table for B = 1, 100, 10,000 and 100,000 draws of the exact Nash equilibrium (with floors
and spill-ins), of the calibration, and of a full counterfactual (calibrate + threat +
US cut + floor) on the NATO 2024 data.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from accord.data.alliance import alliance
from accord.models.burden import calibrate_alpha, counterfactual, nash_equilibrium

BATCHES = (1, 100, 10_000, 100_000)


def _best_time(run: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    data = alliance(2024)
    n = len(data.names)
    rng = np.random.default_rng(0)
    rows = []
    for batch in BATCHES:
        repeats = 3 if args.quick else (20 if batch <= 10_000 else 5)
        theta = rng.uniform(0.25, 1.0, batch)
        income = np.broadcast_to(data.income, (batch, n))
        observed = data.spending * np.exp(rng.normal(0, 0.03, (batch, n)))
        alpha = calibrate_alpha(observed, income, theta)
        floor = 0.02 * income
        spill = np.ones(n)
        spill[data.index("United States")] = 0.5
        fixed = np.full((batch, n), np.nan)
        fixed[:, data.index("United States")] = 0.5 * observed[:, data.index("United States")]
        cases = {
            "nash_equilibrium": partial(
                nash_equilibrium, income, alpha, theta, spill_in=spill, floor=floor
            ),
            "calibrate_alpha": partial(calibrate_alpha, observed, income, theta),
            "counterfactual": partial(
                counterfactual,
                income,
                observed,
                theta,
                threat_rise=0.1,
                spill_in=spill,
                floor=floor,
                fixed=fixed,
            ),
        }
        for name, run in cases.items():
            seconds = _best_time(run, repeats)
            rows.append((name, batch, seconds, batch / seconds))
    print(
        f"burden equilibrium throughput, N = {n} allies; numpy {np.__version__}, "
        f"{platform.processor() or platform.machine()}; best of repeats"
    )
    print(f"{'function':<18} {'B':>8} {'seconds':>10} {'draws/s':>14}")
    for name, batch, seconds, rate in rows:
        print(f"{name:<18} {batch:>8,} {seconds:>10.5f} {rate:>14,.0f}")


if __name__ == "__main__":
    main()
