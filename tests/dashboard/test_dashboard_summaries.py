"""The Overview's and Compare's summaries: kept beside each run, read back equal to a fresh
computation; the Overview's figure per headline question and its unit column; Compare shows a
nominal outcome as shares."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import accord
import accord.analysis.summary as summary_module
from accord.analysis.war_end import END_TYPES
from accord.dashboard import data
from accord.dashboard.pages import compare as compare_page
from accord.dashboard.pages import overview


@pytest.fixture
def runs(runs_root, tmp_path):
    """The two runs of the session's study, copied: their kept summaries start empty."""
    copies = []
    for variant in ("baseline", "coalition-of-the-willing"):
        target = tmp_path / variant
        shutil.copytree(runs_root / "ukraine-2025" / variant, target)
        shutil.rmtree(target / "summaries", ignore_errors=True)
        copies.append(data.load_run(target, f"ukraine-2025/{variant}"))
    return copies


def test_headline_and_answers_are_read_back_equal_to_fresh_ones(runs, monkeypatch):
    calls = []
    original = summary_module.headline_intervals

    def counting(scalars):
        calls.append(1)
        return original(scalars)

    monkeypatch.setattr(summary_module, "headline_intervals", counting)
    first = data.headline(runs)
    assert len(calls) == 2  # one per run
    reread = [data.load_run(run.path, run.run_id) for run in runs]
    again = data.headline(reread)
    assert len(calls) == 2  # read back
    pd.testing.assert_frame_equal(again, first)
    fresh = pd.concat(
        [original(run.scalars).assign(variant=run.variant) for run in runs], ignore_index=True
    )[first.columns]
    pd.testing.assert_frame_equal(first, fresh)
    sentences = data.sentences(runs)
    assert data.sentences(reread) == sentences == data._sentences(runs, 400)
    # With every summary kept, the Overview reads no run's tables, only their metadata.
    data.headline_figures(runs)
    opened = [data.open_run_data(run.path, run.run_id) for run in runs]
    data.headline(opened), data.sentences(opened), data.headline_figures(opened)
    assert not any(run.loaded for run in opened)


def test_compare_is_read_back_and_nominal_outcomes_are_shares(runs, monkeypatch):
    a, b = runs
    table = data.compare(a, b)
    ends = table[table["outcome"] == "war_end_type"]
    assert len(ends) >= 2
    assert set(ends["statistic"]) <= {f"share: {label}" for label in END_TYPES}
    assert ends["mean_a"].sum() == pytest.approx(1.0)
    assert (table["statistic"] == "share observed").sum() == len(
        set(table[table["statistic"] == "share observed"]["outcome"])
    )
    import accord.analysis.compare as compare_module

    monkeypatch.setattr(compare_module, "compare_scalars", lambda *a, **k: 1 / 0)
    pd.testing.assert_frame_equal(data.compare(a, b), table)  # read back, not recomputed

    class Store:
        def read(self, listing, run_id, **options):
            return {"A": a, "B": b}[run_id]

    shown = compare_page.compared(Store(), None, "A", "B")
    ends = shown[table["outcome"] == "war_end_type"]
    assert len(ends) >= 2 and all(text.endswith("%") for text in ends["A"])


def test_overview_has_a_figure_per_headline_question_and_a_unit_column(runs):
    found = data.headline_figures(runs)
    titles = [title for title, _, _ in found]
    assert titles == [
        "When does a ceasefire come, and when does the war end?",
        "Does the peace hold?",
        "Who pays?",
        "How often do Russia and NATO clash?",
    ]
    assert all(png.startswith(b"\x89PNG") for _, _, png in found)
    assert "baseline: The status quo of the data" in found[0][1]  # the variants' descriptions
    assert data.headline_figures(runs) == found  # read back
    assert data.scenario_start(runs[0].meta) == accord.load("ukraine-2025").simulation.start

    table = data.headline(runs)
    html = str(overview.headline_table(table, [r.variant for r in runs]))
    assert "<th>Unit</th>" in html
    assert '<td class="unit">EUR bn</td>' in html
