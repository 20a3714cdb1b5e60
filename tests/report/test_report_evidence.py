"""The report's evidence section: fitted effects beside their data, and the answers moved."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from accord.analysis.formatting import probability
from accord.fits import durability, escalation
from accord.report import ReportRun, build_report
from accord.report.evidence import evidence_section
from accord.workflows.evidence import BEFORE, report_evidence

DOCS = Path(__file__).resolve().parents[2] / "docs" / "models"


@pytest.fixture(scope="module")
def evidence():
    return report_evidence()


def _scalars(holds, use_of_force, fatal):
    return pd.DataFrame(
        {
            "experiment": np.arange(len(holds)),
            "peace_holds_5y": holds,
            "escalation_use_of_force_events": use_of_force,
            "escalation_fatal_events": fatal,
        }
    )


def test_rows_put_each_estimate_beside_its_data(evidence):
    fit = durability.fit(checks=False)
    first = evidence["durability"][0]
    estimate = fit.estimate("p_recur_5y_ceasefire_agreement")
    assert first["effect"].endswith("ceasefire agreement")
    assert first["estimate"].startswith(f"{estimate.value:.2g} ({estimate.low:.2g}")
    assert "15 interstate episodes" in first["data"] and "1 of 15" in first["data"]
    rates = escalation.fit()
    cold = next(
        r
        for r in evidence["escalation"]
        if r["effect"] == "use of force disputes per year, cold war"
    )
    assert cold["data"] == "31 dispute(s) in 43 year(s)"
    assert cold["estimate"].startswith(f"{rates.estimate('rate_use_of_force_cold_war').value:.2g}")


def test_answers_moved_are_this_runs_means_beside_the_record(evidence):
    scalars = {
        "baseline": _scalars([0.9, np.nan, 0.7], [2.0, 4.0, 0.0], [1.0, 0.0, 0.0]),
        "other": _scalars([0.5, 0.5, 0.5], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]),
    }
    section = evidence_section(evidence, scalars, horizon_months=60)
    baseline, other = section["moved"]
    assert baseline["holds_after"] == probability(0.8)  # NaN (no ceasefire) left out
    assert baseline["events_after"] == "4"  # mean 2 events in 60 months = 4 per 10 years
    assert baseline["fatal_after"] == "0.667"
    assert baseline["holds_before"] == probability(BEFORE["baseline"]["peace_holds_5y"])
    assert other["holds_before"] == "–"
    assert evidence_section(None, scalars) is None


@pytest.mark.slow
def test_report_shows_the_section_only_with_evidence(tmp_path, evidence):
    scalars = _scalars([0.9, 0.8], [1.0, 2.0], [0.0, 1.0])
    series = pd.DataFrame(
        {"experiment": [0, 0, 1, 1], "month": [0, 1, 0, 1], "at_war": [1.0, 0.0, 1.0, 1.0]}
    )
    run = ReportRun("baseline", scalars, series, {})
    with_evidence = build_report(
        [run],
        tmp_path / "a.html",
        title="t",
        n_boot=10,
        scenario_info={"evidence": evidence, "horizon_months": 120},
    )
    html = with_evidence.read_text()
    assert 'id="evidence"' in html and "1 of 15" in html and "31 dispute(s) in 43" in html
    assert re.search(r"not in the data and is not what these events count", html)
    without = build_report([run], tmp_path / "b.html", title="t", n_boot=10, scenario_info={})
    assert 'id="evidence"' not in without.read_text()


def test_the_record_is_the_one_in_the_docs():
    durability_doc = (DOCS / "durability.md").read_text()
    escalation_doc = (DOCS / "escalation.md").read_text()
    assert f"| baseline | {BEFORE['baseline']['peace_holds_5y']:.3f} -> " in durability_doc
    assert (
        f"| coalition of the willing (25k European force) | "
        f"{BEFORE['coalition-of-the-willing']['peace_holds_5y']:.3f} -> "
    ) in durability_doc
    assert f"| baseline | {BEFORE['baseline']['escalation_events_per_10y']:.2f} |" in escalation_doc


def test_burden_rows_and_defence_moved(evidence, tmp_path):
    """The estimated burden model's rows (estimates, backtest, 2025 aid check) and European
    defence before / this run per variant (issue 13)."""
    from accord.workflows.evidence import BEFORE_DEFENCE

    effects = [row["effect"] for row in evidence["burden"]]
    assert any(e.startswith("backtest") for e in effects)
    aid = next(r for r in evidence["burden"] if r["effect"].endswith("aid stop, total"))
    assert "observed 64.9 %" in aid["data"]
    scalars = {
        "europe-steps-up": pd.DataFrame(
            {"experiment": [0, 1, 2], "europe_defence_pct_gdp_end": [1.8, 1.9, 2.5]}
        )
    }
    moved = evidence_section(evidence, scalars)["moved"][0]
    assert moved["defence_after"] == "1.9"
    assert moved["defence_before"] == f"{BEFORE_DEFENCE['europe-steps-up']:.3g}"
    run = ReportRun(
        "europe-steps-up",
        scalars["europe-steps-up"],
        pd.DataFrame({"experiment": [0], "month": [0], "at_war": [1.0]}),
        {},
    )
    html = build_report(
        [run], tmp_path / "c.html", title="t", n_boot=10, scenario_info={"evidence": evidence}
    ).read_text()
    assert "accord fit burden-demand" in html and "observed 64.9 %" in html


def test_the_report_names_the_model_the_verdict_table_chooses(evidence, tmp_path):
    """Issue 20: the burden section's first row is the model the engine and every face use,
    with its backtest score, and the donor fit's aid prediction is beside the 2025 check."""
    from accord.fits.burden_backtest import chosen_face_model

    first = evidence["burden"][0]
    assert first["estimate"] == chosen_face_model() and "rolling backtest" in first["data"]
    donor = next(r for r in evidence["burden"] if "donor-level fit" in r["effect"])
    assert "observed 2025 64.9 %" in donor["data"]
    run = ReportRun(
        "europe-steps-up",
        pd.DataFrame({"experiment": [0], "europe_defence_pct_gdp_end": [2.0]}),
        pd.DataFrame({"experiment": [0], "month": [0], "at_war": [1.0]}),
        {},
    )
    html = build_report(
        [run], tmp_path / "v.html", title="t", n_boot=10, scenario_info={"evidence": evidence}
    ).read_text()
    assert first["data"].split(":")[0] in html
    if chosen_face_model() == "persistence":
        assert "europe-steps-up, whose name" in html


def test_defence_record_is_the_one_in_the_docs():
    from accord.workflows.evidence import BEFORE_DEFENCE

    doc = (DOCS / "burden.md").read_text()
    for variant, value in BEFORE_DEFENCE.items():
        assert f"| {variant} | {value:.2f} [" in doc
