"""CLI command: ``accord fit NAME`` -- estimate one of accord's fitted models and print it."""

from __future__ import annotations

import typer

from accord.cli.formats import Format, FormatOption, emit


def register(app: typer.Typer) -> None:
    """Add ``accord fit``."""
    app.command("fit")(fit)


def fit(
    name: str = typer.Argument(
        ..., help="The fitted model: war-duration, durability, escalation, opinion, burden-demand."
    ),
    output_format: FormatOption = Format.table,
) -> None:
    """Estimate a fitted model on its shipped data; print estimates with intervals."""
    from accord.fits import run_fit

    result = run_fit(name)
    _print_table(result.to_dict(), output_format)  # non-finite numbers as null in JSON


def _print_table(rows: dict, output_format: Format = Format.table) -> None:
    """The estimates with their intervals, each by its own unit (or as csv or json)."""
    data = rows["data"]
    years = f", {data['years'][0]}-{data['years'][1]}" if data.get("years") else ""
    emit(
        rows["estimates"],
        output_format,
        title=f"{rows['model']}: {rows['description']}",
        caption=(
            f"{rows['method']} ({rows['library']}); {rows['interval']}; "
            f"n = {data['n']}{years}; data: {data['source']}"
        ),
        columns=("name", "value", "low", "high", "unit"),
        units="unit",  # each estimate by its own unit (probabilities as "61.8 %")
        document=rows,
        notes=[f"{key}: {value}" for key, value in rows["statistics"].items()]
        + [f"note: {note}" for note in rows["notes"]],
    )
