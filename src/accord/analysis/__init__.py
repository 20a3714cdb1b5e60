"""Analysis of experiment results: summaries, levers' effects, sensitivity, scenario discovery.

Modules
-------
summary
    Headline probabilities and quantiles, ECDFs, fan-chart bands, bootstrap of means.
sensitivity
    Levers' effects with bootstrap intervals; importance of uncertainties (extra trees or
    standardised regression).
discovery
    PRIM scenario discovery (Friedman & Fisher 1999, peeling and pasting).
compare
    Differences between two runs with bootstrap intervals (loaded on first use).

All functions take the plain tables of a run (``scalars``: one row per experiment; ``series``:
long, one row per experiment and month) and return plain tables.
"""

from __future__ import annotations

import importlib
from typing import Any

from accord.analysis.discovery import PrimBox, PrimResult, prim
from accord.analysis.sensitivity import feature_importance, lever_effects, standardised_regression
from accord.analysis.summary import (
    OUTCOME_LABELS,
    bootstrap_mean_difference,
    ecdf,
    fan_bands,
    headline,
    headline_table,
    outcome_label,
    probability_ceasefire_within,
    quantile_summary,
)

__all__ = [
    "OUTCOME_LABELS",
    "PrimBox",
    "PrimResult",
    "bootstrap_mean_difference",
    "compare",
    "ecdf",
    "fan_bands",
    "feature_importance",
    "headline",
    "headline_table",
    "lever_effects",
    "outcome_label",
    "prim",
    "probability_ceasefire_within",
    "quantile_summary",
    "standardised_regression",
]


def __getattr__(name: str) -> Any:
    """Load ``accord.analysis.compare`` lazily (it is written separately and may be absent)."""
    if name == "compare":
        return importlib.import_module("accord.analysis.compare")
    raise AttributeError(f"module 'accord.analysis' has no attribute {name!r}")
