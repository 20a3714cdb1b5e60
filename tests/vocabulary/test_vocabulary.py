"""One vocabulary: one sourced-number type, one outcome registry (units as the engine's), one
list each of models, executors and series, one place for each engine parameter's range."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from accord.spec.sourced import SourcedNumber


def test_one_sourced_number_type_under_one_name() -> None:
    from accord.experiments.spec import Uncertainty
    from accord.scenario import burden, schema, simulation
    from accord.spec.base import SpecModel

    # The aliases (Quantity, Figure, Sourced, SourcedRange) and the empty Frozen bases are gone.
    for module, names in (
        (schema, ("Quantity", "Frozen")),
        (simulation, ("Figure", "_Frozen")),
        (burden, ("Sourced", "SourcedRange", "_Frozen")),
    ):
        for name in names:
            assert not hasattr(module, name), f"{module.__name__}.{name}"
    assert schema.Actor.model_fields["capability"].annotation is SourcedNumber
    assert issubclass(schema.Scenario, SpecModel) and issubclass(burden.BurdenSpec, SpecModel)
    assert issubclass(Uncertainty, SourcedNumber)


@pytest.mark.parametrize(
    ("given", "kind", "value"),
    [
        ({"value": 3.0}, "constant", 3.0),
        ({"constant": 3.0}, "constant", 3.0),
        ({"value": 3.0, "distribution": "fixed"}, "constant", 3.0),
        ({"low": 1.0, "high": 5.0}, "uniform", 3.0),
        ({"value": 2.0, "low": 1.0, "high": 5.0}, "triangular", 2.0),
        ({"low": 1.0, "high": 4.0, "distribution": "lognormal"}, "lognormal", 2.0),
        ({"low": 1.0, "high": 5.0, "distribution": "normal"}, "normal", 3.0),
    ],
)
def test_forms_of_a_sourced_number(given: dict, kind: str, value: float) -> None:
    number = SourcedNumber(source="analyst judgement: test", **given)
    assert number.kind == kind and number.value == pytest.approx(value)
    assert number.point == number.value
    again = SourcedNumber.model_validate(number.model_dump())
    assert again == number


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"low": 5.0, "high": 1.0}, "above"),
        ({"value": 9.0, "low": 1.0, "high": 5.0}, "outside"),
        ({"low": 1.0}, "both"),
        ({"distribution": "uniform", "value": 1.0}, "needs 'low' and 'high'"),
        ({"constant": 1.0, "value": 2.0}, "not both"),
        ({"low": -1.0, "high": 1.0, "distribution": "lognormal"}, "low > 0"),
        ({"value": float("nan")}, "finite"),
    ],
)
def test_bad_sourced_numbers_are_refused(given: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SourcedNumber(source="analyst judgement: test", **given)


def test_a_scenario_number_must_be_drawable_by_the_scenario() -> None:
    from accord.scenario.schema import Actor

    with pytest.raises(ValidationError, match="not supported here"):
        Actor(
            id="a",
            name="A",
            capability={
                "low": 1,
                "high": 2,
                "distribution": "normal",
                "source": "analyst judgement: test",
            },
        )


def test_a_constant_pins_an_uncertainty_and_leaves_the_others_draws_alone() -> None:
    from accord.experiments.design import make_design
    from accord.experiments.spec import Uncertainty

    a = Uncertainty(name="a", low=0, high=1, source="s")
    b = Uncertainty(name="b", low=10, high=20, source="s")
    pinned = Uncertainty(name="b", constant=12.5, source="s")
    free = make_design([a, b], [], 50, seed=4)
    fixed = make_design([a, pinned], [], 50, seed=4)
    assert (fixed["b"] == 12.5).all()
    pd.testing.assert_series_equal(free["a"], fixed["a"])


def test_the_engine_reads_a_pinned_parameter_from_the_scenario() -> None:
    import accord
    from accord.experiments.spec import Uncertainty
    from accord.simulation import compile_spec, variant_design

    scenario = accord.load("ukraine-2025")
    spec = scenario.simulation
    uncertainties = tuple(
        Uncertainty(name=u.name, constant=0.2, source="analyst judgement: test")
        if u.name == "front_volatility"
        else u
        for u in spec.uncertainties
    )
    pinned = spec.model_copy(update={"uncertainties": uncertainties})
    design = variant_design(pinned, "baseline", 20, seed=1)
    assert (design["front_volatility"] == 0.2).all()
    compiled = compile_spec(pinned, scenario, seed=1)
    assert compiled.defaults["front_volatility"] == 0.2


def test_engine_parameter_ranges_live_in_the_scenario_only() -> None:
    """The models keep a default and its meaning; the range an experiment draws from is the
    scenario's (front_volatility was 0.05-1.0 in the war model and 0.05-0.5 in the scenario)."""
    from accord.models import durability, escalation, opinion, war

    for parameters in (
        war.WarParameters,
        opinion.OpinionParameters,
        durability.DurabilityParameters,
        escalation.EscalationParameters,
    ):
        for field in dataclasses.fields(parameters):
            assert "low" not in field.metadata and "high" not in field.metadata, (
                parameters.__name__,
                field.name,
            )


def test_one_list_of_models_executors_and_series() -> None:
    from accord.experiments.executors import EXECUTORS
    from accord.models.bargaining import MODEL_NAMES, MODELS
    from accord.report.html import FAN_VARIABLES
    from accord.simulation import SERIES as ENGINE_SERIES
    from accord.spec.outcomes import SERIES
    from accord.workflows.forecast_draws import DEFAULT_MODELS

    assert DEFAULT_MODELS == MODEL_NAMES == tuple(MODELS)
    assert tuple(ENGINE_SERIES) == tuple(SERIES) == tuple(FAN_VARIABLES)
    from typer.testing import CliRunner

    from accord.cli import app

    helps = {
        command: CliRunner().invoke(app, [command, "--help"]).output
        for command in ("run", "forecast")
    }
    for name in EXECUTORS:
        assert name in helps["run"]
    for name in MODEL_NAMES:
        assert name in helps["forecast"]


def test_units_match_the_engine() -> None:
    """Aid in EUR (the engine's donors are in EUR bn), defence spending in US$ (the allies'
    figures are in US$ bn): the registry says so, and so does the report."""
    import accord
    from accord.simulation import compile_spec, variant_design
    from accord.simulation.engine import initial_state, prepare_inputs
    from accord.spec.outcomes import describe

    scenario = accord.load("ukraine-2025")
    spec = scenario.simulation
    assert all(hasattr(a, "defence_usd_bn") for a in spec.allies)
    assert all(hasattr(d, "monthly_aid_eur_bn") for d in spec.donors)
    compiled = compile_spec(spec, scenario, seed=1)
    state = initial_state(
        compiled, prepare_inputs(compiled, variant_design(spec, "baseline", 2, seed=1))
    )
    europe = sum(a.defence_usd_bn.value for a in spec.allies if a.group == "Europe")
    np.testing.assert_allclose(state.europe_defence, europe)
    assert describe("europe_defence_spending")["unit"] == "US$ bn per year"
    for name in ("aid_us", "aid_europe"):
        assert describe(name)["unit"] == "EUR bn per month"
    for name in ("aid_total_us", "aid_total_europe", "aid_total_other"):
        assert describe(name)["unit"] == "EUR bn"


@pytest.mark.slow
def test_the_report_prints_the_registry_units(tmp_path) -> None:
    import accord

    study = accord.simulate("ukraine-2025", "baseline", experiments=12, seed=2)
    html = study.report(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "US$ bn per year" in html
    assert "EUR bn per year" not in html
    assert study.run().meta["outcomes"][0] == {
        "name": "ceasefire_month",
        "label": "Month of ceasefire",
        "unit": "months from start",
        "kind": "month",
    }
