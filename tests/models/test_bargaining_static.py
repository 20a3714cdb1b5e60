"""Tests of the static bargaining models (compromise, median, Nash) and the model registry."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from accord.models.bargaining import MODEL_NAMES, MODELS, get_model
from accord.models.bargaining.compromise import compromise
from accord.models.bargaining.median import median
from accord.models.bargaining.nash import nash

STATIC = {"compromise": compromise, "median": median, "nash": nash}

# Bueno de Mesquita (1994, p. 78) emission-standards case as printed in Scholz, Calbert &
# Smith (2011), Table 1: capability, position (years), salience (0-100).
BDM_1994 = np.array(
    [
        [0.08, 4, 80],  # Netherlands
        [0.08, 7, 40],  # Belgium
        [0.03, 4, 20],  # Luxembourg
        [0.16, 4, 80],  # Germany
        [0.16, 10, 60],  # France
        [0.16, 10, 60],  # Italy
        [0.16, 10, 90],  # UK
        [0.05, 7, 10],  # Ireland
        [0.05, 4, 100],  # Denmark
        [0.08, 7, 70],  # Greece
    ]
)


def bdm_arrays():
    c = BDM_1994[None, :, 0]
    x = BDM_1994[None, :, 1, None]
    s = BDM_1994[None, :, 2, None] / 100.0
    return c, x, s


# ----------------------------------------------------------------------------- strategies


@st.composite
def games(draw, max_draws=3, max_actors=7, max_issues=3, integer=False):
    """Random (capability, position, salience, status_quo) with B, N, K >= 1."""
    b = draw(st.integers(1, max_draws))
    n = draw(st.integers(1, max_actors))
    k = draw(st.integers(1, max_issues))
    if integer:  # exact binary fractions: sums and affine maps below are exact
        pos = st.integers(0, 400).map(lambda v: v / 4)
        weight = st.integers(0, 4).map(float)
    else:  # positions to 1e-6 of a point (a scenario never has finer ones, and distances of
        # 1e-45 lose every digit in |d - x| - |y - x|); weights zero or not vanishingly small
        pos = st.floats(0.0, 100.0).map(lambda v: round(v, 6))
        weight = st.one_of(st.just(0.0), st.floats(1e-3, 1.0))
    c = draw(hnp.arrays(float, (b, n), elements=weight))
    x = draw(hnp.arrays(float, (b, n, k), elements=pos))
    s = draw(hnp.arrays(float, (b, n, k), elements=weight))
    d = draw(hnp.arrays(float, (b, k), elements=pos))
    return c, x, s, d


def run(name, c, x, s, d, **options):
    return STATIC[name](c, x, s, status_quo=d, **options).forecast


# ----------------------------------------------------------------------------- compromise


def test_compromise_by_hand():
    c = np.array([[1.0, 2.0, 1.0]])
    x = np.array([[[0.0, 10.0], [100.0, 20.0], [40.0, 90.0]]])
    s = np.array([[[1.0, 0.5], [0.5, 0.5], [0.0, 1.0]]])
    # issue 0: weights 1, 1, 0 -> (0 + 100) / 2; issue 1: weights 0.5, 1, 1 -> (5 + 20 + 90) / 2.5
    np.testing.assert_allclose(compromise(c, x, s).forecast, [[50.0, 115.0 / 2.5]])


def test_compromise_and_median_reproduce_bdm_1994_round_0():
    """Scholz et al. (2011) Table 2, round 0: median 7.0, c s-weighted mean 7.38996."""
    c, x, s = bdm_arrays()
    assert median(c, x, s).forecast[0, 0] == 7.0
    assert round(compromise(c, x, s).forecast[0, 0], 5) == 7.38996


def test_compromise_without_weight_falls_back():
    c = np.zeros((2, 3))
    x = np.array([[[10.0], [20.0], [60.0]], [[0.0], [0.0], [30.0]]])
    s = np.ones_like(x)
    np.testing.assert_allclose(compromise(c, x, s).forecast, [[30.0], [10.0]])
    d = np.array([[55.0], [5.0]])
    np.testing.assert_allclose(compromise(c, x, s, status_quo=d).forecast, d)
    # one issue weighted, the other not: the fallback applies per issue only
    s2 = np.ones((1, 2, 2))
    s2[0, :, 1] = 0.0
    x2 = np.array([[[0.0, 0.0], [100.0, 50.0]]])
    out = compromise(np.array([[1.0, 3.0]]), x2, s2, status_quo=np.array([[70.0, 70.0]]))
    np.testing.assert_allclose(out.forecast, [[75.0, 70.0]])


@settings(max_examples=120, deadline=None)
@given(games())
def test_compromise_lies_in_hull_and_is_finite(game):
    c, x, s, d = game
    forecast = compromise(c, x, s).forecast
    assert forecast.shape == d.shape
    assert np.all(np.isfinite(forecast))
    assert np.all(forecast >= x.min(axis=1)) and np.all(forecast <= x.max(axis=1))


@settings(max_examples=100, deadline=None)
@given(
    games(),
    st.floats(-3.0, 3.0).filter(lambda a: abs(a) > 1e-3),
    st.floats(-50, 50),
    st.floats(0.01, 100.0),
)
def test_compromise_is_affine_equivariant_and_weight_scale_free(game, a, b, lam):
    c, x, s, _ = game
    base = compromise(c, x, s).forecast
    moved = compromise(lam * c, a * x + b, s * min(lam, 1.0)).forecast
    np.testing.assert_allclose(moved, a * base + b, rtol=1e-9, atol=1e-9 * (1 + abs(b)))


# ----------------------------------------------------------------------------- median


def pairwise_votes(c, x, s):
    """V[j, k] = sum_i c_i s_i (|x_i - x_k| - |x_i - x_j|) for one issue of one draw."""
    w = c * s
    dist = np.abs(x[:, None] - x[None, :])  # dist[i, j] = |x_i - x_j|
    return np.einsum("i,ik->k", w, dist)[None, :] - np.einsum("i,ij->j", w, dist)[:, None]


def brute_force_condorcet(c, x, s):
    """Lowest held position that beats or ties every other in the pairwise vote."""
    votes = pairwise_votes(c, x, s)
    winners = np.all(votes >= 0, axis=1)
    return x[winners].min()


@settings(max_examples=150, deadline=None)
@given(games(max_actors=8, integer=True))
def test_median_is_the_lowest_condorcet_winner_exactly(game):
    """Small integers make every vote exact, ties included; compare with brute force."""
    c, x, s, _ = game
    forecast = median(c, x, s).forecast
    for b in range(x.shape[0]):
        for k in range(x.shape[2]):
            if np.sum(c[b] * s[b, :, k]) == 0:
                continue
            assert forecast[b, k] == brute_force_condorcet(c[b], x[b, :, k], s[b, :, k])


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(games(max_actors=8))
def test_median_wins_every_pairwise_vote(game):
    c, x, s, _ = game
    forecast = median(c, x, s).forecast
    for b in range(x.shape[0]):
        for k in range(x.shape[2]):
            w = c[b] * s[b, :, k]
            if w.sum() == 0:
                continue
            held = x[b, :, k]
            j = np.flatnonzero(held == forecast[b, k])
            assert j.size > 0  # a held position
            votes = pairwise_votes(c[b], held, s[b, :, k])[j[0]]
            assert np.all(votes >= -1e-12 * 100 * w.sum())


@pytest.mark.slow
@settings(max_examples=120, deadline=None)
@given(games())
def test_median_lies_in_hull_and_falls_back(game):
    c, x, s, d = game
    forecast = median(c, x, s, status_quo=d).forecast
    weighted = (c[:, :, None] * s).sum(axis=1) > 0
    assert np.all(np.isfinite(forecast))
    inside = (forecast >= x.min(axis=1)) & (forecast <= x.max(axis=1))
    assert np.all(inside[weighted])
    np.testing.assert_array_equal(forecast[~weighted], d[~weighted])


@settings(max_examples=100, deadline=None)
@given(games(), st.floats(0.01, 3.0), st.floats(-50, 50), st.floats(0.01, 100.0))
def test_median_is_equivariant_under_increasing_maps(game, a, b, lam):
    c, x, s, _ = game
    base = median(c, x, s).forecast
    moved = median(lam * c, a * x + b, s).forecast
    np.testing.assert_allclose(moved, a * base + b, rtol=1e-12, atol=1e-12 * (1 + abs(b)))


# ----------------------------------------------------------------------------- Nash


def nash_objective(c, x, s, d, side, y, utility="linear"):
    """sum_i c_i log(U_i(y) - U_i(d)) over the actors strictly on ``side`` of d with c s > 0
    (the test's own transcription of the formula); -inf where some participant gains nothing."""
    part = (c * s > 0) & (side * (x - d) > 0)
    y = np.atleast_1d(y)[:, None]
    if utility == "linear":
        gain = s[part] * (np.abs(d - x[part]) - np.abs(y - x[part]))
    else:
        gain = s[part] * ((d - x[part]) ** 2 - (y - x[part]) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(gain > 0, c[part] * np.log(np.where(gain > 0, gain, 1.0)), -np.inf)
    return value.sum(axis=1)


def majority_margin(c, x, s, d, side):
    """c s weight strictly on ``side`` of d minus the rest, relative to the total."""
    w = c * s
    if w.sum() == 0:
        return 0.0
    return (w[side * (x - d) > 0].sum() - w[side * (x - d) <= 0].sum()) / w.sum()


def test_nash_needs_a_status_quo():
    c, x, s = bdm_arrays()
    with pytest.raises(ValueError, match="status_quo"):
        nash(c, x, s)


def test_nash_two_actors_closed_form():
    """Linear: t = 2 u1 c2 / (c1 + c2) on the segment past u1; quadratic, equal weights at
    40 and 100 from d = 0: 2 / t = 1 / (80 - t) + 1 / (200 - t), i.e. t = 50."""
    x = np.array([[[40.0], [100.0]]])
    s = np.array([[[0.3], [0.9]]])
    d = np.zeros((1, 1))
    out = nash(np.array([[1.0, 3.0]]), x, s, status_quo=d).forecast
    np.testing.assert_allclose(out, [[2 * 40 * 3 / 4]], rtol=1e-13)
    # the nearer actor holds at least half the exponent: the solution is its ideal point
    out = nash(np.array([[1.0, 1.0]]), x, s, status_quo=d).forecast
    assert out[0, 0] == 40.0
    out = nash(np.array([[1.0, 1.0]]), x, s, status_quo=d, utility="quadratic").forecast
    np.testing.assert_allclose(out, [[50.0]], rtol=1e-13)
    # mirrored issue: same distances from d = 100
    out = nash(np.array([[1.0, 3.0]]), 100.0 - x, s, status_quo=100.0 - d).forecast
    np.testing.assert_allclose(out, [[100.0 - 60.0]], rtol=1e-13)


def test_nash_quadratic_with_distant_reference_is_the_weighted_mean():
    """Achen (2006): with a breakdown far worse than any agreement, the quadratic NBS tends
    to the weighted mean (here weights c, since U_i(d) scales with s_i too). The first
    neglected term is O(spread^2 / D): about 1e-3 for D = 1e7."""
    rng = np.random.default_rng(7)
    c = rng.uniform(0.1, 1.0, (4, 6))
    x = rng.uniform(0.0, 100.0, (4, 6, 2))
    s = rng.uniform(0.2, 1.0, (4, 6, 2))
    d = np.full((4, 2), -1e7)
    out = nash(c, x, s, status_quo=d, utility="quadratic").forecast
    mean = compromise(c, x, np.ones_like(s)).forecast
    np.testing.assert_allclose(out, mean, atol=5e-3)


def test_nash_without_a_majority_or_with_a_veto_stays_at_the_status_quo():
    c = np.array([[1.0, 1.0, 1.0]])
    x = np.array([[[20.0], [80.0], [90.0]]])
    s = np.ones_like(x)
    d = np.array([[50.0]])
    assert nash(c, x, s, status_quo=d, opposition="veto").forecast[0, 0] == 50.0
    moved = nash(c, x, s, status_quo=d).forecast[0, 0]
    assert 80.0 <= moved < 110.0  # the two actors above d outvote the one below
    tie = nash(np.array([[1.0, 1.0]]), x[:, :2], s[:, :2], status_quo=d).forecast[0, 0]
    assert tie == 50.0
    one_side = nash(c, x + 40.0, s, status_quo=np.array([[55.0]]), opposition="veto")
    assert one_side.forecast[0, 0] > 60.0


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(
    games(max_draws=2, max_actors=6, max_issues=2),
    st.sampled_from(["linear", "quadratic"]),
    st.data(),
)
def test_nash_beats_every_other_point(game, utility, data):
    c, x, s, d = game
    forecast = nash(c, x, s, status_quo=d, utility=utility).forecast
    grid = np.linspace(0.0, 100.0, 4001)
    randoms = np.array(data.draw(st.lists(st.floats(0.0, 100.0), min_size=20, max_size=20)))
    for b in range(x.shape[0]):
        for k in range(x.shape[2]):
            args = (c[b], x[b, :, k], s[b, :, k], d[b, k])
            if forecast[b, k] == d[b, k]:  # no side holds a majority
                assert all(majority_margin(*args, side) <= 1e-9 for side in (1.0, -1.0))
                continue
            side = np.sign(forecast[b, k] - d[b, k])
            assert majority_margin(*args, side) > 0
            best = nash_objective(*args, side, forecast[b, k], utility)[0]
            assert np.isfinite(best)  # every participant gains
            others = nash_objective(*args, side, np.concatenate([grid, randoms]), utility)
            assert np.all(others <= best + 1e-9 * (1.0 + abs(best)))


@pytest.mark.slow
@settings(max_examples=120, deadline=None)
@given(games(), st.sampled_from(["linear", "quadratic"]))
def test_nash_lies_between_status_quo_and_farthest_participant(game, utility):
    c, x, s, d = game
    forecast = nash(c, x, s, status_quo=d, utility=utility).forecast
    lo = np.minimum(d, x.min(axis=1))
    hi = np.maximum(d, x.max(axis=1))
    assert np.all((forecast >= lo) & (forecast <= hi))


def test_nash_salience_as_bargaining_power():
    x = np.array([[[40.0], [100.0]]])
    d = np.zeros((1, 1))
    c = np.array([[1.0, 1.0]])
    s = np.array([[[0.25], [0.75]]])
    # exponents 0.25 and 0.75: t = 2 * 40 * 0.75 / 1.0
    out = nash(c, x, s, status_quo=d, bargaining_power="capability_salience").forecast
    np.testing.assert_allclose(out, [[60.0]], rtol=1e-13)
    assert nash(c, x, s, status_quo=d).forecast[0, 0] == 40.0


@settings(max_examples=100, deadline=None)
@given(
    games(integer=True),
    st.sampled_from([0.25, 0.5, 1.0, 2.0, 4.0]),
    st.integers(-50, 50),
    st.sampled_from([1.0, -1.0]),
    st.sampled_from(["linear", "quadratic"]),
)
def test_nash_is_equivariant_under_affine_maps(game, a, b, sign, utility):
    """Exact maps (powers of two, integer shifts) on exact data, reflection included."""
    c, x, s, d = game
    base = nash(c, x, s, status_quo=d, utility=utility).forecast
    a = sign * a
    moved = nash(c, a * x + b, s, status_quo=a * d + b, utility=utility).forecast
    np.testing.assert_allclose(moved, a * base + b, rtol=1e-9, atol=1e-9 * (1 + abs(b)))


# ----------------------------------------------------------------------------- all static


@settings(max_examples=100, deadline=None)
@given(games(), st.sampled_from(sorted(STATIC)), st.randoms(use_true_random=False))
def test_static_models_do_not_depend_on_actor_order(game, name, rnd):
    c, x, s, d = game
    order = list(range(x.shape[1]))
    rnd.shuffle(order)
    base = run(name, c, x, s, d)
    shuffled = run(name, c[:, order], x[:, order], s[:, order], d)
    np.testing.assert_allclose(shuffled, base, rtol=1e-12, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(games(max_draws=4), st.sampled_from(sorted(STATIC)))
def test_static_models_batch_equals_stacked_draws(game, name):
    c, x, s, d = game
    batch = run(name, c, x, s, d)
    stacked = np.concatenate(
        [
            run(name, c[b : b + 1], x[b : b + 1], s[b : b + 1], d[b : b + 1])
            for b in range(x.shape[0])
        ]
    )
    np.testing.assert_allclose(batch, stacked, rtol=1e-13, atol=1e-13)


@settings(max_examples=100, deadline=None)
@given(games(), st.sampled_from(sorted(STATIC)), st.floats(0.01, 100.0), st.floats(0.01, 1.0))
def test_static_models_ignore_common_scale_of_capability_and_salience(game, name, lam, mu):
    c, x, s, d = game
    np.testing.assert_allclose(
        run(name, lam * c, x, mu * s, d), run(name, c, x, s, d), rtol=1e-9, atol=1e-9
    )


@pytest.mark.parametrize("name", sorted(STATIC))
def test_static_models_reject_bad_shapes_and_empty_games(name):
    c, x, s = np.zeros((1, 0)), np.zeros((1, 0, 2)), np.zeros((1, 0, 2))
    with pytest.raises(ValueError, match="no actors"):
        run(name, c, x, s, np.zeros((1, 2)))
    with pytest.raises(ValueError, match="shape"):
        run(name, np.ones((1, 3)), np.ones((1, 3, 2)), np.ones((1, 3, 2)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match="shape"):
        run(name, np.ones((1, 2)), np.ones((1, 3, 2)), np.ones((1, 3, 2)), np.zeros((1, 2)))


# ----------------------------------------------------------------------------- registry


def test_registry_names_and_static_models():
    assert tuple(MODELS) == MODEL_NAMES == ("compromise", "median", "nash", "eum", "smp")
    for name, fn in STATIC.items():
        assert MODELS[name] is fn and get_model(name) is fn and name in MODELS
    with pytest.raises(KeyError, match="known models: compromise, median, nash, eum, smp"):
        get_model("kalai")
    assert "kalai" not in MODELS and MODELS.get("kalai") is None


def test_registry_loads_the_round_based_models():
    from accord.models.bargaining.eum import eum
    from accord.models.bargaining.smp import smp

    assert MODELS["eum"] is eum and MODELS["smp"] is smp


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_registered_model_follows_the_interface(name):
    rng = np.random.default_rng(3)
    b, n, k = 2, 5, 2
    c = rng.uniform(0.1, 1.0, (b, n))
    x = rng.uniform(0.0, 100.0, (b, n, k))
    s = rng.uniform(0.1, 1.0, (b, n, k))
    d = rng.uniform(0.0, 100.0, (b, k))
    result = MODELS[name](c, x, s, status_quo=d)
    assert result.forecast.shape == (b, k) and np.all(np.isfinite(result.forecast))
    assert np.all((result.forecast >= 0.0) & (result.forecast <= 100.0))
    if result.history is not None:
        assert result.history.shape[0] == b and result.history.shape[2:] == (n, k)
        np.testing.assert_array_equal(result.history[:, 0], x)
        assert result.rounds.shape == (b,)


def test_registry_does_not_hide_an_import_error(tmp_path, monkeypatch):
    from accord.models import bargaining

    (tmp_path / "accord_broken_model.py").write_text("import accord_no_such_package_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(bargaining._LOCATIONS, "median", ("accord_broken_model", "median"))
    with pytest.raises(ImportError, match="'median' could not be imported") as info:
        get_model("median")
    assert isinstance(info.value.__cause__, ModuleNotFoundError)
    assert "accord_no_such_package_xyz" in str(info.value.__cause__)
    sys.modules.pop("accord_broken_model", None)
