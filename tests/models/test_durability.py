"""Unit and property tests of the Weibull PH durability model."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import approx_fprime

from accord.models import durability as du

finite = st.floats(min_value=0.0, max_value=600.0)
log_hr = st.floats(min_value=-3.0, max_value=3.0)
shapes = st.floats(min_value=0.2, max_value=3.0)
scales = st.floats(min_value=1.0, max_value=2000.0)


@settings(max_examples=80, deadline=None)
@given(finite, log_hr, shapes, scales)
def test_monthly_probability_in_unit_interval(t, lhr, k, lam):
    p = du.monthly_renewal_probability(
        np.array([t]), np.array([lhr]), np.array([k]), np.array([lam])
    )
    assert np.all((p >= 0.0) & (p <= 1.0))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=240), log_hr, shapes, scales)
def test_monthly_probabilities_chain_to_survival(months, lhr, k, lam):
    """prod_{t<T} (1 - p_t) = S(T): the discrete months reproduce the continuous survival."""
    t = np.arange(months, dtype=float)
    p = du.monthly_renewal_probability(
        t, np.full(months, lhr), np.full(months, k), np.full(months, lam)
    )
    survived = np.prod(1.0 - p)
    expected = du.p_holds(months, lhr, k, lam)
    assert np.isclose(survived, expected, rtol=1e-6, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(finite, st.floats(-3, 3), st.floats(0.01, 3), shapes, scales)
def test_higher_hazard_ratio_higher_risk(t, lhr, delta, k, lam):
    low = du.monthly_renewal_probability(
        np.array([t]), np.array([lhr]), np.array([k]), np.array([lam])
    )
    high = du.monthly_renewal_probability(
        np.array([t]), np.array([lhr + delta]), np.array([k]), np.array([lam])
    )
    assert high[0] >= low[0]


def test_exponential_case_is_constant_hazard():
    t = np.arange(0, 50, dtype=float)
    p = du.monthly_renewal_probability(t, np.zeros_like(t), np.ones_like(t), np.full_like(t, 20.0))
    assert np.allclose(p, 1 - np.exp(-1 / 20.0))


def _toy_frame(seed=0, n=400):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, n).astype(float)
    z = rng.normal(size=n)
    shape, b0, bx, bz = 0.7, -4.0, -0.8, 0.4
    u = rng.uniform(size=n)
    t = (-np.log(u) / np.exp(b0 + bx * x + bz * z)) ** (1 / shape)  # months
    censor = rng.uniform(1, 600, n)
    stop = np.minimum(t, censor)
    return pd.DataFrame(
        {
            "_st": 1,
            "_t0": 0.0,
            "_t": stop * du.DAYS_PER_MONTH,
            "_d": (t <= censor).astype(float),
            "id": np.arange(n),
            "x": x,
            "z": z,
        }
    ), (b0, bx, bz, np.log(shape))


def test_recovers_simulated_parameters():
    frame, truth = _toy_frame()
    fit = du.fit_weibull_ph(frame, ["x", "z"])
    se = np.sqrt(np.diag(fit.cov))
    assert np.all(np.abs(fit.params - np.array(truth)) < 4 * se)


def test_splitting_spells_leaves_likelihood_unchanged():
    """Left truncation: splitting each spell in two rows gives the same fit (counting process)."""
    frame, _ = _toy_frame(seed=3, n=200)
    first = frame.copy()
    second = frame.copy()
    cut = frame["_t"] / 2
    first["_t"] = cut
    first["_d"] = 0.0
    second["_t0"] = cut
    split = pd.concat([first, second], ignore_index=True)
    whole = du.fit_weibull_ph(frame, ["x", "z"])
    parts = du.fit_weibull_ph(split, ["x", "z"])
    assert np.allclose(whole.params, parts.params, atol=1e-6)
    assert np.isclose(whole.log_likelihood, parts.log_likelihood)


def test_exact_derivatives_match_finite_differences():
    frame, truth = _toy_frame(seed=5, n=150)
    spells = du.prepare_spells(frame, ["x", "z"])
    point = np.array(truth) + 0.1
    grad, hess = du.score_and_hessian(point, spells)
    numeric_grad = approx_fprime(point, lambda p: du.log_likelihood(p, spells), 1e-6)
    assert np.allclose(grad, numeric_grad, rtol=1e-4, atol=1e-3)
    numeric_hess = np.array(
        [
            approx_fprime(point, lambda p, i=i: du.score_and_hessian(p, spells)[0][i], 1e-6)
            for i in range(len(point))
        ]
    )
    assert np.allclose(hess, numeric_hess, rtol=1e-4, atol=1e-3)


def test_sample_shapes_and_centre():
    frame, _ = _toy_frame(seed=7)
    fit = du.fit_weibull_ph(frame, ["x", "z"])
    draws = fit.sample(4000, np.random.default_rng(1))
    assert set(draws) == {"shape", "scale", "log_hr_x", "log_hr_z"}
    assert all(v.shape == (4000,) for v in draws.values())
    assert np.isclose(np.median(draws["log_hr_x"]), fit.coef[0], atol=0.05)
    assert np.isclose(np.median(draws["shape"]), fit.shape, rtol=0.05)


def test_first_year_monthly_probability_compounds_to_the_first_year_failure():
    import numpy as np

    from accord.models.durability import first_year_monthly_probability

    p1 = np.array([0.0, 0.2, 0.5])
    monthly = first_year_monthly_probability(p1, np.zeros(3))
    assert np.allclose(1.0 - (1.0 - monthly) ** 12, p1)
    # a hazard ratio below 1 (guarantees, a force) lowers the first-year failure
    guarded = first_year_monthly_probability(p1, np.full(3, -0.5))
    assert np.all(guarded[1:] < monthly[1:])
