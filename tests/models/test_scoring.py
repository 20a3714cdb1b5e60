"""Tests of the forecast scores: absolute error, hit rate, CRPS."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.stats import norm

from accord.models.bargaining.scoring import absolute_error, crps, hit_rate


def test_absolute_error_and_hit_rate():
    forecast = np.array([[10.0, 50.0, 95.0], [0.0, 61.0, 80.0]])
    observed = np.array([20.0, 50.0, 70.0])
    np.testing.assert_array_equal(absolute_error(forecast, observed), [[10, 0, 25], [20, 11, 10]])
    assert hit_rate(forecast, observed) == pytest.approx(3 / 6)  # |error| <= 10 counts
    np.testing.assert_allclose(hit_rate(forecast, observed, axis=0), [0.5, 0.5, 0.5])
    np.testing.assert_allclose(hit_rate(forecast, observed, within=20, axis=1), [2 / 3, 1.0])
    with pytest.raises(ValueError):
        hit_rate(forecast, observed, within=-1)


def test_crps_of_a_point_mass_is_the_absolute_error():
    samples = np.full((50, 3), 40.0)
    np.testing.assert_allclose(crps(samples, [40.0, 55.0, 10.0]), [0.0, 15.0, 30.0])


def test_crps_of_normal_samples_matches_the_closed_form():
    """Gneiting & Raftery (2007), eq. 5: CRPS(N(mu, sigma^2), y) =
    sigma (z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)), z = (y - mu) / sigma.

    The samples are the B mid-quantiles of the normal. The CRPS is the integrated squared
    distance between the forecast CDF and the outcome's step, so replacing Phi by the
    empirical CDF F_B moves it by at most 2 int |F_B - Phi| = 2 W1(F_B, Phi) (computed below,
    about 1e-4 sigma for B = 20000). The fair version differs from the plain one by
    E_B|X - X'| / (2 (B - 1)) more."""
    b = 20_000
    quantiles = norm.ppf((np.arange(b) + 0.5) / b)
    grid = np.linspace(-9.0, 9.0, 1_000_001)
    empirical = np.searchsorted(quantiles, grid, side="right") / b
    w1 = np.trapezoid(np.abs(empirical - norm.cdf(grid)), grid)
    assert w1 < 2e-4

    mu, sigma = np.array([50.0, 30.0, 70.0]), np.array([10.0, 5.0, 20.0])
    samples = mu + sigma * quantiles[:, None]
    y = np.array([50.0, 41.0, 20.0])
    z = (y - mu) / sigma
    exact = sigma * (z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / np.sqrt(np.pi))
    assert np.all(np.abs(crps(samples, y) - exact) <= 2 * w1 * sigma)
    # E_B|X - X'| = 2 int F_B (1 - F_B) is within 2 W1 sigma of the normal's 2 sigma / sqrt(pi)
    sample_gap = 2 * sigma / np.sqrt(np.pi) + 2 * w1 * sigma
    fair_bound = 2 * w1 * sigma + sample_gap / (2 * (b - 1))
    assert np.all(np.abs(crps(samples, y, fair=True) - exact) <= fair_bound)


def integrated_crps(samples, y):
    """int (F_B(z) - 1{z >= y})^2 dz, exactly, for the empirical CDF of 1-D samples."""
    points = np.sort(np.append(samples, y))
    total = 0.0
    for left, right in zip(points[:-1], points[1:], strict=True):
        cdf = np.mean(samples <= left)  # F_B is constant on [left, right)
        step = 1.0 if left >= y else 0.0
        total += (cdf - step) ** 2 * (right - left)
    return total


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(
        float, st.tuples(st.integers(1, 30), st.integers(1, 3)), elements=st.floats(0.0, 100.0)
    ),
    st.data(),
)
def test_crps_energy_form_equals_the_integral_of_the_empirical_cdf(samples, data):
    observed = np.array(
        data.draw(
            st.lists(st.floats(0.0, 100.0), min_size=samples.shape[1], max_size=samples.shape[1])
        )
    )
    got = crps(samples, observed)
    assert got.shape == (samples.shape[1],) and np.all(got >= -1e-9)
    for k in range(samples.shape[1]):
        assert got[k] == pytest.approx(integrated_crps(samples[:, k], observed[k]), abs=1e-9)


def test_crps_fair_version_and_errors():
    samples = np.array([[0.0], [10.0]])
    # mean |X - y| = 5 for y = 5; pair sum of |X - X'| = 20
    np.testing.assert_allclose(crps(samples, [5.0]), [5.0 - 20.0 / 8.0])
    np.testing.assert_allclose(crps(samples, [5.0], fair=True), [5.0 - 20.0 / 4.0])
    with pytest.raises(ValueError):
        crps(np.empty((0, 2)), [1.0, 2.0])
    with pytest.raises(ValueError):
        crps(np.ones((1, 2)), [1.0, 2.0], fair=True)
