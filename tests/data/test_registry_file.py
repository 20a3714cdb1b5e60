"""The data registry is a data file (``accord/data/registry.csv``) read by the loader and
shipped as package data."""

from __future__ import annotations

import csv
import fnmatch
import io
import tomllib
from importlib import resources
from pathlib import Path

from accord.data import ALIASES, REGISTRY_FILE, VERIFICATION_LABELS, list_tables, load

ROOT = Path(__file__).resolve().parents[2]


def _rows() -> list[dict[str, str]]:
    text = (resources.files("accord.data") / REGISTRY_FILE).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def test_the_loader_lists_exactly_the_rows_of_the_file() -> None:
    rows = _rows()
    names = [row["name"] for row in rows]
    assert len(names) == len(set(names))
    assert [entry["name"] for entry in list_tables()] == names
    for row in rows:
        assert row["verification"] in VERIFICATION_LABELS, row["name"]
        table = load(row["name"])
        assert table.provenance["source"] == row["source"]
        assert table.provenance["file"] == row["file"]
        for column in row["required"].split():
            assert column in table.frame.columns, (row["name"], column)


def test_aliases_come_from_the_file_and_name_the_same_table() -> None:
    rows = _rows()
    names = {row["name"] for row in rows}
    from_file = {alias: row["name"] for row in rows for alias in row["aliases"].split()}
    assert from_file == ALIASES
    assert not set(ALIASES) & names
    for alias, name in ALIASES.items():
        assert load(alias).provenance["name"] == name


def test_the_registry_file_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["accord"]
    target = f"data/{REGISTRY_FILE}"
    # setuptools expands "**" to any depth, zero directories included.
    assert any(
        fnmatch.fnmatch(target, p) or fnmatch.fnmatch(target, p.replace("**/", ""))
        for p in patterns
    ), patterns
