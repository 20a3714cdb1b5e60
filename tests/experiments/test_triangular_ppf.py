"""One triangular inverse CDF (accord.spec.sourced.triangular_ppf) for the designs and
for a scenario's own draws."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from accord.spec.sourced import triangular_ppf


@pytest.mark.parametrize(
    ("low", "mode", "high"), [(0.0, 0.3, 1.0), (2.0, 2.0, 5.0), (2.0, 5.0, 5.0), (-1.0, 0.0, 3.0)]
)
def test_it_is_scipys_triangular_inverse_cdf(low: float, mode: float, high: float) -> None:
    u = np.random.default_rng(0).random(5000)
    expected = stats.triang.ppf(u, (mode - low) / (high - low), loc=low, scale=high - low)
    np.testing.assert_allclose(triangular_ppf(u, low, mode, high), expected, rtol=1e-12)


def test_vectorised_over_quantities_and_a_point_range_gives_the_point() -> None:
    u = np.random.default_rng(1).random((4000, 2))
    values = triangular_ppf(u, np.array([0.0, 3.0]), np.array([1.0, 3.0]), np.array([4.0, 3.0]))
    assert np.all(values[:, 1] == 3.0)
    # Mean of a triangular distribution: (low + mode + high) / 3 = 5/3.
    assert abs(values[:, 0].mean() - 5.0 / 3.0) < 4 * values[:, 0].std() / np.sqrt(4000)
