"""Invariants of the escalation-risk model."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from accord.models import escalation as esc
from accord.models.war import describe_parameters

B = 32
unit = arrays(float, B, elements=st.floats(0, 1))
troops = arrays(float, B, elements=st.floats(0, 500))
rates = st.floats(1e-6, 0.5)


def params(**override):
    values = {
        "base_rate": 0.002,
        "war_effect": 1.0,
        "force_coefficient": 1.0,
        "force_scale_thousand": 10.0,
        "proximity_effect": 1.0,
        "war_force_interaction": 1.0,
        "backstop_deterrence": 0.5,
    }
    values.update(override)
    return values


@settings(max_examples=80, deadline=None)
@given(unit, troops, unit, unit, rates, st.floats(0, 2), st.floats(0, 3), st.floats(0, 0.99))
def test_probability_in_unit_interval(war, force, near, backstop, base, we, fc, bd):
    p = esc.escalation_probability(
        war,
        force,
        near,
        backstop,
        **params(base_rate=base, war_effect=we, force_coefficient=fc, backstop_deterrence=bd),
    )
    assert p.shape == (B,)
    assert np.all((p >= 0) & (p <= 1))


@settings(max_examples=80, deadline=None)
@given(unit, troops, troops, unit, unit, rates, st.floats(0, 3))
def test_monotone_in_deployed_force(war, t1, t2, near, backstop, base, fc):
    few, many = np.minimum(t1, t2), np.maximum(t1, t2)
    kw = params(base_rate=base, force_coefficient=fc)
    low = esc.escalation_probability(war, few, near, backstop, **kw)
    high = esc.escalation_probability(war, many, near, backstop, **kw)
    assert np.all(high >= low)


@settings(max_examples=100, deadline=None)
@given(unit, unit, unit, rates)
def test_zero_force_equals_base_rate(war, near, backstop, base):
    p = esc.escalation_probability(
        np.zeros(B), np.zeros(B), near, backstop, **params(base_rate=base)
    )
    assert np.allclose(p, base, rtol=1e-12)
    # At war with no force: the base rate shifted by the war effect only.
    p_war = esc.escalation_probability(
        np.ones(B), np.zeros(B), near, backstop, **params(base_rate=base)
    )
    odds = base / (1 - base) * np.exp(1.0)
    assert np.allclose(p_war, odds / (1 + odds), rtol=1e-12)


def test_proximity_and_backstop_directions():
    force = np.full(3, 20.0)
    near = esc.escalation_probability(0.0, force, 1.0, 0.0)
    far = esc.escalation_probability(0.0, force, 0.0, 0.0)
    backed = esc.escalation_probability(0.0, force, 1.0, 1.0)
    assert np.all(near > far) and np.all(backed < near)


def test_events_follow_probability():
    rng = np.random.default_rng(0)
    p = np.full(200_000, 0.03)
    events = esc.escalation_events(p, rng.uniform(size=p.shape))
    assert events.mean() == pytest.approx(0.03, abs=4 * np.sqrt(0.03 * 0.97 / p.size))


def test_every_parameter_has_range_and_source():
    rows = describe_parameters(esc.EscalationParameters)
    assert {r["name"] for r in rows} == set(params())
    for row in rows:
        assert row["low"] <= row["default"] <= row["high"], row
        assert "analyst judgement" in row["source"]
