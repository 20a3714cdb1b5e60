"""Read KTAB's ``smpc --csv`` scenario files.

Format (KTAB ``SMPModel::csvRead``, ``examples/smp/libsrc/smpread.cpp``):

* line 1: ``scenario name, description, number of actors, number of dimensions,``
* line 2: header ``Actor, Description, Power, <dim 1> Position, <dim 1> Salience, ...``
* one line per actor: name, description, capability, then position and salience for each
  dimension, both on KTAB's 0-100 scale.

Trailing commas, blank trailing fields, surrounding whitespace and double quotes are
tolerated; anything else that is wrong raises :class:`accord.spec.errors.ScenarioError` naming
the file, line and field. As KTAB does, positions and saliences must lie in [0, 100] and an
actor's saliences must sum to at most 100 (all of its attention); the capability must be
>= 0 and finite.

The table keeps KTAB's scales: **salience is 0-100 as in the file**. KTAB divides positions
and saliences by 100 before running; accord's models take positions on 0-100 and salience
in [0, 1], so divide the salience by 100 (:meth:`KtabTable.model_inputs` does it).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from accord.spec.base import MAX_MAGNITUDE
from accord.spec.errors import ScenarioError


@dataclass(frozen=True)
class KtabTable:
    """One KTAB SMP scenario as read from its CSV file.

    Attributes
    ----------
    name, description : str
        Scenario name and description (line 1).
    actor_ids, actor_names : tuple of str
        Actor short names (column 1) and descriptions (column 2).
    capability : ndarray [N]
        KTAB's "Power"/"Influence" column, >= 0.
    dimension_names : tuple of str
        The dimension names from the header (the position columns' titles).
    position : ndarray [N, K]
        Positions on 0-100.
    salience : ndarray [N, K]
        Saliences **on KTAB's 0-100 scale**, as in the file.
    """

    name: str
    description: str
    actor_ids: tuple[str, ...]
    actor_names: tuple[str, ...]
    capability: np.ndarray
    dimension_names: tuple[str, ...]
    position: np.ndarray
    salience: np.ndarray

    def model_inputs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``capability[1, N]``, ``position[1, N, K]`` (0-100), ``salience[1, N, K]`` in [0, 1]."""
        return (
            self.capability[None].copy(),
            self.position[None].copy(),
            self.salience[None] / 100.0,
        )


def read_ktab_csv(path: str | Path) -> KtabTable:
    """Read a KTAB ``smpc --csv`` file into a :class:`KtabTable`.

    Raises
    ------
    ScenarioError
        Missing or unreadable file, wrong counts, a non-numeric, non-finite or
        out-of-range number, a missing row or field; the message names file, line, field.
    """
    from accord.spec.base import text_problem
    from accord.spec.limits import MAX_ACTORS, MAX_FILE_BYTES, MAX_ISSUES

    path = Path(path)
    file = str(path)
    if not path.is_file():  # a FIFO or device would block or never end
        raise ScenarioError(file, "not a regular file", expected="a KTAB CSV file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                file,
                "file too large",
                expected=f"at most {MAX_FILE_BYTES} bytes",
                found=f"{size} bytes",
            )
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(file, f"cannot read the file ({exc})") from None
    rows = [_clean(r) for r in csv.reader(text.splitlines())]
    if not rows or not any(rows[0]):
        raise ScenarioError(
            file, "the file is empty", line=1, expected="'name, description, nActors, nDims'"
        )
    head = rows[0]
    if len(head) < 4:
        raise ScenarioError(
            file,
            "line 1 needs four fields",
            line=1,
            expected="'name, description, nActors, nDims'",
            found=",".join(head),
        )
    n_actors = _count(head[2], file, 1, "nActors", minimum=2, maximum=MAX_ACTORS)
    n_dims = _count(head[3], file, 1, "nDims", minimum=1, maximum=MAX_ISSUES)
    for number, row in enumerate(rows, start=1):
        for cell in row:
            problem = text_problem(cell, one_line=True)
            if problem:
                raise ScenarioError(file, f"text not allowed: {problem}", line=number)
    if len(rows) < 2:
        raise ScenarioError(file, "the header line is missing", line=2)
    header = rows[1]
    width = 3 + 2 * n_dims
    if len(header) < width:
        raise ScenarioError(
            file,
            f"header has {len(header)} columns for {n_dims} dimensions",
            line=2,
            expected=f"{width} columns",
            found=len(header),
        )
    dims = tuple(header[3 + 2 * d] for d in range(n_dims))
    data = [(n + 3, r) for n, r in enumerate(rows[2:]) if any(r)]
    if len(data) != n_actors:
        line = data[n_actors][0] if len(data) > n_actors else (data[-1][0] if data else 2) + 1
        raise ScenarioError(
            file,
            f"line 1 announces {n_actors} actors but {len(data)} rows follow",
            line=line,
            field="nActors",
            expected=str(n_actors),
            found=len(data),
        )
    ids, names = [], []
    capability = np.empty(n_actors)
    position = np.empty((n_actors, n_dims))
    salience = np.empty((n_actors, n_dims))
    for a, (line, row) in enumerate(data):
        if len(row) < width:
            raise ScenarioError(
                file,
                f"row has {len(row)} fields",
                line=line,
                expected=f"{width} fields",
                found=len(row),
            )
        if not row[0]:
            raise ScenarioError(file, "empty actor name", line=line, field="Actor")
        ids.append(row[0])
        names.append(row[1])
        capability[a] = _number(row[2], file, line, header[2] or "Power", 0.0, MAX_MAGNITUDE)
        for d in range(n_dims):
            position[a, d] = _number(row[3 + 2 * d], file, line, header[3 + 2 * d], 0.0, 100.0)
            salience[a, d] = _number(row[4 + 2 * d], file, line, header[4 + 2 * d], 0.0, 100.0)
        total = float(np.sum(salience[a]))
        if total > 100.0:
            raise ScenarioError(
                file,
                "total salience of the actor exceeds 100",
                line=line,
                field="Salience",
                expected="a sum <= 100",
                found=total,
            )
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise ScenarioError(file, "duplicate actor name", field="Actor", found=dup)
    return KtabTable(
        name=head[0],
        description=head[1],
        actor_ids=tuple(ids),
        actor_names=tuple(names),
        capability=capability,
        dimension_names=dims,
        position=position,
        salience=salience,
    )


def _clean(row: list[str]) -> list[str]:
    fields = [f.strip().strip('"').strip() for f in row]
    while fields and not fields[-1]:
        fields.pop()
    return fields


def _count(text: str, file: str, line: int, field: str, minimum: int, maximum: int) -> int:
    expected = f"an integer in [{minimum}, {maximum}]"
    try:
        value = int(text)
    except ValueError:
        raise ScenarioError(
            file, "not a whole number", line=line, field=field, expected=expected, found=text
        ) from None
    if value < minimum:
        raise ScenarioError(
            file, "count too small", line=line, field=field, expected=expected, found=value
        )
    if value > maximum:
        raise ScenarioError(
            file,
            "count above accord's limit (docs/scenario-format.md)",
            line=line,
            field=field,
            expected=expected,
            found=value,
        )
    return value


def _number(text: str, file: str, line: int, field: str, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(
            file,
            "not a number",
            line=line,
            field=field,
            expected=f"a number in [{low:g}, {high:g}]",
            found=text,
        ) from None
    if not math.isfinite(value) or value < low or value > high:
        raise ScenarioError(
            file,
            "number out of range",
            line=line,
            field=field,
            expected=f"a finite number in [{low:g}, {high:g}]",
            found=text,
        )
    return value
