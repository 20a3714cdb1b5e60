"""CLI commands: ``schema`` and ``validate``."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add ``accord schema`` and ``accord validate``."""
    app.command("schema")(schema)
    app.command("validate")(validate)


def schema() -> None:
    """Print the JSON Schema of a scenario file."""
    from accord.scenario.schema import Scenario

    typer.echo(json.dumps(Scenario.model_json_schema(), indent=2))


def validate(
    scenario: str = typer.Argument(..., help="Scenario YAML, directory, KTAB CSV or shipped name."),
) -> None:
    """Check a scenario as a run would (sections compiled, variants built); print a one-line
    summary, or one error line and exit 2."""
    from accord.spec.errors import printable
    from accord.workflows.scenarios import check

    loaded = check(scenario)
    sections = [s for s in ("burden", "simulation") if getattr(loaded, s) is not None]
    typer.echo(
        f"ok: {printable(Path(loaded.origin or scenario).name)}: scenario '{loaded.name}', "
        f"{len(loaded.actors)} actors, {len(loaded.issues)} issues, {len(loaded.stances)} stances"
        + (f", sections: {', '.join(sections)}" if sections else "")
        + f", hash {loaded.hash()}"
    )
