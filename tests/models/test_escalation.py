"""Invariants of the escalation model, and its defaults against the MID fit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from accord.fits import escalation as fit_escalation
from accord.models import escalation as esc
from accord.models.war import describe_parameters

B = 32
unit = arrays(float, B, elements=st.floats(0, 1))
troops = arrays(float, B, elements=st.floats(0, 500))
rates = st.floats(1e-6, 0.5)
effects = st.floats(-2, 3)


@settings(max_examples=80, deadline=None)
@given(unit, troops, unit, rates, effects, effects, st.floats(0, 0.99))
def test_probability_in_unit_interval(war, force, backstop, base, we, fe, bd):
    rate = esc.escalation_rate(
        war, force, backstop, base_rate=base, war_effect=we, force_effect=fe, backstop_deterrence=bd
    )
    p = esc.event_probability(rate)
    assert p.shape == (B,)
    assert np.all(rate >= 0) and np.all((p >= 0) & (p <= 1))


@settings(max_examples=80, deadline=None)
@given(unit, troops, troops, unit, rates, st.floats(0, 3))
def test_monotone_in_deployed_force_when_the_effect_is_positive(war, t1, t2, backstop, base, fe):
    few, many = np.minimum(t1, t2), np.maximum(t1, t2)
    low = esc.escalation_rate(war, few, backstop, base_rate=base, force_effect=fe)
    high = esc.escalation_rate(war, many, backstop, base_rate=base, force_effect=fe)
    assert np.all(high >= low)


@settings(max_examples=100, deadline=None)
@given(unit, rates, effects)
def test_zero_force_is_the_base_rate_shifted_by_the_war(backstop, base, we):
    rate = esc.escalation_rate(np.zeros(B), np.zeros(B), backstop, base_rate=base, war_effect=we)
    assert np.allclose(rate, base, rtol=1e-12)
    at_war = esc.escalation_rate(np.ones(B), np.zeros(B), backstop, base_rate=base, war_effect=we)
    assert np.allclose(at_war, base * np.exp(we), rtol=1e-12)


def test_force_saturates_and_backstop_damps():
    full = esc.escalation_rate(
        0.0,
        np.array([10.0, 50.0]),
        0.0,
        force_scale_thousand=10.0,
        force_effect=0.5,
        base_rate=0.03,
    )
    assert np.allclose(full, 0.03 * np.exp(0.5))
    backed = esc.escalation_rate(
        0.0,
        10.0,
        1.0,
        force_scale_thousand=10.0,
        force_effect=0.5,
        backstop_deterrence=0.4,
        base_rate=0.03,
    )
    assert backed == pytest.approx(0.03 * np.exp(0.5 * 0.6))


def test_events_and_fatal_events_follow_their_probabilities():
    rng = np.random.default_rng(0)
    p = np.full(200_000, 0.03)
    u = rng.uniform(size=p.shape)
    events = esc.escalation_events(p, u)
    fatal = esc.fatal_events(p, 0.2, u)
    tol = 4 * np.sqrt(0.03 * 0.97 / p.size)
    assert events.mean() == pytest.approx(0.03, abs=tol)
    assert fatal.mean() == pytest.approx(0.006, abs=tol)
    assert np.all(events[fatal])  # a fatal event is a use-of-force event


def test_poisson_probability_matches_counts():
    rng = np.random.default_rng(1)
    rate = 0.05
    assert esc.event_probability(rate) == pytest.approx(
        np.mean(rng.poisson(rate, 400_000) >= 1), abs=0.002
    )


def test_every_parameter_has_a_source():
    rows = describe_parameters(esc.EscalationParameters)
    assert {r["name"] for r in rows} == {
        "base_rate",
        "war_effect",
        "force_effect",
        "force_scale_thousand",
        "backstop_deterrence",
        "fatal_share",
    }
    for row in rows:
        assert "analyst judgement" in row["source"] or "fit escalation" in row["source"]


def test_defaults_are_the_fit():
    result = fit_escalation.fit()
    rate = result.estimate("rate_use_of_force_post_cold_war")
    assert (esc.DEFAULTS.base_rate, *_bounds("base_rate")) == pytest.approx(
        (rate.value / 12, rate.low / 12, rate.high / 12), abs=5e-4
    )
    for name, estimate in (
        ("war_effect", "log_rr_use_of_force_war_in_ukraine_2014_vs_post_cold_war"),
        ("force_effect", "log_rr_use_of_force_cold_war_vs_post_cold_war"),
        ("fatal_share", "fatal_share_of_use_of_force"),
    ):
        e = result.estimate(estimate)
        assert (getattr(esc.DEFAULTS, name), *_bounds(name)) == pytest.approx(
            (e.value, e.low, e.high), abs=5e-3
        )


def _bounds(name):
    """The range the simulation draws the parameter from: the scenario's (the one place)."""
    from accord.scenario import load_scenario

    spec = load_scenario("ukraine-2025").simulation
    uncertainty = next(u for u in spec.uncertainties if u.name == f"escalation_{name}")
    return uncertainty.low, uncertainty.high
