"""Experiments: uncertainties and levers, designs, per-experiment randomness, executors, runs.

See ``docs/experiments.md``. The public API::

    from accord.experiments import (
        Uncertainty, Lever, ChunkResult, make_design,
        experiment_rngs, experiment_uniforms, experiment_normals, experiment_draws,
        run_experiments,
    )
    from accord.store import open_run
"""

from accord.experiments.design import design_fingerprint, inverse_cdf, make_design
from accord.experiments.executors import EXECUTORS, map_unordered
from accord.experiments.rng import (
    experiment_draws,
    experiment_normals,
    experiment_rng,
    experiment_rngs,
    experiment_uniforms,
)
from accord.experiments.runner import run_experiments
from accord.experiments.spec import ChunkResult, Lever, Uncertainty
from accord.store import Run, RunHandle, open_run

__all__ = [
    "EXECUTORS",
    "ChunkResult",
    "Lever",
    "Run",
    "RunHandle",
    "Uncertainty",
    "design_fingerprint",
    "experiment_draws",
    "experiment_normals",
    "experiment_rng",
    "experiment_rngs",
    "experiment_uniforms",
    "inverse_cdf",
    "make_design",
    "map_unordered",
    "open_run",
    "run_experiments",
]
