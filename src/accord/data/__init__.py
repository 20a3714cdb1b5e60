"""Reference data shipped with accord, each table with its provenance.

``load(name)`` returns a :class:`Table`: the pandas frame and a provenance dict (source,
verification label, notes) transcribed from the research pass's data README
(``docs/data.md`` has the full list). The registry is a data file, ``registry.csv`` here:
one row per table with its file, aliases, provenance and the columns checked. Figures that
could not be verified stay marked: tables whose label is ``unverified`` carry a boolean
column ``unverified`` (True on every row), NATO's estimate years keep ``is_estimate``, the
poll series keeps its per-row ``verification`` column and the rank-correlation table its ``kind``.

A missing or malformed file raises :class:`~accord.spec.errors.ScenarioError` naming the file
and, where it can be known, the line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from accord.spec.errors import ScenarioError

VERIFICATION_LABELS = (
    "primary",
    "primary-copy",
    "third-party-processed",
    "secondary",
    "computed",
    "published+computed",
    "unverified",
)


@dataclass(frozen=True)
class Table:
    """A reference table and where it comes from.

    Attributes
    ----------
    frame : pandas.DataFrame
        The data, one row per line of the CSV file.
    provenance : dict
        ``name``, ``file``, ``source``, ``verification`` (one of ``VERIFICATION_LABELS``),
        ``notes`` and ``comments`` (the file's own ``#`` header lines).
    """

    frame: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)

    def provenance_line(self) -> str:
        """One line for reports: name, verification label and source."""
        p = self.provenance
        return f"{p.get('name')} [{p.get('verification')}]: {p.get('source')}"


@dataclass(frozen=True)
class _Entry:
    file: str
    verification: str
    source: str
    notes: str
    numeric: tuple[str, ...] = ()
    required: tuple[str, ...] = ()


#: The data registry, one row per table: ``registry.csv`` next to this module.
REGISTRY_FILE = "registry.csv"


def _read_registry() -> tuple[dict[str, _Entry], dict[str, str]]:
    """The entries and the aliases (alias -> name) of ``registry.csv``."""
    path = resources.files("accord.data") / REGISTRY_FILE
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    rows = csv.DictReader(io.StringIO("\n".join(lines)))
    entries: dict[str, _Entry] = {}
    aliases: dict[str, str] = {}
    for row in rows:
        name = row["name"]
        entries[name] = _Entry(
            row["file"],
            row["verification"],
            row["source"],
            row["notes"],
            tuple(row["numeric"].split()),
            tuple(row["required"].split()),
        )
        aliases.update(dict.fromkeys(row["aliases"].split(), name))
    return entries, aliases


_REGISTRY, ALIASES = _read_registry()


def list_tables() -> list[dict[str, str]]:
    """Every shipped table: name, file, verification label and source."""
    return [
        {"name": name, "file": e.file, "verification": e.verification, "source": e.source}
        for name, e in _REGISTRY.items()
    ]


def table_path(name: str) -> Path:
    """Path of a shipped table's CSV file."""
    entry = _entry(name)
    return Path(str(resources.files("accord.data") / "tables" / entry.file))


def load(name: str, *, path: str | Path | None = None) -> Table:
    """Load a reference table with its provenance.

    Parameters
    ----------
    name : str
        A name from :func:`list_tables` (or an alias such as the file's stem).
    path : path, optional
        Read this file instead of the shipped copy (same checks, same provenance label).

    Raises
    ------
    ScenarioError
        Unknown name; missing, empty or malformed file (with the line); missing column;
        a non-number in a numeric column (with the line).
    """
    entry = _entry(name)
    canonical = ALIASES.get(name, name)
    file = Path(path) if path is not None else table_path(canonical)
    frame, comments = read_csv_checked(file, required=entry.required, numeric=entry.numeric)
    if entry.verification == "unverified":
        frame = frame.assign(unverified=True)
    provenance = {
        "name": canonical,
        "file": entry.file,
        "source": entry.source,
        "verification": entry.verification,
        "notes": entry.notes,
        "comments": comments,
    }
    return Table(frame=frame, provenance=provenance)


def read_csv_checked(
    file: Path, *, required: tuple[str, ...] = (), numeric: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, list[str]]:
    """Read a CSV whose header may be preceded by ``#`` comment lines, with file:line errors.

    Returns the frame and the comment lines (without the ``#``).
    """
    name = str(file)
    if not file.is_file():
        raise ScenarioError(name, "data file not found")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(name, f"not UTF-8 text ({error.reason})") from None
    lines = text.splitlines()
    comments = [ln.lstrip("#").strip() for ln in lines if ln.startswith("#")]
    # 1-based file line of each data row: skip comments, blanks and the header line.
    content = [i + 1 for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")]
    if not content:
        raise ScenarioError(name, "file is empty", expected="a header line and rows")
    row_lines = content[1:]
    try:
        frame = pd.read_csv(file, comment="#", low_memory=False)
    except pd.errors.ParserError as error:
        message = str(error).strip().replace("Error tokenizing data. ", "")
        raise ScenarioError(name, f"malformed CSV: {message}", line=_line_in(message)) from None
    except pd.errors.EmptyDataError:
        raise ScenarioError(name, "file is empty", expected="a header line and rows") from None
    header_line = content[0]
    for column in required:
        if column not in frame.columns:
            raise ScenarioError(
                name,
                "missing column",
                line=header_line,
                field=column,
                expected=f"columns including {list(required)}",
                found=list(frame.columns),
            )
    for column in numeric:
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            line = row_lines[row] if row < len(row_lines) else None
            raise ScenarioError(
                name,
                "not a number",
                line=line,
                field=column,
                expected="a number",
                found=frame[column].iloc[row],
            )
        frame[column] = values
    return frame, comments


def _entry(name: str) -> _Entry:
    canonical = ALIASES.get(name, name)
    if canonical not in _REGISTRY:
        raise ScenarioError(
            None, f"no such data table '{name}'", expected=f"one of {sorted(_REGISTRY)}", found=name
        )
    return _REGISTRY[canonical]


def _line_in(message: str) -> int | None:
    """The line number in a pandas parser message ('... in line 7, saw 6')."""
    import re

    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


__all__ = ["Table", "load", "list_tables", "table_path", "read_csv_checked", "VERIFICATION_LABELS"]
