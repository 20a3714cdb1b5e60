"""A toy vectorised `simulate` for the experiment tests (module-level: picklable).

A 12-month random walk per experiment: drift ``a``, volatility ``b``, pushed by the lever
``force``. Scalars: the end value, the first month the walk exceeds 1 (NaN if never), and
whether it ever did (indicator).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from accord.experiments import (
    ChunkResult,
    Lever,
    Uncertainty,
    experiment_normals,
    experiment_uniforms,
)

MONTHS = 12

UNCERTAINTIES = [
    Uncertainty(name="a", distribution="uniform", low=-0.1, high=0.3, source="toy"),
    Uncertainty(name="b", distribution="triangular", low=0.1, high=0.5, mode=0.2, source="toy"),
]
LEVERS = [Lever(name="force", options=[0.0, 0.2], default=0.0, source="toy")]


def toy_simulate(design_chunk: pd.DataFrame, seed: int, delay: float = 0.0) -> ChunkResult:
    """Simulate a chunk; ``delay`` seconds of sleep make it slow enough to be killed."""
    if delay:
        time.sleep(delay)
    ids = design_chunk["experiment"].to_numpy()
    drift = design_chunk["a"].to_numpy()[:, None] + design_chunk["force"].to_numpy()[:, None]
    volatility = design_chunk["b"].to_numpy()[:, None]
    shocks = experiment_normals(seed, ids, (MONTHS,))
    noise = experiment_uniforms(seed, ids, (), stream=1)
    path = np.cumsum(drift + volatility * shocks, axis=1)  # [B, T]
    crossed = path > 1.0
    ever = crossed.any(axis=1)
    first = np.where(ever, crossed.argmax(axis=1).astype(float) + 1.0, np.nan)
    scalars = pd.DataFrame(
        {
            "experiment": ids,
            "end_value": path[:, -1] + 0.01 * noise,
            "crossing_month": first,
            "crossed": ever.astype(float),
        }
    )
    months = np.arange(1, MONTHS + 1)
    series = pd.DataFrame(
        {
            "experiment": np.repeat(ids, MONTHS),
            "month": np.tile(months, ids.size),
            "level": path.ravel(),
        }
    )
    return ChunkResult(scalars=scalars, series=series)


def two_variant_runs(out_dir, n: int = 20, seed: int = 4) -> list:
    """Two stored runs of the toy model, force 0.0 and 0.2 (variants force-0.0, force-0.2),
    in ``out_dir``, without progress output."""
    from accord.experiments import make_design, run_experiments

    return [
        run_experiments(
            toy_simulate,
            make_design(UNCERTAINTIES, LEVERS, n, seed=seed, fixed_levers={"force": force}),
            seed=seed,
            out_dir=out_dir,
            meta={"scenario": "toy", "variant": f"force-{force}"},
            progress=False,
        )
        for force in (0.0, 0.2)
    ]
