"""Load a scenario from YAML (with an optional positions CSV), or from a KTAB SMP CSV.

Every problem becomes one :class:`~accord.spec.errors.ScenarioError` naming the file, the
line, the field, what was expected and what was found.
"""

from __future__ import annotations

import csv
import importlib
import io
import math
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from accord.scenario.schema import Scenario, Stance
from accord.scenario.yamlsafe import Lines, beside, dotted, line_of, load_yaml, read_text
from accord.spec.base import text_problem
from accord.spec.errors import ScenarioError

# Optional sections: each is parsed by the spec class of the part of accord that reads it.
# A section may be inline or the name of a YAML file beside the scenario.
SECTIONS: dict[str, tuple[str, str]] = {
    "burden": ("accord.scenario.burden", "BurdenSpec"),
    "simulation": ("accord.scenario.simulation", "SimulationSpec"),
}

SCENARIO_FILE = "scenario.yaml"


def shipped_names() -> list[str]:
    """Names of the scenarios shipped with accord."""
    root = resources.files("accord.scenarios")
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / SCENARIO_FILE).is_file())


def shipped_path(name: str) -> Path:
    """Path of a shipped scenario's YAML file."""
    path = Path(str(resources.files("accord.scenarios") / name / SCENARIO_FILE))
    if not path.is_file():
        raise ScenarioError(
            name, "no such scenario", expected=f"a file or one of {shipped_names()}", found=name
        )
    return path


def resolve(target: str | Path) -> Path:
    """A path to a scenario file from a path, a directory or a shipped name."""
    path = Path(target)
    if path.is_dir():
        path = path / SCENARIO_FILE
    if path.exists():
        return path
    if isinstance(target, str) and "/" not in target and not path.suffix:
        return shipped_path(target)
    raise ScenarioError(str(target), "file not found")


def load_scenario(target: str | Path) -> Scenario:
    """Load and check a scenario: a YAML file, a directory holding ``scenario.yaml``, a KTAB
    SMP CSV file (``.csv``), or the name of a shipped scenario (e.g. ``ukraine-2025``)."""
    return load_with_sources(target)[0]


Sources = dict[str, tuple[str, Lines, tuple[Any, ...]]]


def load_with_sources(target: str | Path) -> tuple[Scenario, Sources]:
    """The scenario, and for each section the file, line map and key prefix it came from
    (so that a later check of a section can name the line it concerns)."""
    path = resolve(target)
    if path.suffix.lower() == ".csv":
        return _from_ktab(path), {}
    data, lines = load_yaml(path)
    name = str(path)
    if not isinstance(data, dict):
        raise ScenarioError(
            name,
            "top level must be a mapping",
            line=1,
            expected="a mapping",
            found=type(data).__name__,
        )
    data = dict(data)
    if "origin" in data:
        # Scenario.origin is set by the loader (the file it came from), never by the file.
        raise ScenarioError(
            name,
            "unknown key",
            line=line_of(lines, ("origin",)),
            field="origin",
            expected="a key of the scenario schema ('origin' is set by accord)",
        )
    if "positions_csv" in data:
        csv_name = data.pop("positions_csv")
        inline = list(data.get("stances") or [])
        rows = read_positions_csv(beside(path, csv_name, "positions_csv", lines))
        data["stances"] = inline + [stance for stance, _ in rows]
        origins = {len(inline) + i: where for i, (_, where) in enumerate(rows)}
    else:
        origins = {}
    sections: dict[str, tuple[str, Lines, tuple[Any, ...]]] = {}
    for section in SECTIONS:
        if isinstance(data.get(section), str):
            section_path = _section_file(path, section, data[section], lines)
            section_data, section_lines = load_yaml(section_path)
            sections[section] = (str(section_path), section_lines, ())
        elif data.get(section) is not None:
            section_data = data[section]
            sections[section] = (name, lines, (section,))
        else:
            continue
        data[section] = _parse_section(section, section_data, *sections[section])
    scenario = _validate(Scenario, data, name, lines)
    _check_references(scenario, name, lines, origins)
    _check_degenerate(scenario, name, lines)
    return scenario.model_copy(update={"origin": name}), sections


def _validate(
    model: type[BaseModel], data: Any, name: str, lines: Lines, prefix: tuple[Any, ...] = ()
) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _as_scenario_error(error, name, lines, prefix) from None


def _as_scenario_error(
    error: ValidationError, name: str, lines: Lines, prefix: tuple[Any, ...]
) -> ScenarioError:
    first = error.errors()[0]
    loc = prefix + tuple(part for part in first["loc"] if not _is_union_tag(part))
    message = first["msg"].removeprefix("Value error, ")
    kind = first["type"]
    found = first.get("input")
    if kind == "extra_forbidden":
        message, found = "unknown key", loc[-1] if loc else None
    elif kind == "missing":
        message, found = "required key is missing", None
    elif isinstance(found, dict | list):
        found = None
    more = (
        len(
            {
                e["loc"][:-1] if e["loc"] and _is_union_tag(e["loc"][-1]) else e["loc"]
                for e in error.errors()
            }
        )
        - 1
    )
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return ScenarioError(
        name,
        message,
        line=line_of(lines, loc),
        field=dotted(loc),
        expected=_expected(kind, first),
        found=found,
    )


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part in {"function-after", "function-before"})


def _expected(kind: str, error: Any) -> str | None:
    if kind in {"float_parsing", "float_type"}:
        return "a number"
    if kind == "finite_number":
        return "a finite number"
    if kind in {"string_type"}:
        return "a string"
    if kind.startswith("literal"):
        return str(error.get("ctx", {}).get("expected", "")) or None
    return None


def _section_file(scenario_path: Path, section: str, file_name: str, lines: Lines) -> Path:
    path = beside(scenario_path, file_name, section, lines)
    if not path.is_file():
        raise ScenarioError(
            str(scenario_path),
            "section file not found",
            line=line_of(lines, (section,)),
            field=section,
            found=file_name,
        )
    return path


def _parse_section(
    section: str, data: Any, name: str, lines: Lines, prefix: tuple[Any, ...]
) -> Any:
    module_name, class_name = SECTIONS[section]
    spec_class = getattr(importlib.import_module(module_name), class_name)
    spec = _validate(spec_class, data, name, lines, prefix)
    if section == "simulation":
        _check_variants(spec, name, lines, prefix)
    return spec


def _check_variants(spec: Any, name: str, lines: Lines, prefix: tuple[Any, ...]) -> None:
    """Apply each variant's overrides of uncertainties now, not at run time."""
    from accord.experiments.spec import Uncertainty

    declared = {u.name: u for u in spec.uncertainties}
    for variant_name, variant in spec.variants.items():
        for uncertainty_name, override in variant.uncertainties.items():
            loc = prefix + ("variants", variant_name, "uncertainties", uncertainty_name)
            data = declared[uncertainty_name].model_dump()
            data.update(override)
            try:
                Uncertainty.model_validate(data)
            except ValidationError as error:
                first = error.errors()[0]
                field = loc + tuple(first["loc"])
                raise ScenarioError(
                    name,
                    first["msg"].removeprefix("Value error, "),
                    line=line_of(lines, field),
                    field=dotted(field),
                ) from None


def _check_degenerate(scenario: Scenario, name: str, lines: Lines) -> None:
    """Refuse an issue on which every actor's salience is 0 in every draw.

    With no salience anywhere the bargaining models have nothing to weigh: the weighted
    mean is 0/0 and each model falls back on its own convention, so they disagree for no
    reason the scenario states. We chose an error over a warning because no draw of such
    a scenario is meaningful; give at least one actor a salience above 0.
    """
    table = scenario.stance_table()
    for index, issue in enumerate(scenario.issues):
        saliences = [table[(a, issue.id)].salience for a in scenario.actor_ids]
        if all(max(q.bounds + (q.point,)) <= 0 for q in saliences):
            raise ScenarioError(
                name,
                "every actor's salience is 0 on this issue: the game is degenerate",
                line=line_of(lines, ("issues", index)),
                field=f"issues[{index}]",
                expected="at least one salience above 0",
                found=issue.id,
            )
    if all(max(a.capability.bounds + (a.capability.point,)) <= 0 for a in scenario.actors):
        raise ScenarioError(
            name,
            "every actor's capability is 0: the game is degenerate",
            line=line_of(lines, ("actors",)),
            field="actors",
            expected="at least one capability above 0",
        )


def _check_references(
    scenario: Scenario, name: str, lines: Lines, origins: dict[int, tuple[str, int]]
) -> None:
    """Unique ids; every stance names a known actor and issue; exactly one per pair."""
    for kind, ids in (("actors", scenario.actor_ids), ("issues", scenario.issue_ids)):
        seen: set[str] = set()
        for index, item_id in enumerate(ids):
            if item_id in seen:
                raise ScenarioError(
                    name,
                    f"duplicate id in {kind}",
                    line=line_of(lines, (kind, index, "id")),
                    field=f"{kind}[{index}].id",
                    found=item_id,
                )
            seen.add(item_id)
    actors, issues = set(scenario.actor_ids), set(scenario.issue_ids)
    pairs: set[tuple[str, str]] = set()
    for index, stance in enumerate(scenario.stances):

        def where(field: str, index: int = index) -> tuple[str, int | None]:
            return origins.get(index) or (name, line_of(lines, ("stances", index, field)))

        for field, value, known in (
            ("actor", stance.actor, actors),
            ("issue", stance.issue, issues),
        ):
            if value not in known:
                file, line = where(field)
                raise ScenarioError(
                    file,
                    f"unknown {field}",
                    line=line,
                    field=field,
                    expected=f"one of {sorted(known)}",
                    found=value,
                )
        if (stance.actor, stance.issue) in pairs:
            file, line = where("actor")
            raise ScenarioError(
                file,
                "duplicate stance for this actor and issue",
                line=line,
                field="actor/issue",
                found=f"{stance.actor}/{stance.issue}",
            )
        pairs.add((stance.actor, stance.issue))
        issue = next(i for i in scenario.issues if i.id == stance.issue)
        low, high = issue.scale_min, issue.scale_max
        for bound in (stance.position.point,) + stance.position.bounds:
            if not low <= bound <= high:
                file, line = where("position")
                raise ScenarioError(
                    file,
                    "position outside the issue's scale",
                    line=line,
                    field="position",
                    expected=f"a value in [{low:g}, {high:g}]",
                    found=bound,
                )
    missing = [
        (a, i) for a in scenario.actor_ids for i in scenario.issue_ids if (a, i) not in pairs
    ]
    if missing:
        actor_id, issue_id = missing[0]
        raise ScenarioError(
            name,
            f"no stance for actor '{actor_id}' on issue '{issue_id}' "
            f"({len(missing)} pair(s) missing; give salience 0 for an actor that "
            "does not care)",
            line=line_of(lines, ("stances",)),
            field="stances",
        )


# --- positions CSV ------------------------------------------------------------------------

POSITION_COLUMNS = ("actor", "issue", "position", "salience", "source")
OPTIONAL_COLUMNS = (
    "position_low",
    "position_high",
    "salience_low",
    "salience_high",
    "distribution",
    "salience_source",
)


def read_positions_csv(path: Path) -> list[tuple[Stance, tuple[str, int]]]:
    """Read stances from a CSV: one row per actor and issue.

    Columns: ``actor, issue, position, salience, source`` and optionally
    ``position_low, position_high, salience_low, salience_high, distribution,
    salience_source``. Returns each stance with its (file, line), so that later checks
    (unknown actor, duplicate pair) can name the CSV line.
    """
    name = str(path)
    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    repeated = [column for column in header if header.count(column) > 1]
    if repeated:
        # DictReader would silently keep the last of two same-named columns.
        raise ScenarioError(
            name,
            "duplicate column",
            line=1,
            field=repeated[0],
            expected="each column once",
            found=",".join(header),
        )
    missing = [c for c in POSITION_COLUMNS if c not in header]
    if missing:
        raise ScenarioError(
            name,
            "missing column",
            line=1,
            field=missing[0],
            expected=", ".join(POSITION_COLUMNS),
            found=",".join(header),
        )
    unknown = [c for c in header if c not in POSITION_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise ScenarioError(
            name,
            "unknown column",
            line=1,
            field=unknown[0],
            expected=", ".join(POSITION_COLUMNS + OPTIONAL_COLUMNS),
        )
    stances = []
    for row in reader:
        line = reader.line_num
        if None in row:
            raise ScenarioError(name, "too many cells in row", line=line, found=row[None])
        cells = {k: (v or "").strip() for k, v in row.items()}
        for column, cell in cells.items():
            problem = text_problem(cell, one_line=True)
            if problem:
                raise ScenarioError(name, f"text not allowed: {problem}", line=line, field=column)
        stance = {"actor": cells["actor"], "issue": cells["issue"]}
        source = cells["source"]
        for what in ("position", "salience"):
            quantity: dict[str, Any] = {
                "value": _number(cells, what, name, line),
                "source": cells.get(f"{what}_source") or source,
            }
            if cells.get(f"{what}_low") or cells.get(f"{what}_high"):
                quantity["low"] = _number(cells, f"{what}_low", name, line)
                quantity["high"] = _number(cells, f"{what}_high", name, line)
                if cells.get("distribution"):
                    quantity["distribution"] = cells["distribution"]
            stance[what] = quantity
        parsed = _validate(Stance, stance, name, {(): line})
        stances.append((parsed, (name, line)))
    if not stances:
        raise ScenarioError(name, "no rows", line=1, expected="one row per actor and issue")
    return stances


def _number(cells: dict[str, str], column: str, name: str, line: int) -> float:
    text = cells.get(column, "")
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(
            name, "not a number", line=line, field=column, expected="a number", found=text
        ) from None
    if not math.isfinite(value):
        raise ScenarioError(
            name,
            "not a finite number",
            line=line,
            field=column,
            expected="a finite number",
            found=text,
        )
    return value


# --- KTAB SMP CSV -------------------------------------------------------------------------


def _from_ktab(path: Path) -> Scenario:
    """A KTAB ``smpc --csv`` input file as a scenario (salience rescaled from 0-100 to 0-1)."""
    from accord.scenario.ktab import read_ktab_csv

    table = read_ktab_csv(path)
    source = f"KTAB SMP CSV {path.name}"
    issues = [
        {
            "id": _slug(dim),
            "name": dim,
            "low_means": "0 on the KTAB scale",
            "high_means": "100 on the KTAB scale",
        }
        for dim in table.dimension_names
    ]
    actors, stances = [], []
    for n, actor_id in enumerate(table.actor_ids):
        actors.append(
            {
                "id": _slug(actor_id),
                "name": table.actor_names[n] or actor_id,
                "capability": {
                    "value": float(table.capability[n]),
                    "source": f"{source}, row of actor {actor_id}",
                },
            }
        )
        for k, issue in enumerate(issues):
            stances.append(
                {
                    "actor": _slug(actor_id),
                    "issue": issue["id"],
                    "position": {"value": float(table.position[n, k]), "source": source},
                    "salience": {"value": float(table.salience[n, k]) / 100.0, "source": source},
                }
            )
    data = {
        "scenario": {
            "name": _slug(path.stem),
            "title": table.name or path.stem,
            "description": table.description or "",
        },
        "issues": issues,
        "actors": actors,
        "stances": stances,
    }
    scenario = _validate(Scenario, data, str(path), {})
    _check_references(scenario, str(path), {}, {})
    _check_degenerate(scenario, str(path), {})
    return scenario.model_copy(update={"origin": str(path)})


def _slug(text: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "_.-" else "_" for ch in text.strip())
    return cleaned.strip("_") or "x"
