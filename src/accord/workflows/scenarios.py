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
    if not isinstance(scenario, str | os.PathLike):
        from accord.spec.errors import ScenarioError

        raise ScenarioError(
            None,
            "wrong type",
            field="scenario",
            expected="a shipped name, a path or a loaded Scenario",
            found=type(scenario).__name__,
        )
    if isinstance(scenario, os.PathLike) and not isinstance(scenario, Path):
        scenario = Path(os.fspath(scenario))
    return load_scenario(scenario)


def check(scenario: str | os.PathLike[str]) -> Scenario:
    """Load a scenario and check everything a run of it would check (``accord validate``).

    On top of :func:`load`: the simulation section is compiled exactly as ``accord run``
    compiles it (:func:`accord.simulation.compile_spec`), every variant's design is built
    with its overrides applied, and each burden game is run once at its default levers with
    two draws (:func:`accord.workflows.burden.check_burden_spec`). An error names the
    section's file and line.

    Raises
    ------
    ScenarioError
        One line naming file, line and field of the first problem.
    """
    from accord.scenario.loader import load_with_sources
    from accord.scenario.yamlsafe import line_of
    from accord.spec.errors import ScenarioError

    if isinstance(scenario, os.PathLike) and not isinstance(scenario, Path):
        scenario = Path(os.fspath(scenario))
    loaded, sections = load_with_sources(scenario)
    for section, (name, lines, prefix) in sections.items():
        try:
            if section == "simulation":
                _compile_simulation(loaded)
            elif section == "burden":
                from accord.workflows.burden import check_burden_spec

                assert loaded.burden is not None, "a burden section was read"
                check_burden_spec(loaded.burden)
        except ScenarioError as error:
            if error.line is not None and error.file not in (None, "design", loaded.origin):
                raise
            field = error.field or section
            loc = prefix + tuple(field.split(".")[:1])
            raise ScenarioError(
                name,
                error.detail,
                line=line_of(lines, loc),
                field=field,
                expected=error.expected,
                found=error.found,
            ) from None
    return loaded


def _compile_simulation(scenario: Scenario) -> None:
    from accord.simulation import compile_spec, variant_design

    spec = scenario.simulation
    assert spec is not None, "called for a scenario with a simulation section"
    compile_spec(spec, scenario, seed=0, source=scenario.origin or scenario.name)
    for variant in spec.variants:
        variant_design(spec, variant, 2, seed=0)
