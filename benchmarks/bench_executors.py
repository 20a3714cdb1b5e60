"""Throughput of the experiment executors, and how it scales with the number of experiments.

Runs a toy vectorised simulation (120 months, 8 monthly series, 6 scalars: the output volume
of the coupled engine) through ``run_experiments`` on each executor, with results streamed to
Parquet, and prints experiments per second. Also times the pieces: the per-experiment random
streams, the simulation alone, and the store. If the coupled engine is available
(``accord.simulation.simulate_chunk``), the flagship scenario is timed too.

    python benchmarks/bench_executors.py            # 2,000 / 10,000 / 50,000 experiments
    python benchmarks/bench_executors.py --quick    # 1,000 / 5,000
    python benchmarks/bench_executors.py --sizes 100000 --executors processes
"""

from __future__ import annotations

import argparse
import functools
import logging
import tempfile
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from accord.experiments import (
    ChunkResult,
    Uncertainty,
    experiment_draws,
    make_design,
    run_experiments,
)

MONTHS = 120
SERIES = (
    "at_war",
    "front",
    "aid_us",
    "aid_europe",
    "support_us",
    "support_europe",
    "escalation_risk",
    "europe_defence_spending",
)
UNCERTAINTIES = [
    Uncertainty(name="drift", low=-0.5, high=0.5, source="benchmark"),
    Uncertainty(
        name="volatility",
        distribution="triangular",
        low=0.5,
        high=2.0,
        mode=1.0,
        source="benchmark",
    ),
    Uncertainty(name="hazard", distribution="lognormal", low=0.005, high=0.05, source="benchmark"),
]


def toy_simulate(design_chunk: pd.DataFrame, seed: int) -> ChunkResult:
    """A vectorised monthly toy: a front random walk and a ceasefire hazard, over [B, T]."""
    ids = design_chunk["experiment"].to_numpy()
    normals, uniforms = experiment_draws(
        seed, ids, [("normal", (MONTHS, 3)), ("uniform", (MONTHS, 3))]
    )
    drift = design_chunk["drift"].to_numpy()[:, None]
    volatility = design_chunk["volatility"].to_numpy()[:, None]
    hazard = design_chunk["hazard"].to_numpy()[:, None]
    front = 80 + np.cumsum(drift + volatility * normals[:, :, 0], axis=1)
    ceasefire = uniforms[:, :, 0] < hazard
    at_war = np.cumsum(ceasefire, axis=1) == 0
    first = np.where(ceasefire.any(axis=1), ceasefire.argmax(axis=1) + 1.0, np.nan)
    aid_us = np.maximum(0, 2 + 0.3 * normals[:, :, 1]) * at_war
    aid_europe = np.maximum(0, 3 + 0.3 * normals[:, :, 2]) * at_war
    support_us = 50 + np.cumsum(0.2 * normals[:, :, 1], axis=1)
    support_europe = 60 + np.cumsum(0.2 * normals[:, :, 2], axis=1)
    risk = 0.001 * (1 + uniforms[:, :, 1])
    spending = 1.9 + 0.01 * np.arange(MONTHS)[None, :] + 0.0 * drift
    monthly = [at_war, front, aid_us, aid_europe, support_us, support_europe, risk, spending]
    scalars = pd.DataFrame(
        {
            "experiment": ids,
            "ceasefire_month": first,
            "months_of_peace": (~at_war).sum(axis=1),
            "aid_total_us": aid_us.sum(axis=1),
            "aid_total_europe": aid_europe.sum(axis=1),
            "front_end": front[:, -1],
            "escalation_events": (uniforms[:, :, 2] < risk).sum(axis=1),
        }
    )
    series = pd.DataFrame(
        {"experiment": np.repeat(ids, MONTHS), "month": np.tile(np.arange(1, MONTHS + 1), ids.size)}
    )
    for name, values in zip(SERIES, monthly, strict=True):
        series[name] = values.astype(np.float32).ravel()
    return ChunkResult(scalars=scalars, series=series)


def _time(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def bench_run(
    simulate: Callable[..., ChunkResult],
    design: pd.DataFrame,
    executor: str,
    chunk_size: int | None,
    dask_address: str | None,
) -> float:
    with tempfile.TemporaryDirectory() as out_dir:
        return _time(
            lambda: run_experiments(
                simulate,
                design,
                seed=1,
                out_dir=out_dir,
                executor=executor,  # type: ignore[arg-type]
                chunk_size=chunk_size,
                meta={"scenario": "bench"},
                progress=False,
                max_workers=2,
                dask_address=dask_address,
            )
        )


def print_table(title: str, rows: list[dict[str, object]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in rows[0]:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(
            *(
                f"{v:,.0f}"
                if isinstance(v, float) and v >= 100
                else f"{v:.3g}"
                if isinstance(v, float)
                else str(v)
                for v in row.values()
            )
        )
    Console(width=120).print(table)


def pieces(n: int) -> list[dict[str, object]]:
    design = make_design(UNCERTAINTIES, [], n, seed=1)
    ids = design["experiment"].to_numpy()
    draws = _time(
        lambda: experiment_draws(1, ids, [("normal", (MONTHS, 3)), ("uniform", (MONTHS, 3))])
    )
    simulate = _time(lambda: toy_simulate(design, 1))
    rows = [
        {
            "piece": "random streams (per-experiment generators)",
            "seconds": draws,
            "us per experiment": 1e6 * draws / n,
        },
        {
            "piece": "toy simulate, in memory (includes the streams)",
            "seconds": simulate,
            "us per experiment": 1e6 * simulate / n,
        },
    ]
    for executor in ("inprocess",):
        total = bench_run(toy_simulate, design, executor, 5000, None)
        rows.append(
            {
                "piece": "inprocess run_experiments (simulate + Parquet)",
                "seconds": total,
                "us per experiment": 1e6 * total / n,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000, 10000, 50000])
    parser.add_argument("--executors", nargs="*", default=["inprocess", "processes", "dask"])
    parser.add_argument("--quick", action="store_true", help="sizes 1000 and 5000")
    arguments = parser.parse_args()
    sizes = [1000, 5000] if arguments.quick else arguments.sizes
    bench_run(toy_simulate, make_design(UNCERTAINTIES, [], 10, seed=1), "inprocess", None, None)

    print_table(
        f"Where the time goes ({sizes[-1]:,} experiments x {MONTHS} months, toy)", pieces(sizes[-1])
    )

    cluster = None
    address = None
    if "dask" in arguments.executors:
        from distributed import LocalCluster

        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.CRITICAL,
        )
        address = cluster.scheduler_address
    rows = []
    try:
        for n in sizes:
            design = make_design(UNCERTAINTIES, [], n, seed=1)
            for executor in arguments.executors:
                seconds = bench_run(toy_simulate, design, executor, None, address)
                rows.append(
                    {
                        "experiments": n,
                        "executor": executor,
                        "seconds": seconds,
                        "experiments / s": n / seconds,
                    }
                )
        print_table(
            f"Toy model, {MONTHS} months, 2 workers (dask: cluster already running; "
            "processes: pool start included)",
            rows,
        )
        engine_rows = bench_engine(sizes, arguments.executors, address)
        if engine_rows:
            print_table(
                "Flagship scenario ukraine-2025 (baseline variant), coupled engine", engine_rows
            )
    finally:
        if cluster is not None:
            cluster.close()


def bench_engine(
    sizes: list[int], executors: list[str], address: str | None
) -> list[dict[str, object]]:
    """Time the coupled engine on the flagship scenario, if it is there."""
    try:
        from accord.scenario import load_scenario
        from accord.simulation import compile_spec, simulate_chunk, variant_design

        scenario = load_scenario("ukraine-2025")
        spec = scenario.simulation
        compiled = compile_spec(spec, scenario, seed=1, source="ukraine-2025")
        simulate = functools.partial(simulate_chunk, spec=compiled)
    except Exception as error:  # noqa: BLE001 - the engine is optional here
        print(f"(coupled engine not benchmarked: {type(error).__name__}: {error})")
        return []
    rows = []
    for n in sizes:
        design = variant_design(spec, "baseline", n, seed=1)
        for executor in executors:
            seconds = bench_run(simulate, design, executor, None, address)
            rows.append(
                {
                    "experiments": len(design),
                    "executor": executor,
                    "seconds": seconds,
                    "experiments / s": len(design) / seconds,
                }
            )
    return rows


if __name__ == "__main__":
    main()
