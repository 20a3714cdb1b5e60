"""Designs: Latin hypercube / Monte Carlo samples, inverse CDFs, full factorial levers."""

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from accord.experiments import Lever, Uncertainty, design_fingerprint, inverse_cdf, make_design

UNIT = [Uncertainty(name=f"u{i}", low=0, high=1, source="test") for i in range(3)]
LEVERS = [
    Lever(name="force", options=[0, 10, 20], source="test"),
    Lever(name="backstop", options=[False, True], default=True, source="test"),
]


@pytest.mark.parametrize("method", ["lhs", "mc"])
def test_same_seed_same_bits(method):
    first = make_design(UNIT, LEVERS, 40, method=method, seed=7)
    second = make_design(UNIT, LEVERS, 40, method=method, seed=7)
    pd.testing.assert_frame_equal(first, second)
    assert design_fingerprint(first) == design_fingerprint(second)
    other = make_design(UNIT, LEVERS, 40, method=method, seed=8)
    assert design_fingerprint(other) != design_fingerprint(first)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 200), st.integers(0, 2**32 - 1))
def test_latin_hypercube_has_one_point_per_stratum(n, seed):
    design = make_design(UNIT, [], n, method="lhs", seed=seed)
    for column in ("u0", "u1", "u2"):
        strata = np.floor(design[column].to_numpy() * n).astype(int)
        assert sorted(strata) == list(range(n))


def test_monte_carlo_is_uniform():
    design = make_design(UNIT[:1], [], 4000, method="mc", seed=3)
    assert stats.kstest(design["u0"], "uniform").pvalue > 0.001


def test_triangular_inverse_cdf_matches_closed_form():
    low, mode, high = 2.0, 3.0, 7.0
    uncertainty = Uncertainty(
        name="t", distribution="triangular", low=low, high=high, mode=mode, source="test"
    )
    unit = np.linspace(0, 0.999, 101)
    split = (mode - low) / (high - low)
    closed_form = np.where(
        unit < split,
        low + np.sqrt(unit * (high - low) * (mode - low)),
        high - np.sqrt((1 - unit) * (high - low) * (high - mode)),
    )
    np.testing.assert_allclose(inverse_cdf(uncertainty, unit), closed_form, rtol=1e-12)


def test_truncated_normal_and_lognormal_invert_their_cdf():
    unit = np.linspace(0.001, 0.999, 99)
    normal = Uncertainty(name="n", distribution="normal", low=0, high=10, mode=4, source="test")
    values = inverse_cdf(normal, unit)
    spread = 10 / 4
    phi = stats.norm.cdf
    cdf = (phi((values - 4) / spread) - phi(-4 / spread)) / (phi(6 / spread) - phi(-4 / spread))
    np.testing.assert_allclose(cdf, unit, atol=1e-9)

    lognormal = Uncertainty(name="l", distribution="lognormal", low=0.5, high=8, source="test")
    values = inverse_cdf(lognormal, unit)
    log_low, log_high = np.log(0.5), np.log(8)
    centre, spread = (log_low + log_high) / 2, (log_high - log_low) / 4
    z = (np.log(values) - centre) / spread
    cdf = (phi(z) - phi(-2)) / (phi(2) - phi(-2))
    np.testing.assert_allclose(cdf, unit, atol=1e-9)
    assert np.isclose(inverse_cdf(lognormal, np.array([0.5]))[0], 2.0)  # median sqrt(0.5 * 8)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["uniform", "triangular", "normal", "lognormal"]),
    st.floats(0.01, 100),
    st.floats(0.01, 100),
    st.floats(0, 1),
    st.integers(0, 1000),
)
def test_values_stay_within_the_range(distribution, low, width, where, seed):
    high = low + width
    uncertainty = Uncertainty(
        name="x",
        distribution=distribution,
        low=low,
        high=high,
        mode=low + where * width,
        source="test",
    )
    values = make_design([uncertainty], [], 64, method="mc", seed=seed)["x"].to_numpy()
    assert np.all((values >= low) & (values <= high))


def test_choice_is_balanced_under_latin_hypercube():
    choice = Uncertainty(name="c", distribution="choice", values=["a", "b", "c"], source="test")
    counts = make_design([choice], [], 30, seed=1)["c"].value_counts()
    assert counts.to_dict() == {"a": 10, "b": 10, "c": 10}


def test_full_factorial_crosses_every_point_with_every_lever_combination():
    design = make_design(UNIT, LEVERS, 5, seed=2)
    assert list(design.columns) == ["experiment", "u0", "u1", "u2", "force", "backstop"]
    assert design["experiment"].tolist() == list(range(5 * 6))
    expected = set(itertools.product([0, 10, 20], [False, True]))
    for _, point in design.groupby(["u0", "u1", "u2"]):
        assert len(point) == 6
        assert set(zip(point["force"], point["backstop"], strict=True)) == expected
    assert design[["u0", "u1", "u2"]].drop_duplicates().shape[0] == 5


def test_fixed_levers_and_defaults():
    fixed = make_design(UNIT, LEVERS, 5, seed=2, fixed_levers={"force": 20})
    assert len(fixed) == 10 and set(fixed["force"]) == {20}
    assert set(fixed["backstop"]) == {False, True}
    defaults = make_design(UNIT, LEVERS, 5, seed=2, full_factorial_levers=False)
    assert len(defaults) == 5 and set(defaults["force"]) == {0}
    assert set(defaults["backstop"]) == {True}
    # the same seed gives the same uncertainty draws whatever the levers
    np.testing.assert_array_equal(fixed["u0"].to_numpy()[::2], defaults["u0"].to_numpy())
    with pytest.raises(ValueError, match="unknown levers"):
        make_design(UNIT, LEVERS, 5, seed=2, fixed_levers={"nope": 1})
    with pytest.raises(ValueError, match="not one of"):
        make_design(UNIT, LEVERS, 5, seed=2, fixed_levers={"force": 15})


def test_bad_designs_are_refused():
    with pytest.raises(ValueError):
        make_design(UNIT, LEVERS, 0, seed=1)
    with pytest.raises(ValueError):
        make_design(UNIT + UNIT[:1], [], 3, seed=1)
    with pytest.raises(ValueError):
        make_design(UNIT, [], 3, seed=1, method="halton")
