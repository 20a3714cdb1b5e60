"""The vectorisable ``exp`` and ``log`` of ``accord.models.vecmath`` against ``math``'s.

Both are held to 1 ulp of libm (``math``, itself within about half an ulp of the exact value)
over all their range, on dense random samples and on hypothesis' choice of floats, and to
libm's special values.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from accord.models.vecmath import exp, log

ULPS = 1.0


@njit(cache=True, error_model="numpy")
def _exp_all(x, out):  # a loop as the kernel's: vectorised by LLVM
    for i in range(x.shape[0]):
        out[i] = exp(x[i])


@njit(cache=True, error_model="numpy")
def _log_all(x, out):
    for i in range(x.shape[0]):
        out[i] = log(x[i])


def _apply(function, x):
    x = np.ascontiguousarray(x, dtype=float)
    out = np.empty_like(x)
    function(x, out)
    return out


def ulps(got, expected):
    """``|got - expected|`` in units of the last place of ``expected`` (of the smallest
    subnormal where it is 0)."""
    spacing = np.spacing(np.abs(expected))
    return np.abs(got - expected) / spacing


def test_exp_is_within_one_ulp_of_libm() -> None:
    rng = np.random.default_rng(0)
    x = np.concatenate(
        [
            rng.uniform(-745.2, 709.7, 200_000),
            rng.uniform(-1.0, 1.0, 200_000),
            rng.uniform(-10.0, 0.0, 200_000),  # r log b in the round: b in (0, 1], r in [0.5, 2]
            rng.uniform(-745.2, -708.0, 20_000),  # subnormal results
            np.arange(-1075, 1024) * math.log(2.0),  # the ends of the reduced ranges
        ]
    )
    expected = np.array([math.exp(v) if v < 709.78 else math.inf for v in x])
    got = _apply(_exp_all, x)
    finite = np.isfinite(expected)
    assert ulps(got[finite], expected[finite]).max() <= ULPS
    np.testing.assert_array_equal(got[~finite], expected[~finite])


def test_log_is_within_one_ulp_of_libm() -> None:
    rng = np.random.default_rng(1)
    x = np.concatenate(
        [
            np.exp(rng.uniform(-744.0, 709.0, 200_000)),
            rng.uniform(0.0, 1.0, 200_000),  # the distances and bases of the round
            1.0 + rng.uniform(-1e-6, 1e-6, 100_000),  # near 1, where log is near 0
            rng.uniform(0.0, 2.0**-1022, 20_000),  # subnormal arguments
            np.sqrt(0.5) + rng.uniform(-1e-12, 1e-12, 10_000),  # the reduction's switch
            np.sqrt(2.0) + rng.uniform(-1e-12, 1e-12, 10_000),
        ]
    )
    x = x[x > 0]
    got = _apply(_log_all, x)
    expected = np.log(x)
    assert ulps(got, expected).max() <= ULPS
    assert np.all(got[x == 1.0] == 0.0)


@settings(max_examples=400, deadline=None)
@given(st.floats(min_value=-745.0, max_value=709.0))
def test_exp_of_any_float(x) -> None:
    assert ulps(_apply(_exp_all, [x]), np.array([math.exp(x)]))[0] <= ULPS


@settings(max_examples=400, deadline=None)
@given(st.floats(min_value=0.0, exclude_min=True, allow_infinity=False))
def test_log_of_any_float(x) -> None:
    assert ulps(_apply(_log_all, [x]), np.array([math.log(x)]))[0] <= ULPS


def test_special_values_are_libm_s() -> None:
    inf, nan = math.inf, math.nan
    got = _apply(_exp_all, [-inf, inf, nan, 0.0, -0.0, -800.0, 800.0])
    np.testing.assert_array_equal(got, [0.0, inf, nan, 1.0, 1.0, 0.0, inf])
    got = _apply(_log_all, [0.0, -0.0, inf, nan, -1.0, -inf, 5e-324, 1.0])
    np.testing.assert_array_equal(got[:6], [-inf, -inf, inf, nan, nan, nan])
    assert got[6] == math.log(5e-324) and got[7] == 0.0
