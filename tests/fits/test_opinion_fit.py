"""Calibration of the support model on the dated poll series (Pew, Gallup, Eurobarometer)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from accord.models import opinion as op

DATA = Path(__file__).parents[1] / "validation" / "data"


@pytest.fixture(scope="module")
def tables():
    polls = pd.read_csv(DATA / "public_opinion_ukraine_aid.csv", comment="#")
    aid = pd.read_csv(DATA / "kiel_ukraine_support_by_year_group_r28.csv", comment="#")
    return polls, aid


def test_series_selected_from_the_table(tables):
    series = op.support_series(tables[0])
    # Pew: 2022-03, 2022-09, 2023-01, 2023-06, 2023-11, 2024, 2025; Gallup: 2023-06, 2023-10,
    # 2025-03, 2025-08 -- all adults, "too much".  Eurobarometer military equipment: 4 waves.
    assert len(series["US"][0]) == 11 and len(series["Europe"][0]) == 4
    assert series["US"][1][0] == 100 - 7  # Pew March 2022: 7 % "too much"
    assert series["Europe"][1].tolist() == [67.0, 65.0, 58.0, 59.0]


def test_fit_reproduces_the_series(tables):
    fit = op.fit_opinion(*tables)
    assert fit.n == 13
    assert 0.0 < fit.params["adjustment_rate"] < 1.0
    for name, (low, high) in fit.ci.items():
        assert low <= fit.params[name] <= high
    # In-sample error well below the spread of the data (the poll noise is a few points).
    values = np.concatenate([v[1:] for _, v in fit.series.values()])
    assert fit.rmse < np.std(values)
    # Residuals recomputed independently from the fitted path.
    flows = op.monthly_aid_flows(tables[1], 42)
    recomputed = np.concatenate(
        [fit.predict(g, m[1:], flows) - v[1:] for g, (m, v) in fit.series.items()]
    )
    assert np.isclose(np.sqrt(np.mean(recomputed**2)), fit.rmse)


def test_beats_constant_mean_out_of_sample(tables):
    loo = op.leave_one_out(*tables)
    assert loo["n"] == 13
    assert loo["model_rmse"] < loo["constant_mean_rmse"]


def test_defaults_match_the_fit(tables):
    fit = op.fit_opinion(*tables)
    d = op.DEFAULTS
    assert d.adjustment_rate == pytest.approx(fit.params["adjustment_rate"], abs=0.005)
    assert d.baseline_us == pytest.approx(fit.params["baseline_US"], abs=0.05)
    assert d.baseline_europe == pytest.approx(fit.params["baseline_Europe"], abs=0.05)


def test_fit_default_uses_the_packaged_tables(tables):
    packaged = op.fit_default()
    local = op.fit_opinion(*tables)
    assert packaged.params == pytest.approx(local.params)


def test_fit_without_the_aid_table_is_the_same_default_fit(tables):
    """Without a cost term the aid flows do not enter: polls alone give the same fit."""
    alone = op.fit_opinion(tables[0])
    assert alone.params == pytest.approx(op.fit_opinion(*tables).params)
    with pytest.raises(ValueError):
        op.fit_opinion(tables[0], fit_cost=True)
