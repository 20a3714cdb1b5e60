"""Loading a scenario for the application layer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accord.scenario.schema import Scenario


def load(scenario: str | os.PathLike[str] | Scenario) -> Scenario:
    """Return a checked :class:`~accord.scenario.schema.Scenario`.

    Parameters
    ----------
    scenario
        A shipped name (``"ukraine-2025"``), a YAML file, a directory holding
        ``scenario.yaml``, a KTAB SMP CSV file, or an already loaded Scenario (returned as is).

    Raises
    ------
    ScenarioError
        One line naming file, line and field of the first problem.
    """
    from accord.scenario.loader import load_scenario
    from accord.scenario.schema import Scenario

    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, os.PathLike) and not isinstance(scenario, Path):
        scenario = Path(os.fspath(scenario))
    return load_scenario(scenario)
