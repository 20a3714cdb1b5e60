"""Adaptive levers (accord.simulation.adaptive): the rule fires exactly when its signal has
crossed the threshold for the stated months, acts from the next month, and changes nothing
where it never fires."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from accord.scenario.simulation import AdaptiveRule
from accord.simulation import compile_spec, simulate_arrays, variant_design
from accord.simulation.adaptive import AdaptiveRules
from accord.spec.errors import ScenarioError


def _rule(**changes) -> AdaptiveRule:
    data = {
        "description": "test",
        "signal": "aid_us",
        "when": "below",
        "threshold": 1.0,
        "months": 3,
        "europe_aid_factor": 1.5,
        "source": "analyst judgement: a test",
    }
    data.update(changes)
    return AdaptiveRule.model_validate(data)


def _observe(rules: AdaptiveRules, signal: list[float], name: str = "aid_us") -> None:
    for month, value in enumerate(signal):
        rules.observe({name: np.array([value]), "front": np.array([value])}, month)


def test_the_rule_fires_on_the_third_consecutive_month_below() -> None:
    design = pd.DataFrame({"adaptive_rule": ["r"]})
    rules = AdaptiveRules.from_design({"r": _rule()}, design, "none", 0.0)
    assert rules is not None
    # Below at months 1-2, back above at 3 (the count restarts), below from month 4 on.
    _observe(rules, [2.0, 0.5, 0.5, 2.0, 0.5, 0.5])
    assert np.isnan(rules.fired_month[0]) and rules.factor()[0] == 1.0
    rules.observe({"aid_us": np.array([0.5])}, 6)
    assert rules.fired_month[0] == 6.0 and rules.factor()[0] == 1.5
    rules.observe({"aid_us": np.array([5.0])}, 7)  # latched: stays in force
    assert rules.fired_month[0] == 6.0 and rules.factor()[0] == 1.5


def test_above_and_front_change_signals() -> None:
    design = pd.DataFrame({"adaptive_rule": ["up", "loss", "none"]})
    rules = AdaptiveRules.from_design(
        {
            "up": _rule(when="above", threshold=3.0, months=1),
            "loss": _rule(signal="front_change", threshold=-1.0, months=2, europe_aid_factor=1.25),
        },
        design,
        "none",
        80.0,
    )
    assert rules is not None
    for month, (aid, front) in enumerate([(2.0, 79.5), (3.5, 78.9), (2.0, 78.5)]):
        rules.observe({"aid_us": np.full(3, aid), "front": np.full(3, front)}, month)
    # "up" at month 1 (3.5 > 3); "loss" at month 2 (front - 80 below -1 at months 1 and 2).
    assert rules.fired_month[0] == 1.0 and rules.fired_month[1] == 2.0
    assert np.isnan(rules.fired_month[2])
    assert list(rules.factor()) == [1.5, 1.25, 1.0]


def test_no_rule_and_unknown_rule() -> None:
    assert AdaptiveRules.from_design({}, pd.DataFrame({"x": [1]}), "none", 0.0) is None
    with pytest.raises(ScenarioError, match="adaptive_rule"):
        AdaptiveRules.from_design({}, pd.DataFrame({"adaptive_rule": ["nope"]}), "none", 0.0)


def _paired(spec, rule: str, n: int = 8):
    """The same futures (same experiment ids) without and with ``rule``."""
    design = variant_design(spec, "europe-backfills", n, seed=11, method="mc")
    design = design[design["adaptive_rule"] == "none"].reset_index(drop=True)
    with_rule = design.copy()
    with_rule["adaptive_rule"] = rule
    return design, with_rule


def test_in_the_engine_the_rule_acts_from_the_month_after_it_fires(flagship, spec) -> None:
    compiled = compile_spec(spec, flagship, seed=3)
    without, with_rule = _paired(spec, "europe-replaces-us")
    _, series0 = simulate_arrays(compiled, without, 3)
    _, series1 = simulate_arrays(compiled, with_rule, 3)
    rule = spec.adaptive_rules["europe-replaces-us"]
    below = series0["aid_us"] < rule.threshold  # [B, T], identical in both runs until it fires
    fired = 0
    for b in range(len(without)):
        run = 0
        month = None
        for t in range(below.shape[1]):
            run = run + 1 if below[b, t] else 0
            if run >= rule.months:
                month = t
                break
        if month is None:
            np.testing.assert_array_equal(series1["aid_europe"][b], series0["aid_europe"][b])
            continue
        fired += 1
        np.testing.assert_array_equal(
            series1["aid_europe"][b, : month + 1], series0["aid_europe"][b, : month + 1]
        )
        assert series1["aid_europe"][b, month + 1] > series0["aid_europe"][b, month + 1]
    assert fired > 0  # the US stops at month 12 from its 2024 pace: the signpost is crossed


def test_a_rule_never_crossed_changes_nothing(flagship, spec) -> None:
    never = spec.model_copy(
        update={"adaptive_rules": {**spec.adaptive_rules, "never": _rule(threshold=-1.0)}}
    )  # aid is never negative
    compiled = compile_spec(never, flagship, seed=3)
    without, with_rule = _paired(never, "never")
    scalars0, series0 = simulate_arrays(compiled, without, 3)
    scalars1, series1 = simulate_arrays(compiled, with_rule, 3)
    for name in scalars0:
        np.testing.assert_array_equal(scalars1[name], scalars0[name])
    for name in series0:
        np.testing.assert_array_equal(series1[name], series0[name])


def test_the_schema_refuses_an_adaptive_lever_option_without_a_rule(spec) -> None:
    from accord.scenario.simulation import SimulationSpec

    data = spec.model_dump()
    data["adaptive_rules"] = {}
    with pytest.raises(ValueError, match="adaptive_rule"):
        SimulationSpec.model_validate(data)
