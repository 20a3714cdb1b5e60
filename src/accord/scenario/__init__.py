"""Scenarios: the schema, and loading with file:line errors."""

from accord.scenario.loader import (
    load_scenario,
    resolve,
    shipped_names,
    shipped_path,
)
from accord.scenario.schema import Actor, Issue, Quantity, Scenario, Stance

__all__ = [
    "Actor", "Issue", "Quantity", "Scenario", "Stance",
    "load_scenario", "resolve", "shipped_names", "shipped_path",
]
