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

#: The package's names and the module of each, imported on first use: importing one light
#: module (``accord.analysis.formatting`` for the CLI's tables) must not load pandas.
_HOMES = {
    "PrimBox": "discovery",
    "PrimResult": "discovery",
    "prim": "discovery",
    "feature_importance": "sensitivity",
    "lever_effects": "sensitivity",
    "standardised_regression": "sensitivity",
    "OUTCOME_LABELS": "summary",
    "bootstrap_mean_difference": "summary",
    "ecdf": "summary",
    "fan_bands": "summary",
    "headline": "summary",
    "headline_table": "summary",
    "outcome_label": "summary",
    "probability_ceasefire_within": "summary",
    "quantile_summary": "summary",
}

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
    """The package's names, each loaded from its module on first use."""
    if name == "compare":
        return importlib.import_module("accord.analysis.compare")
    if name in _HOMES:
        return getattr(importlib.import_module(f"accord.analysis.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'accord.analysis' has no attribute {name!r}")
