"""The burden-sharing equilibrium: best responses hold (KKT), no ally gains by deviating,
calibration reproduces the observed year, results do not depend on order or batch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.models.burden import (
    best_response,
    calibrate_alpha,
    calibrate_alpha_with_threat,
    counterfactual,
    exploitation_test,
    nash_equilibrium,
    utility,
)

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def games(draw: st.DrawFn, max_allies: int = 12, batch: int = 4) -> dict[str, np.ndarray]:
    """A batch of random games: incomes over 4 orders of magnitude, weights, spill-ins,
    floors (some zero), publicness theta in [0, 1]."""
    n = draw(st.integers(1, max_allies))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    income = np.exp(rng.uniform(0, 9, (batch, n)))
    alpha = rng.uniform(0.0, 1.0, (batch, n)) ** draw(st.sampled_from([1.0, 3.0]))
    theta = rng.uniform(0, 1, batch)
    theta[0] = draw(st.sampled_from([0.0, 1.0, 0.5]))
    spill = rng.uniform(0, 1, (batch, n)) if draw(st.booleans()) else np.ones((batch, n))
    floor = income * rng.uniform(0, 0.1, (batch, n)) * (rng.random((batch, n)) < 0.4)
    return {"income": income, "alpha": alpha, "theta": theta, "spill_in": spill, "floor": floor}


def _others(m: np.ndarray, spill: np.ndarray) -> np.ndarray:
    weighted = spill * m
    return weighted.sum(axis=-1, keepdims=True) - weighted


@SETTINGS
@given(games())
def test_best_responses_hold_at_equilibrium(game: dict[str, np.ndarray]) -> None:
    m = nash_equilibrium(
        game["income"], game["alpha"], game["theta"], spill_in=game["spill_in"], floor=game["floor"]
    )
    x = _others(m, game["spill_in"])
    br = best_response(game["income"], game["alpha"], game["theta"], x, game["floor"])
    scale = game["income"].max(axis=-1, keepdims=True)
    np.testing.assert_allclose(m, br, rtol=0, atol=1e-9 * scale.max())
    # KKT: feasibility, and the first-order condition holds with equality off the floor.
    assert np.all(m >= game["floor"] - 1e-12) and np.all(m <= game["income"])
    a, y, t = game["alpha"], game["income"], game["theta"][:, None]
    interior = m > game["floor"] + 1e-9 * scale
    gap = m - (a * y - (1 - a) * t * x)
    assert np.all(np.abs(gap[interior]) <= 1e-8 * scale.max())
    assert np.all(gap[~interior] >= -1e-8 * scale.max())


@SETTINGS
@given(games(max_allies=8, batch=2), st.integers(0, 10_000))
def test_no_ally_gains_by_deviating(game: dict[str, np.ndarray], seed: int) -> None:
    y, a, t, s, f = (game[k] for k in ("income", "alpha", "theta", "spill_in", "floor"))
    m = nash_equilibrium(y, a, t, spill_in=s, floor=f)
    u_star = utility(m, y, a, t, s)
    rng = np.random.default_rng(seed)
    for i in range(y.shape[1]):
        for _ in range(5):
            deviation = m.copy()
            deviation[:, i] = f[:, i] + rng.uniform(0, 0.999, y.shape[0]) * (y[:, i] - f[:, i])
            u_dev = utility(deviation, y, a, t, s)
            assert np.all(u_dev[:, i] <= u_star[:, i] * (1 + 1e-9) + 1e-12)


@SETTINGS
@given(games())
def test_calibration_round_trip(game: dict[str, np.ndarray]) -> None:
    rng = np.random.default_rng(int(game["income"][0, 0] * 1000) % 2**32)
    y = game["income"]
    observed = y * rng.uniform(0.0, 0.2, y.shape) * (rng.random(y.shape) < 0.9)
    alpha = calibrate_alpha(observed, y, game["theta"], spill_in=game["spill_in"])
    assert np.all((alpha >= 0) & (alpha <= 1))
    m = nash_equilibrium(y, alpha, game["theta"], spill_in=game["spill_in"])
    np.testing.assert_allclose(m, observed, rtol=1e-7, atol=1e-9 * y.max())
    # The threat shift with zero rise is the calibration itself.
    same = calibrate_alpha_with_threat(observed, y, game["theta"], 0.0, spill_in=game["spill_in"])
    np.testing.assert_allclose(same, alpha)


@SETTINGS
@given(games(), st.integers(0, 1000))
def test_permutation_invariance(game: dict[str, np.ndarray], seed: int) -> None:
    order = np.random.default_rng(seed).permutation(game["income"].shape[1])
    m = nash_equilibrium(
        game["income"], game["alpha"], game["theta"], spill_in=game["spill_in"], floor=game["floor"]
    )
    permuted = nash_equilibrium(
        game["income"][:, order],
        game["alpha"][:, order],
        game["theta"],
        spill_in=game["spill_in"][:, order],
        floor=game["floor"][:, order],
    )
    np.testing.assert_allclose(permuted, m[:, order], rtol=1e-9, atol=1e-9)


@SETTINGS
@given(games())
def test_batch_rows_are_independent(game: dict[str, np.ndarray]) -> None:
    m = nash_equilibrium(
        game["income"], game["alpha"], game["theta"], spill_in=game["spill_in"], floor=game["floor"]
    )
    for b in range(m.shape[0]):
        one = nash_equilibrium(
            game["income"][b],
            game["alpha"][b],
            game["theta"][b],
            spill_in=game["spill_in"][b],
            floor=game["floor"][b],
        )
        np.testing.assert_allclose(one, m[b], rtol=1e-12, atol=1e-12)


def test_symmetric_pure_public_good_closed_form() -> None:
    # N identical allies, theta = 1: m = a y / (1 + (N - 1)(1 - a)) (from m = a y - (1-a)(N-1) m).
    for n in (1, 2, 5, 32):
        y, a = 100.0, 0.3
        m = nash_equilibrium(np.full((1, n), y), np.full((1, n), a), 1.0)
        np.testing.assert_allclose(m, a * y / (1 + (n - 1) * (1 - a)))


def test_small_ally_free_rides_completely() -> None:
    # Olson & Zeckhauser: y = (100, 10), a = 0.2, theta = 1. The large ally spends 20, which
    # is above the small ally's whole demand (0.2 * 10 = 2): the small ally spends nothing.
    m = nash_equilibrium(np.array([[100.0, 10.0]]), np.full((1, 2), 0.2), 1.0)
    np.testing.assert_allclose(m, [[20.0, 0.0]])


def test_no_publicness_means_independent_choices() -> None:
    rng = np.random.default_rng(1)
    y, a = rng.uniform(1, 100, (3, 6)), rng.uniform(0, 0.5, (3, 6))
    floor = 0.2 * y
    m = nash_equilibrium(y, a, 0.0, floor=floor)
    np.testing.assert_allclose(m, np.maximum(floor, a * y))


def test_fixed_spending_and_floors() -> None:
    rng = np.random.default_rng(2)
    y, a = rng.uniform(1, 100, (5, 7)), rng.uniform(0, 0.5, (5, 7))
    fixed = np.full((5, 7), np.nan)
    fixed[:, 0] = 0.0
    fixed[:, 3] = 0.5 * y[:, 3]
    floor = 0.05 * y
    m = nash_equilibrium(y, a, 0.7, floor=floor, fixed=fixed)
    np.testing.assert_allclose(m[:, 0], 0.0)
    np.testing.assert_allclose(m[:, 3], 0.5 * y[:, 3])
    free = [1, 2, 4, 5, 6]
    x = _others(m, np.ones_like(m))
    np.testing.assert_allclose(m[:, free], best_response(y, a, 0.7, x, floor)[:, free], atol=1e-9)
    with pytest.raises(ValueError, match="floor exceeds"):
        nash_equilibrium(y, a, 0.7, floor=2 * y)


def test_counterfactual_without_levers_returns_the_observed_year() -> None:
    rng = np.random.default_rng(3)
    y = rng.uniform(10, 1000, (4, 9))
    observed = y * rng.uniform(0.01, 0.05, y.shape)
    np.testing.assert_allclose(counterfactual(y, observed, rng.uniform(0, 1, 4)), observed)


def test_a_leaver_a_zero_spill_in_and_a_zero_spender_look_alike_to_the_others() -> None:
    # Once ally 0's spending no longer reaches the others, their game no longer involves it:
    # cutting its spill-in to zero, removing it, or fixing its spending at zero agree.
    rng = np.random.default_rng(4)
    y = rng.uniform(10, 1000, (3, 8))
    observed = y * rng.uniform(0.01, 0.05, y.shape)
    theta = np.array([0.3, 0.7, 1.0])
    spill = np.ones(8)
    spill[0] = 0.0
    present = np.ones(8, bool)
    present[0] = False
    fixed = np.full(8, np.nan)
    fixed[0] = 0.0
    a = counterfactual(y, observed, theta, spill_in=spill)[:, 1:]
    b = counterfactual(y, observed, theta, present=present)[:, 1:]
    c = counterfactual(y, observed, theta, fixed=fixed)[:, 1:]
    np.testing.assert_allclose(a, b, rtol=1e-9)
    np.testing.assert_allclose(a, c, rtol=1e-9)
    assert np.isnan(counterfactual(y, observed, theta, present=present)[:, 0]).all()


def test_threat_rise_raises_own_demand_at_given_allied_spending() -> None:
    rng = np.random.default_rng(5)
    y = rng.uniform(10, 1000, (2, 5))
    observed = y * rng.uniform(0.01, 0.05, y.shape)
    theta = np.array([0.5, 1.0])
    alpha = calibrate_alpha_with_threat(observed, y, theta, 0.25)
    x = _others(observed, np.ones_like(observed))
    np.testing.assert_allclose(best_response(y, alpha, theta, x), 1.25 * observed)


def test_exploitation_test_on_monotone_data() -> None:
    result = exploitation_test([1, 2, 3, 4, 5], [0.1, 0.2, 0.3, 0.5, 0.9])
    assert result.n == 5 and result.spearman_rho == pytest.approx(1.0)
    assert result.kendall_tau == pytest.approx(1.0) and result.spearman_p < 0.05
    dropped = exploitation_test([1, 2, np.nan, 4], [4, 3, 2, 1])
    assert dropped.n == 3 and dropped.spearman_rho == pytest.approx(-1.0)
