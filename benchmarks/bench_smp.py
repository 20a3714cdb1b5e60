"""Benchmark: accord's SMP against KTAB's ``smpc`` on KTAB's own example scenarios.

Run ``python benchmarks/bench_smp.py`` (``--draws N`` for the batch, ``--quick`` to cap the
batch at 10 draws from 80 actors up). Prints one row per scenario: size, turns, our time for
the single KTAB run (numba engine, the default; and the numpy engine), KTAB's time as
reported by smpc (``ktab_smpc_runs_summary.csv``), the speed-up, and the throughput of a
batch of draws of uncertain inputs (positions +- 5 points, saliences x U(0.8, 1.2)).
The first call compiles the numba kernels (cached on disk afterwards); it is not timed.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from accord.models.bargaining.smp import smp
from accord.scenario.ktab import read_ktab_csv

DATA = Path(__file__).parents[1] / "tests" / "validation" / "data" / "ktab_smp"
SCENARIOS = [
    "dummyData_3Dim.csv",
    "SOE-Pol-Comp.csv",
    "SOE-Policy.csv",
    "dummyData_6Dim.csv",
    "SOE-Competitive.csv",
    "dummyData-a040.csv",
    "dummyData-a080.csv",
    "dummyData-a160.csv",
]
NUMPY_UP_TO = 80  # actors; the numpy engine is timed up to this size


def _best_of(fn, repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _draws(c, x, s, n: int, seed: int = 2025):
    rng = np.random.default_rng(seed)
    pos = np.clip(np.repeat(x, n, 0) + rng.uniform(-5, 5, (n, *x.shape[1:])), 0, 100)
    sal = np.repeat(s, n, 0) * rng.uniform(0.8, 1.2, (n, *s.shape[1:]))
    sal = sal / np.maximum(1.0, sal.sum(-1, keepdims=True))
    return np.repeat(c, n, 0), pos, sal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    summary = pd.read_csv(DATA / "ktab_smpc_runs_summary.csv").set_index("scenario_file")
    warm = read_ktab_csv(DATA / "dummyData_3Dim.csv").model_inputs()
    smp(*warm)  # compile
    smp(*_draws(*warm, 2))
    header = (
        f"{'scenario':<22}{'N x K':>8}{'turns':>6}{'ours s':>10}{'numpy s':>10}"
        f"{'KTAB s':>9}{'speed-up':>10}{'batch':>7}{'batch s':>9}{'draws/s':>9}"
    )
    print(header)
    print("-" * len(header))
    for name in SCENARIOS:
        table = read_ktab_csv(DATA / name)
        c, x, s = table.model_inputs()
        n, k = x.shape[1:]
        result = smp(c, x, s)
        ours = _best_of(lambda c=c, x=x, s=s: smp(c, x, s), 3 if n <= 80 else 1)
        numpy_s = (
            f"{_best_of(lambda c=c, x=x, s=s: smp(c, x, s, engine='numpy'), 1):>10.3f}"
            if n <= NUMPY_UP_TO
            else f"{'-':>10}"
        )
        ktab = summary["elapsed_s_reported_by_smpc"].get(name)
        ktab_s = f"{ktab:>9.1f}" if ktab is not None else f"{'>390':>9}"
        speed = f"{ktab / ours:>9.0f}x" if ktab is not None else f"{'>' + str(int(390 / ours)):>9}x"
        n_draws = min(args.draws, 10) if (args.quick and n >= 80) else args.draws
        batch = _draws(c, x, s, n_draws)
        batch_s = _best_of(lambda b=batch: smp(*b), 1)
        print(
            f"{name:<22}{f'{n} x {k}':>8}{int(result.rounds[0]):>6}{ours:>10.4f}{numpy_s}"
            f"{ktab_s}{speed}{n_draws:>7}{batch_s:>9.2f}{n_draws / batch_s:>9.1f}"
        )
    print(
        "\nKTAB: smpc --logmin --csv, Debian 12 / g++ 12.2, 2 cores (README of the reference "
        "data); dummyData-a160 did not finish in ~6.5 min (390 s)."
    )


if __name__ == "__main__":
    main()
