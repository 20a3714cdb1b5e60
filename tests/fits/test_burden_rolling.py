"""Rolling-origin backtest of the allies' shares of GDP (issue 20)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from accord.fits import burden_backtest as bt
from accord.spec.errors import ScenarioError


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return bt._panel()


def _perturb(panel: pd.DataFrame, mask: pd.Series, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    out = panel.copy()
    factor = rng.uniform(0.5, 2.0, int(mask.sum()))
    for column in ("spending", "gdp", "russia"):
        out.loc[mask, column] = out.loc[mask, column] * factor
    out.loc[mask, "share_pct"] = 100 * out.loc[mask, "spending"] / out.loc[mask, "gdp"] * factor
    return out


@pytest.mark.parametrize("origin", [2005, 2014])
def test_changing_data_after_the_origin_leaves_the_forecast_unchanged(panel, origin):
    before = bt.forecast_origin(panel, origin)
    changed = _perturb(panel, panel["year"] > origin, seed=origin)
    assert not changed.equals(panel)
    after = bt.forecast_origin(changed, origin)
    pd.testing.assert_frame_equal(before, after)


def test_changing_data_at_the_origin_changes_the_forecast(panel):
    """The converse, so the test above can fail: the forecast does read the origin year."""
    origin = 2010
    before = bt.forecast_origin(panel, origin)
    after = bt.forecast_origin(_perturb(panel, panel["year"] == origin, seed=1), origin)
    for method in bt.METHODS:
        assert not np.allclose(before[method], after[method]), method
    for method in bt.LOG_REAL_METHODS:
        column = bt.LOG_REAL + method
        assert not np.allclose(before[column], after[column]), column


def test_log_real_spending_forecasts_follow_their_definitions(panel):
    """Second target: the baselines are those of log spending itself; a share method's
    spending is its share x the GDP forecast."""
    origin = 2012
    table = bt.forecast_origin(panel, origin)
    france = panel[
        (panel["country"] == "France") & panel["year"].between(origin - bt.DRIFT_YEARS, origin)
    ].sort_values("year")
    log_spend = np.log(france["spending"].to_numpy())
    row = table[(table["ally"] == "France") & (table["h"] == 2)].iloc[0]
    assert row[bt.LOG_REAL + "persistence"] == pytest.approx(log_spend[-1])
    assert row[bt.LOG_REAL + "drift_own"] == pytest.approx(
        log_spend[-1] + 2 * np.diff(log_spend).mean()
    )
    for method in ("model", "persistence_share"):
        share = row["persistence" if method == "persistence_share" else method]
        assert row[bt.LOG_REAL + method] == pytest.approx(np.log(share * row["gdp_forecast"] / 100))


def test_persistence_and_drifts_follow_their_definitions(panel):
    origin = 2012
    table = bt.forecast_origin(panel, origin)
    at = panel[panel["year"] == origin].set_index("country")["share_pct"]
    row = table[(table["ally"] == "France") & (table["h"] == 3)].iloc[0]
    assert row["persistence"] == at["France"]
    france = panel[
        (panel["country"] == "France") & panel["year"].between(origin - bt.DRIFT_YEARS, origin)
    ]
    drift = np.diff(france.sort_values("year")["share_pct"].to_numpy()).mean()
    assert row["drift_own"] == pytest.approx(at["France"] + 3 * drift)


def test_rolling_scores_shape_and_choice(panel):
    result = bt.rolling(origins=(2012, 2013), shock_origins=(2022, 2023), panel=panel)
    assert [s["h"] for s in result["horizons"]] == [1, 2, 3]
    assert [s["h"] for s in result["shock_horizons"]] == [1, 2]  # data end in 2024
    for s in result["horizons"]:
        assert set(s["mae"]) == set(bt.METHODS) == set(s["rmse"])
        for m in bt.METHODS:
            assert s["rmse"][m] >= s["mae"][m] >= 0
    chosen, _ = bt.choose(result["horizons"])
    assert result["model"] == chosen
    log_real = result["log_real"]
    assert [s["h"] for s in log_real["horizons"]] == [1, 2, 3]
    assert [s["h"] for s in log_real["shock_horizons"]] == [1, 2]
    for s, share in zip(log_real["horizons"], result["horizons"], strict=True):
        assert set(s["mae"]) == set(bt.LOG_REAL_METHODS) == set(s["rmse"])
        assert s["n"] == share["n"]
        best = log_real["best"][str(s["h"])]["method"]
        assert s["mae"][best] == min(s["mae"].values())


@pytest.mark.parametrize("origin", [1990, 2024, 2030])
def test_origin_outside_the_data_is_refused(panel, origin):
    with pytest.raises(ScenarioError, match="origin"):
        bt.rolling(origins=(origin,), shock_origins=(), panel=panel)


def test_forecast_2025_uses_data_to_2024_only(panel):
    """The 2025 forecast starts from the 2024 shares, its band contains it, and so does
    Europe's."""
    result = bt.forecast_year(2025, panel=panel, origins=(2010, 2011, 2012))
    assert result["trained_until"] == 2024
    by = {a["ally"]: a for a in result["allies"]}
    at = panel[panel["year"] == 2024].set_index("country")["share_pct"]
    for ally, row in by.items():
        assert row["pct_gdp_base"] == pytest.approx(at[ally], abs=1e-4)
        assert row["low"] <= row["pct_gdp"] <= row["high"]
    e = result["europe_real_change_pct"]
    assert e["low"] <= e["value"] <= e["high"]


@pytest.mark.parametrize("year", [2024, 2030])
def test_forecast_year_not_after_the_data_is_refused(panel, year):
    with pytest.raises(ScenarioError, match="year"):
        bt.forecast_year(year, panel=panel, origins=(2010,))


def test_cli_bad_input_exits_2():
    from typer.testing import CliRunner

    from accord.cli import app

    runner = CliRunner()
    for args in (["burden", "forecast", "--year", "2031"], ["burden", "backtest"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output


@pytest.mark.slow
def test_cli_rolling_json_has_the_issue_shape():
    import json

    from typer.testing import CliRunner

    from accord.cli import app

    result = CliRunner().invoke(app, ["burden", "backtest", "--rolling", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["origins"] == list(range(2000, 2022))
    assert [s["h"] for s in payload["horizons"]] == [1, 2, 3]
    assert [s["h"] for s in payload["shock_horizons"]] == [1, 2, 3]
    for s in (*payload["horizons"], *payload["shock_horizons"]):
        assert (
            {"model", "persistence", "drift_own", "drift_pooled", "joint_product"} <= set(s["mae"])
            and set(s["mae"]) == set(s["rmse"])
            and s["n"] > 0
        )
    # the chosen name is a baseline unless a candidate is no worse at every horizon
    best = [min(s["mae"][b] for b in bt.BASELINES) for s in payload["horizons"]]
    chosen = payload["model"]
    if chosen not in bt.BASELINES:
        assert all(s["mae"][chosen] <= b for s, b in zip(payload["horizons"], best, strict=True))


def test_aid_reaction_fit_is_out_of_sample_and_consistent():
    from accord.data import load
    from accord.workflows.burden_aid_donor import fit

    months = load("kiel_r27_monthly").frame["year_month"]
    assert months.max() == "2025-01"  # the file reaches into the test year ...
    result = fit("total")
    assert result["last_month"] == "2024Q4"  # ... the fit does not
    p = result["predicted_replacement_pct"]
    assert p["low"] < p["value"] < p["high"]
    assert result["observed_replacement_pct"] == pytest.approx(64.9, abs=0.05)  # R28, issue 20
    assert (result["slope_b"] >= 0) == (p["value"] <= 0)
    assert ("not distinguishable" in result["note"]) == (p["low"] <= 0 <= p["high"])


def test_aid_reaction_bad_measure_exits_2():
    from typer.testing import CliRunner

    from accord.cli import app

    result = CliRunner().invoke(app, ["burden", "aid-reaction", "--measure", "loans"])
    assert result.exit_code == 2


def test_spatial_weights_are_inverse_distances_of_the_others():
    km = bt.capital_distances()
    assert np.allclose(km.to_numpy(), km.to_numpy().T) and np.all(np.diag(km.to_numpy()) == 0)
    names = ["France", "Germany", "Poland"]
    w = bt._inverse_distance(names)
    values = np.array([1.0, 2.0, np.nan])  # Poland unobserved: left out of every mean
    out = bt._weighted_others(w, values)
    assert out[0] == pytest.approx(2.0) and out[1] == pytest.approx(1.0)
    d = km.loc[names, names].to_numpy()
    expected = (values[0] / d[2, 0] + values[1] / d[2, 1]) / (1 / d[2, 0] + 1 / d[2, 1])
    assert out[2] == pytest.approx(expected)
    with pytest.raises(ScenarioError, match="capital"):
        bt._inverse_distance(["France", "Atlantis"])


def test_long_onsets_after_the_origin_are_unknown():
    years = np.arange(2012, 2018)
    assert not bt._onset(years, 2013, bt.LONG_ONSETS).any()
    assert bt._onset(years, 2014, bt.LONG_ONSETS).tolist() == [0, 0, 1, 1, 1, 1]
    assert bt._onset(np.array([1950, 1983, 1984]), 2000, bt.LONG_ONSETS).tolist() == [1, 1, 0]
