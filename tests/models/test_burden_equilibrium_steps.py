"""The named steps of ``burden_runs.equilibrium`` (issue 19), each on its own."""

from __future__ import annotations

import numpy as np
import pytest

from accord.fits import burden_demand as fitmod
from accord.models import burden_demand as demand
from accord.spec.errors import ScenarioError
from accord.workflows import burden_runs as br

LEVERS = {
    "us_cut": 0.0,
    "us_spill_in_cut": 0.0,
    "threat_all": 0.0,
    "threat_frontline": 0.0,
    "floor_pct_gdp": None,
}


@pytest.fixture(scope="module")
def game() -> br.Game:
    est = fitmod.estimate()
    return br.base_game(2024, 0.2, ("Hungary",), us_cuts=False, allies=tuple(est.allies))


@pytest.mark.parametrize(
    "field, value",
    [
        ("us_cut", 1.5),
        ("us_spill_in_cut", -0.1),
        ("threat_all", -1.0),
        ("floor_pct_gdp", 101.0),
        ("draws", 0),
        ("horizon", 1000),
        ("model", "magic"),
    ],
)
def test_check_levers_refuses_each_field(field, value):
    args = {**LEVERS, "draws": 10, "horizon": 10, "model": "estimated", field: value}
    with pytest.raises(ScenarioError) as error:
        br.check_levers(**args)
    name = {"floor_pct_gdp": "floor"}.get(field, field)
    assert error.value.field == name


def test_check_levers_accepts_the_defaults():
    br.check_levers(**LEVERS, draws=1, horizon=0, model="persistence")


def test_base_game_puts_the_us_last_and_marks_who_left(game):
    assert game.names[-1] == "United States" and game.us == len(game.names) - 1
    assert not game.present[game.names.index("Hungary")]
    assert game.present.sum() == len(game.names) - 1
    assert np.all(game.spending > 0) and np.all(game.gdp > game.spending)
    assert game.weight[game.us] == 0.2 and set(game.weight[:-1]) == {1.0}
    assert game.frontline[game.names.index("Poland")] == 1.0


def test_base_game_refuses_unknown_allies_and_a_leaving_us_that_cuts():
    allies = tuple(fitmod.estimate().allies)
    with pytest.raises(ScenarioError, match="unknown ally"):
        br.base_game(2024, 0.2, ("Narnia",), us_cuts=False, allies=allies)
    with pytest.raises(ScenarioError, match="cannot both leave and cut"):
        br.base_game(2024, 0.2, ("United States",), us_cuts=True, allies=allies)
    with pytest.raises(ScenarioError, match="no SIPRI data"):
        br.base_game(1980, 0.2, (), us_cuts=False, allies=allies)


def test_lever_inputs_follow_their_definitions(game):
    levers = br.lever_inputs(
        game,
        3,
        us_cut=0.25,
        us_spill_in_cut=0.5,
        threat_all=0.1,
        threat_frontline=0.2,
        floor_pct_gdp=2.0,
    )
    assert levers.fixed.shape == (3, len(game.names))
    assert np.all(levers.fixed[:, game.us] == pytest.approx(0.75 * game.spending[game.us]))
    assert np.isnan(levers.fixed[:, : game.us]).all()
    assert levers.weight[game.us] == pytest.approx(0.1)
    poland, france = game.names.index("Poland"), game.names.index("France")
    assert levers.log_threat[france] == pytest.approx(np.log(game.russia * 1.1))
    assert levers.log_threat[poland] == pytest.approx(np.log(game.russia * 1.1 * 1.2))
    assert levers.floor is not None and levers.floor.shape == (3, game.keep.size)
    keep = list(game.keep)
    assert levers.floor[0, keep.index(france)] == pytest.approx(0.02 * game.gdp[france])
    assert levers.floor[0, keep.index(game.us)] == 0.0


def test_solve_estimated_keeps_the_base_without_levers():
    est = fitmod.estimate()
    game = br.base_game(2024, 0.2, (), us_cuts=False, allies=tuple(est.allies))
    coef = est.draws(5, 1)
    n = len(game.names)
    intercept = demand.recentre(
        coef,
        np.broadcast_to(game.spending, (5, n)),
        np.log(game.gdp),
        np.log(game.russia),
        game.frontline,
        game.weight,
    )
    levers = br.lever_inputs(game, 5, **LEVERS)
    new = br.solve_estimated(game, levers, coef, intercept, 3)
    keep = game.keep
    np.testing.assert_allclose(
        new[:, keep], np.broadcast_to(game.spending[keep], (5, keep.size)), rtol=1e-8
    )
    cut = br.lever_inputs(game, 5, **{**LEVERS, "us_cut": 0.5})
    moved = br.solve_estimated(game, cut, coef, intercept, 3)
    assert not np.allclose(moved[:, keep[:-1]], new[:, keep[:-1]])


def test_solve_persistence_moves_nobody_but_the_us_and_the_floors(game):
    levers = br.lever_inputs(game, 1, **{**LEVERS, "us_cut": 1.0, "floor_pct_gdp": 3.0})
    new = br.solve_persistence(game, levers)[0]
    for k in game.keep[:-1]:
        assert new[k] == pytest.approx(max(game.spending[k], 0.03 * game.gdp[k]))
    assert new[game.us] == 0.0
    assert np.isnan(new[game.names.index("Hungary")])


def test_tables_sum_the_groups_and_give_the_gaps(game):
    new = np.broadcast_to(game.spending * 1.1, (4, len(game.names))).copy()
    new[:, ~game.present] = np.nan
    per_ally, totals = br.tables(game, new, (2.0, 3.5))
    assert list(per_ally["ally"]) == game.names
    present = per_ally[per_ally["status"] != "left"]
    np.testing.assert_allclose(present["change_pct"], 10.0)
    np.testing.assert_allclose(present["gap_to_2_pct_pp"], 2.0 - present["pct_gdp"])
    nato = totals.set_index("group").loc["NATO"]
    assert nato["change_pct"] == pytest.approx(10.0)
    assert nato["base_spending_musd"] == pytest.approx(game.spending[game.present].sum())
    assert "gap_to_5_pct_pp" not in per_ally
