"""Every scenario range that comes from `accord fit durability`, `escalation` or `opinion` names
its fit and output in the source, and equals that output (value, 95 % interval)."""

import re

import pytest

from accord.fits import run_fit
from accord.models.durability import DurabilityParameters
from accord.models.war import describe_parameters
from accord.scenario import load_scenario

FITS = ("durability", "escalation", "opinion")
PATTERN = re.compile(
    r"^fit (?P<fit>[\w-]+) \(accord fit (?P=fit)\): (?P<output>\w+)"
    r"(?P<monthly> / 12)?, 95 % interval"
)


@pytest.fixture(scope="module")
def uncertainties():
    return {u.name: u for u in load_scenario("ukraine-2025").simulation.uncertainties}


@pytest.fixture(scope="module")
def results():
    return {name: run_fit(name) for name in FITS}


@pytest.mark.slow
def test_fitted_ranges_equal_the_fit(uncertainties, results):
    checked = []
    for name, uncertainty in uncertainties.items():
        match = PATTERN.match(uncertainty.source)
        if not match:
            assert not any(f"fit {fit} " in uncertainty.source[:20] for fit in FITS), (
                f"{name}: a fitted range must say 'fit NAME (accord fit NAME): OUTPUT, 95 % "
                "interval'"
            )
            continue
        estimate = results[match["fit"]].estimate(match["output"])
        scale = 1 / 12 if match["monthly"] else 1.0
        expected = [x * scale for x in (estimate.value, estimate.low, estimate.high)]
        got = [uncertainty.mode, uncertainty.low, uncertainty.high]
        assert got == pytest.approx(expected, rel=0.01, abs=2e-3), name
        checked.append(name)
    assert {
        "durability_shape",
        "durability_p_recur_5y",
        "log_hr_guarantee",
        "escalation_base_rate",
        "escalation_war_effect",
        "escalation_force_effect",
        "escalation_fatal_share",
        "support_adjustment_rate",
    } <= set(checked)


def test_civil_war_interstate_shift_agrees_with_the_docs(uncertainties):
    """Docs and scenario give log_hr_interstate the range -1.5 to 0 (the scenario is the one
    place for ranges); the model's default lies in it."""
    row = next(
        r for r in describe_parameters(DurabilityParameters) if r["name"] == "log_hr_interstate"
    )
    shift = uncertainties["log_hr_interstate"]
    assert (shift.low, shift.high) == (-1.5, 0.0)
    assert shift.low <= row["default"] <= shift.high


def test_no_peacekeeping_coefficient_for_the_european_force(uncertainties):
    """The European force enters as a tripwire with its own sourced range, not as UN
    peacekeeping; the peacekeeper coefficient only serves the civil-war alternative."""
    tripwire = uncertainties["log_hr_force_tripwire"]
    assert "tripwire" in tripwire.source and "not UN peacekeeping" in tripwire.source
    assert "civil_war" in uncertainties["log_hr_peacekeepers"].source
