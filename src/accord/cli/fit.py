"""CLI command: ``accord fit NAME`` -- estimate one of accord's fitted models and print it."""

from __future__ import annotations

import typer

from accord.cli.formats import Format


def register(app: typer.Typer) -> None:
    """Add ``accord fit``."""
    app.command("fit")(fit)


def fit(
    name: str = typer.Argument(
        ..., help="The fitted model: war-duration, durability, escalation, opinion, burden-demand."
    ),
    output_format: Format = typer.Option(Format.table, "--format", "-f"),
) -> None:
    """Estimate a fitted model on its shipped data; print estimates with intervals."""
    from accord.fits import run_fit

    result = run_fit(name)
    if output_format is Format.json:
        from accord.spec.jsonout import dumps

        typer.echo(dumps(result.to_dict(), indent=2))  # non-finite as null, never NaN
        return
    rows = result.to_dict()
    if output_format is Format.csv:
        typer.echo("name,value,low,high,unit")
        for e in rows["estimates"]:
            typer.echo(f"{e['name']},{e['value']},{e['low']},{e['high']},{e['unit']}")
        return
    _print_table(rows)


def _print_table(rows: dict) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    data = rows["data"]
    years = f", {data['years'][0]}-{data['years'][1]}" if data.get("years") else ""
    table = Table(
        title=Text(f"{rows['model']}: {rows['description']}"),
        caption=Text(
            f"{rows['method']} ({rows['library']}); {rows['interval']}; "
            f"n = {data['n']}{years}; data: {data['source']}"
        ),
    )
    for column, justify in (
        ("estimate", "left"),
        ("value", "right"),
        ("low", "right"),
        ("high", "right"),
        ("unit", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]  # rich's names
    for e in rows["estimates"]:
        cells = (_number(e[k], e["unit"]) for k in ("value", "low", "high"))
        table.add_row(Text(e["name"]), *cells, Text(e["unit"]))
    console = Console()
    console.print(table)
    for key, value in rows["statistics"].items():
        console.print(Text(f"{key}: {value}"))
    for note in rows["notes"]:
        console.print(Text(f"note: {note}"))


def _number(value: float | None, unit: str) -> str:
    """An estimate by its unit, as every face prints it (probabilities as ``"61.8 %"``)."""
    from accord.analysis.formatting import fmt

    return fmt(value, unit)
