"""Notebook views: ``_repr_html_`` of Study, Forecast, FitResult, BurdenResult; Forecast's repr."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import accord
from accord.fits import DataSample, Estimate, FitResult
from accord.htmlrepr import MAX_ROWS, html_block


def test_forecast_repr_is_one_line_and_html_is_its_table() -> None:
    result = accord.forecast("ukraine-2025", models="compromise,median")
    text = repr(result)
    assert "\n" not in text and len(text) < 200
    assert text.startswith("Forecast(ukraine-2025:")
    assert f"{len(result.scenario.issues)} issues" in text
    assert "actors" not in text and "Actor(" not in text  # not the whole scenario
    html = result._repr_html_()
    assert html.count("<tr") == len(result.rows()) + 1  # a header row, then one per row
    for row in result.rows():
        assert row["issue"] in html
    assert "<td>median</td>" in html and "<td>compromise</td>" in html


def test_fit_result_html_lists_every_estimate() -> None:
    result = FitResult(
        model="toy",
        description="a <toy> fit",
        method="OLS",
        library="none",
        data=DataSample(source="src", n=12, years=(2000, 2011)),
        estimates=(Estimate("slope", 2.5, 1.0, 4.0, "pp"), Estimate("intercept", -1.0)),
    )
    assert list(result.table()["name"]) == ["slope", "intercept"]
    html = result._repr_html_()
    assert "a &lt;toy&gt; fit" in html and "<toy>" not in html  # escaped
    assert "<td>slope</td>" in html and "<td>intercept</td>" in html
    assert "n = 12, 2000-2011" in html


def test_burden_result_html_shows_per_actor_table() -> None:
    result = accord.burden("exploitation", year=2024, sources=("nato",))
    html = result._repr_html_()
    assert html.startswith('<div class="accord-result"><strong>Burden: exploitation')
    assert "<table" in html
    first = str(result.per_actor.columns[0])
    assert f"<th>{first}</th>" in html


def test_study_html_has_a_row_per_variant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    study = accord.simulate(
        "ukraine-2025", variants=["baseline", "normalization"], experiments=2, seed=1
    )
    html = study._repr_html_()
    assert "<td>baseline</td>" in html and "<td>normalization</td>" in html
    assert html.count("<tr") == 3


def test_long_tables_are_cut() -> None:
    frame = pd.DataFrame({"x": range(10 * MAX_ROWS)})
    html = html_block("t", [("", frame)])
    assert html.count("<tr") <= MAX_ROWS + 2  # header, the rows shown and the "..." row
