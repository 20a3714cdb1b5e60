"""What a run of the coupled simulation will cost, before it starts (``accord run``).

Calibrated on the project's 2-core machine with the shipped ukraine-2025 scenario: about
5 microseconds of one core per experiment and month (4,000 experiments x 120 months take
about 2.5 s in process, report excluded), about 2 KB of Parquet per experiment, and a
design table of 8 bytes per value held in memory with its chunks' arrays.
See :mod:`accord.spec.limits` for the caps and ``docs/scenario-format.md`` ("Limits").
"""

from __future__ import annotations

import math
from typing import Any

from accord.spec.limits import Estimate

SECONDS_PER_EXPERIMENT_MONTH = 5e-6
BYTES_PER_EXPERIMENT_MONTH = 8.0 * 40  # the monthly state arrays of a chunk, per experiment
DISK_BYTES_PER_EXPERIMENT = 2048
#: Fixed cost of simulating one candidate of ``accord optimize`` (a small chunk: design
#: copy, engine set-up, scalar table): about 0.05 s measured with
#: ``benchmarks/bench_optimize.py`` (8 candidates x 3 generations, 4 and 16 futures, 2 cores,
#: 2026-12-07), where the per-experiment-month rate alone predicted 10-30 times too little.
SECONDS_PER_CANDIDATE = 0.05


def design_size(spec: Any, variant: str, experiments: int) -> int:
    """Experiments of one variant: ``experiments`` points times its crossed lever options."""
    _, levers = spec.variant_inputs(variant)
    return experiments * math.prod(len(lever.options) for lever in levers)


def estimate_run(spec: Any, variants: list[str], experiments: int) -> Estimate:
    """Rough time and memory of ``accord run`` over ``variants`` (the largest variant's
    design and chunks are in memory at once; variants run one after the other)."""
    sizes = [design_size(spec, name, experiments) for name in variants]
    months = spec.horizon_months
    total = sum(sizes)
    largest = max(sizes, default=0)
    columns = len(spec.uncertainties) + len(spec.levers) + 2
    memory = 8.0 * 4 * largest * columns + BYTES_PER_EXPERIMENT_MONTH * largest * months
    return Estimate(
        f"run of {len(variants)} variant(s), {total} experiments x {months} months "
        f"(about {total * DISK_BYTES_PER_EXPERIMENT / 1024**2:.0f} MB on disk)",
        SECONDS_PER_EXPERIMENT_MONTH * total * months,
        memory,
    )


def estimate_calibration(
    spec: Any, variant: str, points: int, replicates: int, waves: int
) -> Estimate:
    """Rough time and memory of ``accord calibrate``: each wave is a run of ``points x
    replicates`` experiments of ``variant`` (:func:`estimate_run`), one wave after the other,
    so the time adds up over the waves and the memory is one wave's."""
    wave = estimate_run(spec, [variant], points * replicates)
    experiments = design_size(spec, variant, points * replicates)
    return Estimate(
        f"calibration of {waves} wave(s) x {points} points x {replicates} futures = "
        f"{waves * experiments} experiments x {spec.horizon_months} months (about "
        f"{waves * experiments * DISK_BYTES_PER_EXPERIMENT / 1024**2:.0f} MB on disk)",
        wave.seconds * waves,
        wave.bytes,
    )


def estimate_optimization(spec: Any, population: int, generations: int, futures: int) -> Estimate:
    """Rough time and memory of ``accord optimize``: at most ``population x generations``
    candidates, each a run of ``futures`` experiments (candidates already seen are not
    re-simulated, so this is an upper bound); one candidate's chunk is in memory at a time."""
    experiments = population * generations * futures
    months = spec.horizon_months
    columns = len(spec.uncertainties) + len(spec.levers) + 2
    return Estimate(
        f"optimization of {population} candidates x {generations} generation(s) x "
        f"{futures} futures = {experiments} experiments x {months} months",
        SECONDS_PER_EXPERIMENT_MONTH * experiments * months
        + SECONDS_PER_CANDIDATE * population * generations,
        8.0 * 4 * futures * columns + BYTES_PER_EXPERIMENT_MONTH * futures * months,
    )


def estimate_rerun(spec: Any, experiments: int) -> Estimate:
    """Rough time and memory of ``accord update --rerun``: ``experiments`` fresh futures of one
    variant (the rows are given, so no lever crossing multiplies them), in one chunk."""
    months = spec.horizon_months
    columns = len(spec.uncertainties) + len(spec.levers) + 2
    memory = 8.0 * 4 * experiments * columns + BYTES_PER_EXPERIMENT_MONTH * experiments * months
    return Estimate(
        f"rerun of {experiments} fresh futures x {months} months",
        SECONDS_PER_EXPERIMENT_MONTH * experiments * months,
        memory,
    )
