"""CLI command: ``accord runs [DIR]`` -- the stored runs, from the run catalogue."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from accord.cli.formats import Format, FormatOption, emit

COLUMNS = (
    "run_id",
    "scenario",
    "variant",
    "seed",
    "n_experiments",
    "status",
    "created",
    "scenario_hash",
    "path",
)


def register(app: typer.Typer) -> None:
    """Add ``accord runs``."""
    app.command("runs")(runs)


def runs(
    directory: Annotated[
        Path,
        typer.Argument(
            help="Directory of runs (an --out of accord run, or a folder holding several)."
        ),
    ] = Path("runs"),
    output_format: FormatOption = Format.table,
) -> None:
    """List the stored runs recorded in the run catalogue."""
    from accord.workflows.study import list_runs

    table = list_runs(directory)
    if "path" in table.columns:
        table = table.assign(path=[_relative(p) for p in table["path"]])
    columns = [c for c in COLUMNS if c in table.columns]
    emit(table[columns], output_format, title=f"runs in {directory}")
    if table.empty and output_format is Format.table:
        typer.echo(f"no runs recorded in {directory}", err=True)


def _relative(path: object) -> object:
    """A path relative to the working directory (as given when it is elsewhere or missing)."""
    if path is None or not str(path):
        return path
    try:
        return os.path.relpath(str(path))
    except ValueError:  # another drive (Windows)
        return path
