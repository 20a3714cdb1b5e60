"""Scenarios: the schema, and loading with file:line errors."""

from accord.scenario.loader import (
    load_scenario,
    resolve,
    shipped_names,
    shipped_path,
)
from accord.scenario.schema import Actor, Issue, Scenario, Stance

__all__ = [
    "Actor",
    "Issue",
    "Scenario",
    "Stance",
    "load_scenario",
    "resolve",
    "shipped_names",
    "shipped_path",
]
