"""Invariants of the public-support model."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from accord.models import opinion as op
from accord.models.war import describe_parameters

shape = (16, 3)
levels = arrays(float, shape, elements=st.floats(0, 100))


@settings(max_examples=100, deadline=None)
@given(levels, levels, st.floats(0, 1))
def test_step_moves_toward_target_without_overshoot(support, target, rate):
    new = op.step_support(support, target, rate)
    low, high = np.minimum(support, target), np.maximum(support, target)
    assert np.all((new >= low - 1e-9) & (new <= high + 1e-9))
    assert np.all(np.abs(new - target) <= np.abs(support - target) + 1e-9)


@settings(max_examples=50, deadline=None)
@given(levels, st.floats(0.01, 1))
def test_repeated_steps_converge_to_a_fixed_target(support, rate):
    target = np.full(shape, 42.0)
    for _ in range(2000):
        support = op.step_support(support, target, rate)
    assert np.allclose(support, 42.0, atol=1e-6)


@settings(max_examples=100, deadline=None)
@given(
    arrays(float, shape, elements=st.floats(0, 100)),
    arrays(float, shape, elements=st.floats(-10, 10)),
    arrays(float, shape, elements=st.floats(-10, 10)),
    st.floats(0, 5),
    st.floats(0, 5),
)
def test_target_in_range_and_monotone(baseline, cost, progress, cs, ps):
    target = op.support_target(baseline, cost, progress, cs, ps)
    assert np.all((target >= 0) & (target <= 100))
    assert np.all(op.support_target(baseline, cost + 1, progress, cs, ps) <= target)
    assert np.all(op.support_target(baseline, cost, progress + 1, cs, ps) >= target)


@settings(max_examples=100, deadline=None)
@given(levels, st.floats(30, 70), st.floats(0, 10))
def test_aid_multiplier_in_unit_interval_and_monotone(support, threshold, width):
    m = op.aid_multiplier(support, threshold, width)
    assert np.all((m >= 0) & (m <= 1))
    assert np.all(op.aid_multiplier(support + 1, threshold, width) >= m)


def test_hard_threshold():
    m = op.aid_multiplier(np.array([49.9, 50.0, 80.0]), 50.0, 0.0)
    assert m.tolist() == [0.0, 1.0, 1.0]
    assert op.aid_multiplier(np.array([50.0]), 50.0, 3.0)[0] == pytest.approx(0.5)


def test_batch_parameters_broadcast():
    support = np.full((4, 2), 60.0)
    rate = np.array([0.0, 0.1, 0.5, 1.0])[:, None]
    new = op.step_support(support, np.full((4, 2), 40.0), rate)
    assert np.allclose(new[:, 0], [60.0, 58.0, 50.0, 40.0])


@pytest.mark.parametrize(
    "text, month",
    [
        ("2022-03 (shortly after invasion)", 0),
        ("2023-11-27/12-03", 20),
        ("2022-23 winter", 10),
        ("2022 (spring; report May 2022)", 1),
        ("2024 (just before Nov election)", 31),
        ("2025 (early; after Nov-2024 election)", 35),
        ("2025-03-26/04-22", 36),
    ],
)
def test_fieldwork_dates(text, month):
    assert op.fieldwork_month(text) == month


def test_unreadable_date_raises():
    with pytest.raises(ValueError):
        op.fieldwork_month("sometime")


def test_every_parameter_has_a_source():
    for row in describe_parameters(op.OpinionParameters):
        assert row["source"]
