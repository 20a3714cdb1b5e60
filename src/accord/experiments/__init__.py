"""Experiments: uncertainties and levers, designs, per-experiment randomness, executors, runs.

See ``docs/experiments.md``. The public API::

    from accord.experiments import (
        Uncertainty, Lever, ChunkResult, make_design,
        experiment_rngs, experiment_uniforms, experiment_normals, experiment_draws,
        run_experiments,
    )
    from accord.store.runs import open_run
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> module; imported on first use (PEP 562) so that light modules of this package
# (e.g. the executors' names for the CLI) do not pull in pandas.
_EXPORTS: dict[str, str] = {
    "design_fingerprint": "accord.experiments.design",
    "inverse_cdf": "accord.experiments.design",
    "make_design": "accord.experiments.design",
    "EXECUTORS": "accord.experiments.executors",
    "map_unordered": "accord.experiments.executors",
    "experiment_draws": "accord.experiments.rng",
    "experiment_normals": "accord.experiments.rng",
    "experiment_rng": "accord.experiments.rng",
    "experiment_rngs": "accord.experiments.rng",
    "experiment_uniforms": "accord.experiments.rng",
    "run_experiments": "accord.experiments.runner",
    "ChunkResult": "accord.experiments.spec",
    "Lever": "accord.experiments.spec",
    "Uncertainty": "accord.experiments.spec",
    "Run": "accord.store.runs",
    "RunHandle": "accord.store.runs",
    "open_run": "accord.store.runs",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'accord.experiments' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
