"""The engine's ceasefire hazard (interstate fit or civil-war alternative) and escalation events."""

from __future__ import annotations

import numpy as np
import pytest

from accord.models import durability
from accord.simulation import compile_spec, simulate_chunk, variant_design
from accord.simulation.engine import CIVIL_WAR_PARAMETERS, prepare_inputs
from accord.spec.errors import ScenarioError


@pytest.fixture(scope="module")
def design(spec):
    return variant_design(spec, "coalition-of-the-willing", 60, seed=5, method="mc")


def test_interstate_ceasefire_without_extras_holds_as_the_fit_says(compiled, spec) -> None:
    design = variant_design(spec, "baseline", 50, seed=5, method="mc")
    design["security_guarantee"] = "none"
    design["reassurance_force_k"] = 0.0
    inputs = prepare_inputs(compiled, design)
    assert np.all(inputs.ceasefire_log_hr == 0.0)
    holds = durability.p_holds(60.0, 0.0, inputs.ceasefire_shape, inputs.ceasefire_scale)
    # S(60) of a ceasefire agreement with nothing added = 1 - the drawn 5-year recurrence.
    assert np.allclose(holds, 1.0 - design["durability_p_recur_5y"].to_numpy(), rtol=1e-12)


def test_force_guarantee_and_backstop_enter_as_their_own_terms(compiled, design) -> None:
    inputs = prepare_inputs(compiled, design)
    p = inputs.params
    presence = np.minimum(inputs.reassurance_force_k / p["force_scale_thousand"], 1.0)
    expected = (
        p["log_hr_force_tripwire"] * presence
        + p["log_hr_guarantee"] * inputs.guarantee_strength
        + p["log_hr_us_backstop"] * (inputs.us_backstop & (inputs.reassurance_force_k > 0))
    )
    assert np.allclose(inputs.ceasefire_log_hr, expected, rtol=0, atol=1e-15)


def test_civil_war_alternative_is_a_scenario_choice(flagship, spec, design) -> None:
    civil = spec.model_copy(update={"durability_evidence": "civil_war"})
    compiled = compile_spec(civil, flagship, seed=7)
    inputs = prepare_inputs(compiled, design)
    p = inputs.params
    assert np.array_equal(inputs.ceasefire_shape, p["civil_war_shape"])
    assert np.array_equal(inputs.ceasefire_scale, p["civil_war_scale_months"])
    presence = np.minimum(inputs.reassurance_force_k / p["force_scale_thousand"], 1.0)
    assert np.allclose(
        inputs.ceasefire_log_hr - p["log_hr_interstate"] - p["log_hr_peacekeepers"] * presence,
        p["log_hr_guarantee"] * inputs.guarantee_strength
        + p["log_hr_us_backstop"] * (inputs.us_backstop & (inputs.reassurance_force_k > 0)),
    )
    scalars = simulate_chunk(design, 3, spec=compiled).scalars
    assert scalars["peace_holds_5y"].dropna().between(0, 1).all()


def test_civil_war_choice_needs_its_ranges(flagship, spec) -> None:
    kept = tuple(u for u in spec.uncertainties if u.name not in CIVIL_WAR_PARAMETERS)
    interstate_only = spec.model_copy(update={"uncertainties": kept})
    compile_spec(interstate_only, flagship, seed=7)  # the default needs none of them
    civil = interstate_only.model_copy(update={"durability_evidence": "civil_war"})
    with pytest.raises(ScenarioError, match="uncertainties missing"):
        compile_spec(civil, flagship, seed=7)


def test_escalation_events_at_the_fitted_rate(compiled, spec) -> None:
    """No force, at war all along: events per experiment ~ Binomial(months, 1 - exp(-rate))."""
    design = variant_design(spec, "baseline", 400, seed=9, method="mc")
    design["talks_probability"] = 1e-12  # keep every future at war (no ceasefire)
    design["war_end_hazard_scale"] = 0.0  # nor any other end of the war
    result = simulate_chunk(design, 4, spec=compiled)
    events = result.scalars["escalation_use_of_force_events"].to_numpy()
    rate = (design["escalation_base_rate"] * np.exp(design["escalation_war_effect"])).to_numpy()
    expected = 120 * -np.expm1(-rate)
    assert np.all(result.scalars["ceasefire_month"].isna())
    z = (events.sum() - expected.sum()) / np.sqrt(np.sum(expected * np.exp(-rate)))
    assert abs(z) < 4
    fatal = result.scalars["escalation_fatal_events"].to_numpy()
    assert np.all(fatal <= events)
    share = fatal.sum() / events.sum()
    assert share == pytest.approx(design["escalation_fatal_share"].mean(), abs=0.05)
