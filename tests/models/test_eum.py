"""Properties of the expected utility model (Bueno de Mesquita 1994; Scholz et al. 2011)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from accord.models.bargaining.base import weighted_median
from accord.models.bargaining.eum import eum, round_summary
from accord.models.bargaining.eum_round import win_probabilities
from accord.models.bargaining.eum_votes import positive_votes

# The compiled kernel where numba is installed ("auto" plays small games in numpy).
COMPILED = "numba" if importlib.util.find_spec("numba") else "auto"

ROUNDS = 4
VARIANTS = [
    {},
    {"capitulation": False},
    {"compromise_choice": "least_move"},
    {"probability_norm": "dyad"},
    {"q": 0.5, "t": 1.0},
    {"q": 0.0, "t": 0.3},
]


@st.composite
def games(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Small batches; positions on a coarse grid half of the time so that ties occur."""
    n_draws = draw(st.integers(1, 3))
    n_actors = draw(st.integers(1, 7))
    n_issues = draw(st.integers(1, 2))
    unit = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)
    coarse = draw(st.booleans())
    place = st.integers(0, 10).map(lambda v: 10.0 * v) if coarse else st.floats(0.0, 100.0)
    capability = draw(arrays(float, (n_draws, n_actors), elements=unit))
    position = draw(arrays(float, (n_draws, n_actors, n_issues), elements=place))
    salience = draw(arrays(float, (n_draws, n_actors, n_issues), elements=unit))
    return capability, position, salience


variants = st.sampled_from(VARIANTS)


@settings(max_examples=40, deadline=None)
@given(games(), variants, st.randoms(use_true_random=False))
def test_reordering_actors_changes_nothing(game, options, random) -> None:
    capability, position, salience = game
    order = np.arange(capability.shape[1])
    random.shuffle(order)
    result = eum(capability, position, salience, rounds=ROUNDS, **options)
    shuffled = eum(
        capability[:, order], position[:, order], salience[:, order], rounds=ROUNDS, **options
    )
    np.testing.assert_allclose(shuffled.history, result.history[:, :, order], atol=1e-9)
    np.testing.assert_allclose(shuffled.forecast, result.forecast, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(games(), variants)
def test_positions_stay_in_the_initial_hull(game, options) -> None:
    capability, position, salience = game
    result = eum(capability, position, salience, rounds=ROUNDS, **options)
    low = position.min(axis=1)[:, None, None, :]
    high = position.max(axis=1)[:, None, None, :]
    assert result.history is not None
    assert np.all(result.history >= low) and np.all(result.history <= high)
    assert np.all(result.forecast >= low[:, 0, 0]) and np.all(result.forecast <= high[:, 0, 0])


@settings(max_examples=30, deadline=None)
@given(games(), variants)
def test_batch_equals_draws_stacked(game, options) -> None:
    capability, position, salience = game
    batch = eum(capability, position, salience, rounds=ROUNDS, **options)
    for b in range(capability.shape[0]):
        for k in range(position.shape[2]):
            one = eum(
                capability[b : b + 1],
                position[b : b + 1, :, k : k + 1],
                salience[b : b + 1, :, k : k + 1],
                rounds=ROUNDS,
                **options,
            )
            np.testing.assert_allclose(batch.history[b, :, :, k], one.history[0, :, :, 0])
            np.testing.assert_allclose(batch.forecast[b, k], one.forecast[0, 0])


@settings(max_examples=30, deadline=None)
@given(games())
def test_result_shapes_round_zero_and_forecast(game) -> None:
    capability, position, salience = game
    result = eum(capability, position, salience, rounds=3, stopping="none")
    n_draws, n_actors, n_issues = position.shape
    assert result.history is not None and result.rounds is not None
    assert result.history.shape == (n_draws, 4, n_actors, n_issues)
    assert result.forecast.shape == (n_draws, n_issues)
    assert np.array_equal(result.rounds, np.full(n_draws, 3))
    assert np.array_equal(result.history[:, 0], position)
    weight = capability[:, :, None] * salience
    np.testing.assert_array_equal(
        result.forecast, weighted_median(result.history[:, -1], weight, axis=1)
    )


def test_round_summary_is_median_and_weighted_mean() -> None:
    capability = np.array([[1.0, 2.0, 1.0]])
    salience = np.array([[[1.0], [0.5], [0.5]]])
    history = np.array([[[[0.0], [50.0], [100.0]], [[10.0], [20.0], [30.0]]]])
    median, mean = round_summary(capability, salience, history)
    # weights c*s = 1, 1, 0.5 (total 2.5): the median is where half the weight is reached.
    np.testing.assert_allclose(median[0, :, 0], [50.0, 20.0])
    np.testing.assert_allclose(mean[0, :, 0], [(0 + 50 + 50) / 2.5, (10 + 20 + 15) / 2.5])


def test_nothing_moves_without_disagreement() -> None:
    position = np.full((2, 4, 3), 40.0)
    result = eum(np.ones((2, 4)), position, np.full((2, 4, 3), 0.7), rounds=5)
    assert np.all(result.history == 40.0) and np.all(result.forecast == 40.0)


def test_single_actor_keeps_its_position() -> None:
    result = eum(np.ones((1, 1)), np.full((1, 1, 2), 30.0), np.ones((1, 1, 2)), rounds=2)
    assert np.all(result.history == 30.0)


def test_wider_position_range_is_accepted_and_narrower_rejected() -> None:
    rng = np.random.default_rng(3)
    capability = rng.uniform(size=(2, 5))
    position = rng.uniform(20, 80, size=(2, 5, 1))
    salience = rng.uniform(size=(2, 5, 1))
    result = eum(capability, position, salience, rounds=3, position_range=100.0)
    assert np.all(np.isfinite(result.history))
    with pytest.raises(ValueError, match="position_range"):
        eum(capability, position, salience, rounds=3, position_range=1.0)


def test_bad_arguments_are_rejected() -> None:
    c, x, s = np.ones((1, 2)), np.zeros((1, 2, 1)), np.ones((1, 2, 1))
    with pytest.raises(ValueError):
        eum(c, x, s, q=1.5)
    with pytest.raises(ValueError):
        eum(c, x, s, rounds=-1)
    with pytest.raises(ValueError):
        eum(c, x[0], s)


def direct_win_probabilities(position, weight, exponent, scale, norm):
    """Scholz et al. (2011) eqs. 30-31 summed voter by voter, pair by pair (the definition)."""
    n_games, n_actors = position.shape
    result = np.zeros((n_games, n_actors, n_actors))
    for g in range(n_games):
        felt = np.abs(position[g][:, None] - position[g][None, :]) / scale[g]
        felt = felt ** exponent[g][:, None]  # [voter k, actor]
        votes = weight[g][:, None, None] * (felt[:, None, :] - felt[:, :, None])  # [k, a, b]
        positive = np.maximum(votes, 0).sum(axis=0)
        total = np.abs(votes).sum(axis=0) if norm == "dyad" else np.abs(votes).sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            result[g] = np.where(total > 0, positive / total, 0.0)
    return result


@settings(max_examples=40, deadline=None)
@given(games(), st.sampled_from(["all_pairs", "dyad"]))
def test_win_probabilities_equal_the_definition(game, norm) -> None:
    capability, position, salience = game
    x = position[:, :, 0]
    weight = capability * salience[:, :, 0]
    exponent = 0.5 + 1.5 * salience[:, ::-1, 0]
    scale = np.maximum(np.ptp(x, axis=1), 1.0)
    computed = win_probabilities(x, weight, exponent, scale, norm)
    np.testing.assert_allclose(
        computed, direct_win_probabilities(x, weight, exponent, scale, norm), atol=1e-12
    )
    # The compiled kernel (used when numba is installed) and the numpy loop sum alike. Their
    # `pow` may differ in the last bit (libm vs numpy's own), and a vote is a difference of two
    # powers in [0, 1] times a weight: so each of the N votes in a sum may be off by a few ulp
    # of the weight, which is relative error without bound when the two powers nearly cancel.
    ulp_bound = 4 * x.shape[1] * np.finfo(float).eps * weight.max()
    np.testing.assert_allclose(
        positive_votes(x, weight, exponent, scale, engine=COMPILED),
        positive_votes(x, weight, exponent, scale, engine="numpy"),
        rtol=1e-14,
        atol=ulp_bound,
    )
