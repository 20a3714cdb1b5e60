"""Invariants of KTAB's SMP (``accord.models.bargaining.smp``) under every option."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.models.bargaining import smp_rules
from accord.models.bargaining.smp import (
    BARGAIN_MODELS,
    INTER_VEC_BRGNS,
    SmpOptions,
    smp,
    win_probabilities,
)
from accord.scenario.ktab import read_ktab_csv

DATA = Path(__file__).parents[1] / "validation" / "data" / "ktab_smp"
OPTION_VALUES = (
    [("victory_prob", v) for v in smp_rules.VICTORY_PROBS]
    + [("voting_rule", v) for v in smp_rules.VOTING_RULES]
    + [("pce_model", v) for v in smp_rules.PCE_MODELS]
    + [("big_r_range", v) for v in smp_rules.BIG_R_RANGES]
    + [("big_r_adjust", v) for v in smp_rules.BIG_R_ADJUSTS]
    + [("third_party_commit", v) for v in smp_rules.THIRD_PARTY_COMMITS]
    + [("inter_vec_brgn", v) for v in INTER_VEC_BRGNS]
    + [("bargain_model", v) for v in BARGAIN_MODELS]
    + [("state_transitions", "stochastic")]
)


def _random_scenario(seed: int, n_draws: int = 1, n_actors: int = 7, n_dims: int = 2):
    rng = np.random.default_rng(seed)
    capability = rng.uniform(5, 200, (n_draws, n_actors))
    position = np.round(rng.uniform(0, 100, (n_draws, n_actors, n_dims)), 2)
    salience = rng.uniform(0.05, 1.0, (n_draws, n_actors, n_dims))
    total = rng.uniform(0.5, 1.0, (n_draws, n_actors, 1))
    salience = salience / salience.sum(-1, keepdims=True) * total
    return capability, position, salience


def _three_dim():
    return read_ktab_csv(DATA / "dummyData_3Dim.csv").model_inputs()


@pytest.mark.parametrize(("name", "value"), OPTION_VALUES)
def test_every_option_runs_and_keeps_invariants(name: str, value: str) -> None:
    c, x, s = _three_dim()
    result = smp(c, x, s, max_turns=30, **{name: value})
    t = result.history.shape[1] - 1
    assert 1 <= result.rounds[0] <= 30 and t == result.rounds.max()
    np.testing.assert_array_equal(result.history[:, 0], x)
    assert np.isfinite(result.history).all()
    final = result.history[:, -1]
    assert np.all(result.forecast >= final.min(1) - 1e-9)
    assert np.all(result.forecast <= final.max(1) + 1e-9)
    options = SmpOptions(**{name: value})
    win = win_probabilities(final / 100.0, capability=c, salience=s, options=options)
    assert np.all((win.unique_probability >= 0) & (win.unique_probability <= 1))
    np.testing.assert_allclose(win.unique_probability.sum(-1), 1.0, atol=1e-9)


@pytest.mark.parametrize("inter_vec_brgn", INTER_VEC_BRGNS)
def test_positions_stay_in_the_box_of_the_inputs(inter_vec_brgn: str) -> None:
    # bargains interpolate each dimension between two positions (KTAB rounds to 1e-4 of
    # its [0, 1] scale, hence the 0.005 tolerance on 0-100)
    c, x, s = _random_scenario(3, n_draws=6)
    result = smp(c, x, s, inter_vec_brgn=inter_vec_brgn, max_turns=40)
    low, high = x.min(1)[:, None, None], x.max(1)[:, None, None]
    assert np.all(result.history >= low - 0.005) and np.all(result.history <= high + 0.005)


@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_batch_equals_draw_by_draw(engine: str) -> None:
    c, x, s = _random_scenario(11, n_draws=4)
    joint = smp(c, x, s, engine=engine, max_turns=40)
    for b in range(4):
        alone = smp(c[b : b + 1], x[b : b + 1], s[b : b + 1], engine=engine, max_turns=40)
        t = alone.rounds[0]
        assert joint.rounds[b] == t
        np.testing.assert_array_equal(joint.history[b, : t + 1], alone.history[0])
        np.testing.assert_array_equal(
            joint.history[b, t:], np.repeat(alone.history[:, -1:], joint.history.shape[1] - t, 1)[0]
        )
        np.testing.assert_array_equal(joint.forecast[b], alone.forecast[0])


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("voting_rule", "binary"),
        ("voting_rule", "asym_prospect"),
        ("pce_model", "markov_uniform"),
        ("pce_model", "markov_incentive"),
        ("victory_prob", "binary"),
        ("bargain_model", "init_rcvr_interp"),
        ("bargain_model", "pw_comp_interp"),
        ("inter_vec_brgn", "s2pmax"),
        ("third_party_commit", "no_commit"),
    ],
)
def test_engines_agree(name: str, value: str) -> None:
    c, x, s = read_ktab_csv(DATA / "SOE-Pol-Comp.csv").model_inputs()
    a = smp(c, x, s, engine="numpy", **{name: value})
    b = smp(c, x, s, engine="numba", **{name: value})
    assert a.rounds.tolist() == b.rounds.tolist()
    np.testing.assert_allclose(a.history, b.history, atol=1e-9)
    np.testing.assert_allclose(a.forecast, b.forecast, atol=1e-9)


def test_actor_order_does_not_matter() -> None:
    # KTAB merges positions closer than 0.1 (on 0-100) into the first actor's one before its
    # final election, so the forecast depends on the order within that tolerance only
    for seed in range(6):
        c, x, s = _random_scenario(100 + seed, n_actors=9)
        perm = np.random.default_rng(seed).permutation(9)
        a = smp(c, x, s)
        b = smp(c[:, perm], x[:, perm], s[:, perm])
        assert a.rounds.tolist() == b.rounds.tolist()
        np.testing.assert_allclose(a.history[:, :, perm], b.history, atol=1e-7)
        np.testing.assert_allclose(a.forecast, b.forecast, atol=0.1)


def test_salience_as_ktab_reads_it() -> None:
    table = read_ktab_csv(DATA / "dummyData_3Dim.csv")
    c, x, s = table.model_inputs()
    np.testing.assert_array_equal(s[0], table.salience / 100.0)
    a = smp(table.capability[None], table.position[None], table.salience[None] / 100.0)
    b = smp(c, x, s)
    np.testing.assert_array_equal(a.history, b.history)


def test_cap_total_salience_only_touches_totals_above_one() -> None:
    c, x, s = _three_dim()  # KTAB totals are <= 1: unchanged
    np.testing.assert_array_equal(
        smp(c, x, s, cap_total_salience=False).history, smp(c, x, s).history
    )
    doubled = smp(c, x, 2 * s)
    scaled = smp(
        c, x, 2 * s / np.maximum(1.0, (2 * s).sum(-1, keepdims=True)), cap_total_salience=False
    )
    np.testing.assert_array_equal(doubled.history, scaled.history)


def test_stochastic_transitions_follow_the_seed() -> None:
    c, x, s = _three_dim()
    batch = (np.repeat(c, 3, 0), np.repeat(x, 3, 0), np.repeat(s, 3, 0))
    same = smp(*batch, state_transitions="stochastic", max_turns=20)
    np.testing.assert_array_equal(same.history[0], same.history[1])
    other = smp(*batch, state_transitions="stochastic", max_turns=20, seed=np.array([1, 2, 1]))
    np.testing.assert_array_equal(other.history[0], other.history[2])
    again = smp(*batch, state_transitions="stochastic", max_turns=20, seed=np.array([1, 2, 1]))
    np.testing.assert_array_equal(other.history, again.history)


def test_max_turns_and_bad_arguments() -> None:
    c, x, s = _three_dim()
    result = smp(c, x, s, max_turns=3)
    assert result.rounds.tolist() == [3] and result.history.shape[1] == 4
    with pytest.raises(ValueError):
        smp(c, x, s, voting_rule="majority")
    with pytest.raises(ValueError):
        smp(c, x, s, max_turns=0)
    with pytest.raises(ValueError):
        smp(c, x, s, engine="numba", state_transitions="stochastic")


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 8),
    pce_model=st.sampled_from(smp_rules.PCE_MODELS),
    victory=st.sampled_from(smp_rules.VICTORY_PROBS),
    rule=st.sampled_from(smp_rules.VOTING_RULES),
)
def test_pce_probabilities_are_a_distribution(seed, n, pce_model, victory, rule) -> None:
    rng = np.random.default_rng(seed)
    utility = rng.uniform(0, 1, (2, n, n))
    weight = rng.uniform(0.1, 10, (2, n))
    coalition = smp_rules.coalition_strengths(rule, weight, utility)
    assert np.all(coalition > 0)
    pv = smp_rules.pairwise_victory(victory, coalition)
    np.testing.assert_allclose(pv + np.swapaxes(pv, -1, -2), 1.0, atol=1e-9)
    p = smp_rules.pce(pce_model, victory, coalition)
    assert np.all((p >= 0) & (p <= 1 + 1e-12))
    np.testing.assert_allclose(p.sum(-1), 1.0, atol=1e-6)
    r = smp_rules.big_r_from_prob(p, "mid")
    assert np.all((r >= -0.5 - 1e-12) & (r <= 1 + 1e-12))
