"""What every command that prints results shares: the ``--format`` option and :func:`emit`,
the one renderer of a table of rows.

* ``table`` -- a rich table sized by rich to the terminal (the first column, the row's name,
  never folds; the others fold), numbers formatted by :func:`accord.analysis.formatting.fmt`
  (by unit, where the command gives units);
* ``csv`` -- a header row (the column names, those of the JSON keys) and the rows, numbers
  unrounded;
* ``json`` -- the command's documented document when it has one, otherwise the rows as a list
  of records (numbers unrounded; NaN and infinity as null, through :mod:`accord.spec.jsonout`).

A bad ``--format`` value prints one line and exits with code 2, as bad input does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any

import typer


class Format(StrEnum):
    """Output formats: a rich table for people, JSON or CSV for programs."""

    table = "table"
    json = "json"
    csv = "csv"


def parse_format(value: Any) -> Format:
    """The ``--format`` value, or one line on stderr and exit code 2."""
    if isinstance(value, Format):
        return value
    try:
        return Format(str(value).strip().lower())
    except ValueError:
        from accord.spec.errors import ScenarioError

        error = ScenarioError(
            None,
            "unknown output format",
            field="--format",
            expected=", ".join(f.value for f in Format),
            found=str(value),
        )
        # as accord.cli.fail does (not imported: accord.cli imports this module)
        typer.echo(f"error: {error}", err=True)
        raise SystemExit(2) from None


FORMAT_HELP = "Output format: table, csv or json."
FormatOption = Annotated[
    Format,
    typer.Option("--format", "-f", parser=parse_format, metavar="table|csv|json", help=FORMAT_HELP),
]

Rows = Any  # a sequence of mappings, or a DataFrame
Units = Mapping[str, str] | str | None


def records(rows: Rows) -> list[dict[str, Any]]:
    """``rows`` (a sequence of mappings or a DataFrame) as a list of plain dicts."""
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):
        return [dict(r) for r in rows.to_dict(orient="records")]
    return [dict(r) for r in rows]


def columns_of(table: Sequence[Mapping[str, Any]], columns: Iterable[str] | None) -> list[str]:
    """The columns: those given, else every key in order of first appearance."""
    if columns is not None:
        return list(columns)
    seen: dict[str, None] = {}
    for row in table:
        seen.update(dict.fromkeys(row))
    return list(seen)


def emit(
    rows: Rows,
    output_format: Format,
    *,
    title: str | None = None,
    caption: str | None = None,
    columns: Iterable[str] | None = None,
    units: Units = None,
    document: Any = None,
    notes: Iterable[str] = (),
) -> None:
    """Print ``rows`` as a table, CSV or JSON (see the module's docstring).

    ``columns`` orders and selects the columns (default: every key); ``units`` gives each
    numeric column's unit for the table (a mapping column -> unit, or the name of a column that
    holds each row's unit); ``document`` is what ``json`` prints instead of the rows (the
    command's documented shape); ``notes`` are lines printed under the table only.
    """
    if columns is None and hasattr(rows, "columns"):
        columns = [str(c) for c in rows.columns]
    table = records(rows)
    names = columns_of(table, columns)
    if output_format is Format.json:
        from accord.spec.jsonout import dumps

        payload = (
            document if document is not None else [{c: r.get(c) for c in names} for r in table]
        )
        typer.echo(dumps(payload, indent=2, default=str, ensure_ascii=False))
    elif output_format is Format.csv:
        write_csv(table, names)
    else:
        print_table(table, names, title=title, caption=caption, units=units, notes=notes)


def write_csv(table: Sequence[Mapping[str, Any]], names: Sequence[str]) -> None:
    """The rows as CSV on stdout: a header row, then the values unrounded (missing: empty)."""
    import csv
    import sys

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(names)
    for row in table:
        writer.writerow([_csv_cell(row.get(name)) for name in names])
    sys.stdout.flush()


def _csv_cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (dict, list, tuple)):
        import json

        return json.dumps(value, default=str, ensure_ascii=False)
    if hasattr(value, "item") and callable(value.item):  # a numpy scalar: its Python value
        try:
            value = value.item()
        except (TypeError, ValueError):
            pass
    if value is not None and not isinstance(value, (str, int, float, bool)):
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return ""
    return value


def print_table(
    table: Sequence[Mapping[str, Any]],
    names: Sequence[str],
    *,
    title: str | None = None,
    caption: str | None = None,
    units: Units = None,
    notes: Iterable[str] = (),
) -> None:
    """The rows as a rich table on stdout, sized to the terminal by rich."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    unit_of = _unit_lookup(units)
    texts = [[cell(row.get(name), unit_of(row, name)) for name in names] for row in table]
    console = Console()
    shown, fold_first = _columns_that_fit(names, texts, console.width)
    # Stored values (names, descriptions) are data: printed as text, never as markup.
    view = Table(
        title=Text(title) if title else None,
        caption=Text(caption) if caption else None,
        show_lines=False,
    )
    for index in shown:
        numeric = any(_is_number(row.get(names[index])) for row in table)
        # The first column names the row: never folded; the others fold to fit the terminal.
        view.add_column(
            Text(str(names[index])),
            justify="right" if numeric else "left",
            no_wrap=index == 0 and not fold_first,
            overflow="fold",
        )
    for line in texts:
        view.add_row(*(Text(line[index]) for index in shown))
    console.print(view)
    hidden = [names[i] for i in range(len(names)) if i not in shown]
    if hidden:
        console.print(
            Text(
                f"not shown, the terminal is {console.width} columns wide: "
                f"{', '.join(hidden)} (--format csv or json has every column)"
            ),
            highlight=False,
        )
    for note in notes:
        console.print(Text(note), highlight=False)


#: Narrowest a folded column is allowed to get (characters, padding included).
FOLDED_WIDTH = 11
#: Narrowest the first column (the row's name) gets, when folding it shows more columns.
FOLDED_FIRST_WIDTH = 20


def _columns_that_fit(
    names: Sequence[str], texts: Sequence[Sequence[str]], width: int
) -> tuple[list[int], bool]:
    """The columns to show, and whether the first column folds: the first columns (the
    commands order their columns by importance) whose narrowest widths fit ``width`` (the
    others folded to :data:`FOLDED_WIDTH`), at least two. The first column keeps its full
    width unless folding it (to :data:`FOLDED_FIRST_WIDTH`) shows more columns."""
    natural = [
        max([len(str(name)), *(len(line[i]) for line in texts)]) + 3 for i, name in enumerate(names)
    ]

    def fitting(first: int) -> list[int]:
        narrowest = [first, *(min(n, FOLDED_WIDTH) for n in natural[1:])]
        shown = list(range(len(names)))
        while len(shown) > 2 and sum(narrowest[i] for i in shown) + 1 > width:
            shown.pop()
        return shown

    whole = fitting(natural[0]) if natural else []
    folded = fitting(min(natural[0], FOLDED_FIRST_WIDTH)) if natural else []
    return (folded, True) if len(folded) > len(whole) else (whole, False)


def cell(value: Any, unit: str = "") -> str:
    """One table cell: a number by its unit through the one formatter, anything else as text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, tuple)):
        import json

        return json.dumps(value, default=str, ensure_ascii=False)
    if not unit and _is_integer(value):
        return str(int(value))  # counts, seeds, years: as they are
    from accord.analysis.formatting import fmt

    return fmt(value, unit)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or _kind(value) in ("i", "u", "f")


def _kind(value: Any) -> str:
    """The numpy dtype kind of a numpy scalar ("" for anything else)."""
    return str(getattr(getattr(value, "dtype", None), "kind", ""))


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or _kind(value) in ("i", "u")


def _unit_lookup(units: Units) -> Callable[[Mapping[str, Any], str], str]:
    if units is None:
        return lambda row, name: ""
    if isinstance(units, str):
        column = units
        return lambda row, name: "" if name == column else str(row.get(column) or "")
    mapping = dict(units)
    return lambda row, name: mapping.get(name, "")
