"""What every command that prints results shares: the ``--format`` option and :func:`emit`,
the one renderer of a table of rows.

* ``table`` -- a rich table sized by rich to the terminal (the first column, the row's name,
  never folds; the others fold), numbers formatted by :func:`accord.analysis.formatting.fmt`
  (by unit, where the command gives units); off a terminal, a simple table is laid out
  without importing rich, character for character as rich lays it out (:func:`plain_table`);
* ``csv`` -- a header row (the column names, those of the JSON keys) and the rows, numbers
  unrounded;
* ``json`` -- the command's documented document when it has one, otherwise the rows as a list
  of records (numbers unrounded; NaN and infinity as null, through :mod:`accord.spec.jsonout`).

A bad ``--format`` value prints one line and exits with code 2, as bad input does.
"""

from __future__ import annotations

import builtins
import math
import os
import sys
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
    unit_of = _unit_lookup(units)
    texts = [[cell(row.get(name), unit_of(row, name)) for name in names] for row in table]
    plain = plain_table(table, names, texts, title=title, caption=caption, notes=notes)
    if plain is not None:
        sys.stdout.write(plain)
        sys.stdout.flush()
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

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


def plain_table(
    table: Sequence[Mapping[str, Any]],
    names: Sequence[str],
    texts: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    caption: str | None = None,
    notes: Iterable[str] = (),
) -> str | None:
    """What :func:`print_table` prints, made without rich, or None where rich must make it.

    Importing rich costs about 0.02 s of a static forecast (issue 21). Off a terminal rich
    prints plain text, and in the simple case -- every column shown at its natural width,
    printable ASCII only, words separated by single spaces, none wider than the terminal --
    its layout is this one: the heavy-head box, each cell padded by one space, the title and
    caption centred and wrapped to the table's width, each note wrapped to the terminal's
    width at spaces (a wrapped line keeps its trailing space while it fits). Anything else
    (a terminal, colours forced, Jupyter, Windows, a non-UTF encoding, wide or control
    characters, a table wider than the terminal) returns None. tests/cli/test_formats_plain.py
    compares the two on generated tables.
    """
    notes = list(notes)
    width = _plain_width()
    if width is None or not table or not names:
        return None
    headers = [str(name) for name in names]
    if not all(_plain_cell(t) for t in (*headers, *(c for line in texts for c in line))):
        return None
    widths = [max(len(h), *(len(line[i]) for line in texts)) + 2 for i, h in enumerate(headers)]
    table_width = sum(widths) + len(widths) + 1
    if table_width > width:
        return None
    annotations = [t for t in (title, caption) if t]
    if not all(_plain_prose(t, table_width) for t in annotations) or not all(
        _plain_prose(n, width) for n in notes
    ):
        return None
    right = [any(_is_number(row.get(name)) for row in table) for name in names]

    def row(cells: Sequence[str], edge: str, bar: str) -> str:
        padded = [
            f" {c.rjust(w - 2) if r else c.ljust(w - 2)} "
            for c, w, r in zip(cells, widths, right, strict=True)
        ]
        return edge + bar.join(padded) + edge

    out: list[str] = []
    if title:
        out += _centred(title, table_width)
    out.append("\u250f" + "\u2533".join("\u2501" * w for w in widths) + "\u2513")
    out.append(row(headers, "\u2503", "\u2503"))
    out.append("\u2521" + "\u2547".join("\u2501" * w for w in widths) + "\u2529")
    out += [row(line, "\u2502", "\u2502") for line in texts]
    out.append("\u2514" + "\u2534".join("\u2500" * w for w in widths) + "\u2518")
    if caption:
        out += _centred(caption, table_width)
    for note in notes:
        out += _wrapped(note, width)
    return "".join(line + "\n" for line in out)


def _plain_width() -> int | None:
    """The terminal width rich would use off a terminal (its Console.size), or None when
    rich would print otherwise than plain text (see :func:`plain_table`)."""
    environ = os.environ
    stdout = sys.stdout
    isatty = getattr(stdout, "isatty", None)
    if (
        sys.platform == "win32"
        or hasattr(builtins, "get_ipython")
        or getattr(getattr(sys.stdin, "__module__", None), "startswith", lambda _: False)("idlelib")
        or any(
            name in environ
            for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")
        )
        or isatty is None
        or not str(getattr(stdout, "encoding", "utf-8") or "utf-8").lower().startswith("utf")
    ):
        return None
    try:
        if isatty():
            return None
    except ValueError:
        return None
    width = None
    for descriptor in (0, 1, 2):
        try:
            width = os.get_terminal_size(descriptor)[0]
        except (AttributeError, ValueError, OSError):
            continue
        break
    columns = environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        width = int(columns)
    return width or 80


def _plain_cell(text: str) -> bool:
    return text.isascii() and text.isprintable() and text == text.strip()


def _plain_prose(text: str, width: int) -> bool:
    return _plain_cell(text) and "  " not in text and all(len(w) <= width for w in text.split())


def _wrapped(text: str, width: int) -> list[str]:
    """``text`` wrapped at spaces to ``width``: each line keeps its trailing space unless
    that would make it one wider than ``width`` (rich's divide_line and rstrip_end)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + len(word) > width:
            lines.append(line[:width])
            line = ""
        line += word + " "
    lines.append(line[:-1])
    return lines


def _centred(text: str, width: int) -> list[str]:
    """``text`` wrapped to ``width``, each line centred (the odd space on the right)."""
    lines = []
    for line in _wrapped(text, width):
        line = line.rstrip()
        left = (width - len(line)) // 2
        lines.append(" " * left + line + " " * (width - len(line) - left))
    return lines


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
