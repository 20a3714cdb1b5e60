"""The verdict table of the rolling backtest: one source of truth for which burden model the
faces and the engine use (issue 20)."""

from __future__ import annotations

import pandas as pd
import pytest

from accord.fits import burden_backtest as bt
from accord.spec.errors import ScenarioError


def _table(chosen: str) -> pd.DataFrame:
    frame = bt.shipped_verdict().copy()
    frame["chosen"] = (frame["method"] == chosen).astype(int)
    return frame


@pytest.mark.slow
def test_shipped_verdict_is_what_the_backtest_gives_now():
    """Recomputed from the shipped panel: the table cannot drift from the backtest."""
    result = bt.rolling()
    shipped = bt.shipped_verdict()
    pd.testing.assert_frame_equal(bt.verdict_frame(result), shipped, check_dtype=False)
    assert bt.chosen_method(shipped) == result["model"]


def test_the_table_marks_exactly_one_method():
    frame = bt.shipped_verdict()
    assert frame["chosen"].sum() == 1
    assert set(frame["method"]) == set(bt.METHODS)
    with pytest.raises(ScenarioError, match="one method chosen"):
        bt.chosen_method(frame.assign(chosen=0))
    with pytest.raises(ScenarioError, match="one method chosen"):
        bt.chosen_method(frame.assign(chosen=1))


@pytest.mark.parametrize(
    "method, face",
    [
        ("persistence", "persistence"),
        ("drift_pooled", "persistence"),
        ("model", "estimated"),
        ("joint_product", "joint-product"),
    ],
)
def test_face_model_of_each_choice(method, face):
    assert bt.chosen_face_model(_table(method)) == face


def test_verdict_line_names_the_chosen_method_and_its_scores():
    frame = _table("persistence")
    line = bt.verdict_line(frame)
    row = frame.set_index("method").loc["persistence"]
    assert f"persistence {row['mae_h1']:.3f}/{row['mae_h2']:.3f}/{row['mae_h3']:.3f}" in line
    assert "used: persistence (a baseline" in line
    assert "a baseline" not in bt.verdict_line(_table("model"))


@pytest.mark.parametrize("chosen, used", [("persistence", "persistence"), ("model", "estimated")])
def test_the_equilibrium_uses_the_model_the_table_chooses(monkeypatch, chosen, used):
    import accord

    table = _table(chosen)
    monkeypatch.setattr(bt, "shipped_verdict", lambda: table)
    result = accord.burden("equilibrium", us_cut=0.5, draws=40, seed=3)
    assert result.summary["model_used"] == used == result.settings["model"]
    europe = result.totals.set_index("group").loc["European allies"]
    us = result.per_actor.set_index("ally").loc["United States"]
    assert us["change_pct"] == pytest.approx(-50.0)
    if used == "persistence":
        assert europe["change_pct"] == pytest.approx(0.0, abs=1e-9)
        assert "the answer given is persistence" in result.summary["what_the_data_can_tell"]
    else:
        assert europe["change_pct"] != pytest.approx(0.0, abs=1e-6)
    alt = result.summary["estimated_alternative_europe_change_pct"]
    assert alt["low"] <= alt["value"] <= alt["high"]
    identified = alt["low"] > 0 or alt["high"] < 0
    assert ("not identified" in result.summary["what_the_data_can_tell"]) == (not identified)


def test_persistence_keeps_spending_and_floors_bind():
    import accord

    result = accord.burden(
        "equilibrium",
        model="persistence",
        us_cut=1.0,
        floor_pct_gdp=3.5,
        leave=("Hungary",),
        draws=5,
    )
    table = result.per_actor.set_index("ally")
    assert table.loc["Hungary", "status"] == "left" and pd.isna(table.loc["Hungary", "pct_gdp"])
    allies = table.drop(["Hungary", "United States"])
    expected = allies["base_pct_gdp"].clip(lower=3.5)
    pd.testing.assert_series_equal(allies["pct_gdp"], expected, check_names=False)
    assert table.loc["United States", "spending_musd"] == 0.0


def test_the_joint_product_game_is_labelled_with_its_own_score():
    import accord

    result = accord.burden("equilibrium", model="joint-product", us_cut=0.5, draws=20)
    row = bt.shipped_verdict().set_index("method").loc["joint_product"]
    assert result.summary["model_used"] == "joint-product"
    assert f"{row['mae_h1']:.3f}/{row['mae_h2']:.3f}/{row['mae_h3']:.3f}" in result.notes[-1]


def test_the_simulations_aid_publicness_is_the_donor_fits():
    """Issue 20: the engine's aid theta range is what the donor-level fit (no 2025 figure)
    implies, not a range chosen on 2025."""
    from accord.scenario import load_scenario
    from accord.workflows.burden_aid_donor import fit, theta_range

    spec = load_scenario("ukraine-2025").simulation
    theta = next(u for u in spec.uncertainties if u.name == "aid_publicness")
    implied = theta_range("total")
    assert (theta.low, theta.high) == (implied["low"], implied["high"])
    assert theta.low <= implied["value"] <= theta.high
    predicted = fit("total")["predicted_replacement_pct"]
    assert f"{predicted['value']:+.1f} %" in theta.source


def test_aid_json_gives_the_donor_fits_prediction():
    import accord

    result = accord.burden("aid", us_aid_stop=1.0, draws=20).to_dict()
    p = result["predicted_replacement_pct"]
    assert p["low"] <= p["value"] <= p["high"]
    assert result["observed_replacement_pct"] == pytest.approx(64.9, abs=0.05)
    assert "donor fixed effects" in result["method"]
    assert set(result["donor_fit"]) == {"total", "military"}
