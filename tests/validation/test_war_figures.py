"""The generated docs figures of the war model (docs/models/war-figures.md) are current.

The record rows (counts of the shipped data) must equal a fresh computation; the run rows are
stated "as of commit X" in the file and regenerated with ``python docs/war_figures.py``.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("war_figures", ROOT / "docs" / "war_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_docs_record_rows_are_the_datas():
    text = (ROOT / "docs" / "models" / "war-figures.md").read_text(encoding="utf-8")
    assert re.search(r"at commit [0-9a-f]{7}", text)
    written = {
        m.group(1): (int(m.group(2)), int(m.group(3)))
        for m in re.finditer(r"^\| (\w+) \| (\d+) of (\d+) \|", text, re.M)
    }
    fresh = {row["name"]: (row["count"], row["n"]) for row in _script().record_rows()}
    assert written == fresh


def test_the_shipped_calibration_rows_match_the_file():
    from accord.scenario import load_scenario
    from accord.workflows import history_matching

    text = (ROOT / "docs" / "models" / "war-figures.md").read_text(encoding="utf-8")
    shipped = history_matching.load(history_matching.shipped_path(load_scenario("ukraine-2025")))
    share = 100 * shipped["accepted_share_of_prior_box"]
    assert f"accepted share of the prior box (wave 1): {share:.1f} %" in text
    assert f"Free parameters: {len(shipped['parameters'])};" in text
