"""The flagship's simulation section: complete, sourced, and reproducible from the data."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from pydantic import ValidationError

from accord.data import load
from accord.models.durability import fit_default
from accord.scenario import shipped_path
from accord.scenario.simulation import SimulationSpec
from accord.simulation import LEVERS, PARAMETERS, compile_spec
from accord.simulation.engine import CHOICES
from accord.spec.errors import ScenarioError
from accord.spec.sourced import SourcedNumber

VARIANTS = {
    "baseline",
    "us-2024-pace",
    "europe-steps-up",
    "normalization",
    "coalition-of-the-willing",
    "europe-backfills",
}


def _raw() -> dict:
    path = shipped_path("ukraine-2025").parent / "simulation.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _figures(node, path=""):
    """Every mapping in the raw YAML that looks like a SourcedNumber (has 'value' and 'source')."""
    if isinstance(node, dict):
        if "value" in node and "source" in node:
            yield path, node
        for key, child in node.items():
            yield from _figures(child, f"{path}.{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _figures(child, f"{path}[{index}]")


def test_loads_through_the_scenario(spec) -> None:
    assert isinstance(spec, SimulationSpec)
    assert set(spec.variants) == VARIANTS
    assert spec.horizon_months == 120
    assert {u.name for u in spec.uncertainties} >= set(PARAMETERS) | set(CHOICES)
    assert {lever.name for lever in spec.levers} >= set(LEVERS)


def test_every_number_has_a_source_and_a_range() -> None:
    figures = list(_figures(_raw()))
    assert len(figures) > 100
    for path, node in figures:
        figure = SourcedNumber.model_validate(node)
        assert figure.low <= figure.value <= figure.high, path
        assert len(figure.source) > 10, path
    for uncertainty in _raw()["uncertainties"]:
        if uncertainty["distribution"] == "choice":
            assert len(uncertainty["values"]) >= 2
        else:
            assert uncertainty["low"] < uncertainty["high"]
        assert len(uncertainty["source"]) > 10
    for lever in _raw()["levers"]:
        assert len(lever["source"]) > 10
    for variant in _raw()["variants"].values():
        assert len(variant["source"]) > 10


def test_every_kiel_donor_with_its_recent_aid(spec) -> None:
    """Monthly aid = donor's share of its group's R28 total x the group's 2025 allocations / 12:
    the status quo of the data for every group, the US included (EUR 0.483 bn in 2025)."""
    kiel = load("kiel_by_donor").frame
    years = load("kiel_by_year_group").frame
    assert sorted(d.name for d in spec.donors) == sorted(kiel["donor"])
    group_total = kiel.groupby("group")["r28_total_alloc_eur_bn"].sum()
    latest = {"US": 2025, "Europe": 2025, "Other": 2025}
    for donor in spec.donors:
        row = kiel[kiel["donor"] == donor.name].iloc[0]
        assert donor.group == row["group"]
        level = years[(years["group"] == donor.group) & (years["year"] == latest[donor.group])]
        expected = (
            row["r28_total_alloc_eur_bn"]
            / group_total[donor.group]
            * level["total_allocation"].iloc[0]
            / 12
        )
        assert donor.monthly_aid_eur_bn.value == pytest.approx(expected, rel=1e-4, abs=1e-6)
        assert donor.name in donor.monthly_aid_eur_bn.source


def _kiel_pace(group: str, year: int) -> float:
    """A group's allocations in a year (Kiel R28, the shipped file) per month, EUR bn."""
    years = load("kiel_by_year_group").frame
    row = years[(years["group"] == group) & (years["year"] == year)]
    return float(row["total_allocation"].iloc[0]) / 12


def test_us_aid_lever_is_the_2025_pace_and_the_2024_counterfactual(spec) -> None:
    lever = next(lever for lever in spec.levers if lever.name == "us_aid_eur_bn_per_month")
    assert lever.default == pytest.approx(_kiel_pace("US", 2025), rel=1e-9)
    assert sorted(lever.options) == pytest.approx(
        sorted([_kiel_pace("US", 2025), _kiel_pace("US", 2024)]), rel=1e-3
    )
    assert spec.variants["baseline"].levers["us_aid_eur_bn_per_month"] == lever.default
    assert spec.variants["us-2024-pace"].levers["us_aid_eur_bn_per_month"] == pytest.approx(
        _kiel_pace("US", 2024), rel=1e-3
    )
    for name, variant in spec.variants.items():
        assert "question" in variant.description and "Assumes" in variant.description, name


def test_belligerents_and_allies_from_sipri_and_nato(spec) -> None:
    sipri = load("sipri_milex").frame
    for belligerent in spec.belligerents:
        row = sipri[(sipri["country"] == belligerent.name) & (sipri["year"] == 2024)].iloc[0]
        assert belligerent.monthly_military_spending_usd_bn.value == pytest.approx(
            row["milex_musd_current"] / 1000 / 12, rel=1e-5
        )
    nato = load("nato_defence_expenditure").frame
    us = nato[(nato["country"] == "United States") & (nato["year"] == 2024)].iloc[0]
    ally = next(a for a in spec.allies if a.group == "US")
    assert ally.defence_usd_bn.value == pytest.approx(us["def_exp_musd_current"] / 1000)


def test_durability_ranges_are_the_fortna_fit(spec) -> None:
    """The civil-war alternative's ranges are Fortna's Weibull PH fit (95 % ranges)."""
    fit = fit_default()
    table = fit.hazard_ratios().set_index("covariate")
    by_name = {u.name: u for u in spec.uncertainties}
    pk = by_name["log_hr_peacekeepers"]
    se = table.loc["pk_dum", "se"]
    assert pk.mode == pytest.approx(table.loc["pk_dum", "log_hr"], abs=1e-3)
    assert pk.low == pytest.approx(table.loc["pk_dum", "log_hr"] - 1.96 * se, abs=2e-3)
    assert pk.high == pytest.approx(table.loc["pk_dum", "log_hr"] + 1.96 * se, abs=2e-3)
    assert by_name["civil_war_shape"].mode == pytest.approx(fit.shape, abs=1e-3)
    assert by_name["civil_war_scale_months"].mode == pytest.approx(fit.scale, rel=0.01)


def test_variant_inputs_fix_or_cross_levers(spec) -> None:
    _, levers = spec.variant_inputs("coalition-of-the-willing")
    options = {lever.name: lever.options for lever in levers}
    assert options["us_backstop"] == (False, True)
    assert options["reassurance_force_k"] == (25,)
    assert all(len(o) == 1 for name, o in options.items() if name != "us_backstop")
    uncertainties, levers = spec.variant_inputs(None)
    assert len(levers) == len(spec.levers)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["variants"]["baseline"]["levers"].update(no_such_lever=1), "unknown lever"),
        (lambda d: d["variants"]["baseline"]["levers"].update(us_aid_policy="maybe"), "not in"),
        (lambda d: d["donors"].append(d["donors"][0]), "duplicate donor"),
        (lambda d: d["belligerents"].pop(), "belligerents"),
        (lambda d: d["front_start_pct"].update(value=99.0), "lies outside"),
    ],
)
def test_bad_sections_are_refused(edit, message) -> None:
    data = _raw()
    edit(data)
    with pytest.raises(ValidationError, match=message):
        SimulationSpec.model_validate(data)


def test_compile_refuses_missing_parameters_and_unknown_issues(flagship, spec) -> None:
    data = spec.model_dump()
    data["uncertainties"] = [u for u in data["uncertainties"] if u["name"] != "max_drift"]
    with pytest.raises(ScenarioError, match="max_drift"):
        compile_spec(SimulationSpec.model_validate(data))
    data = spec.model_dump()
    data["issues"][0]["id"] = "no_such_issue"
    with pytest.raises(ScenarioError, match="no_such_issue"):
        compile_spec(SimulationSpec.model_validate(data), flagship)


def test_terms_pool_sidelining_moves_terms_toward_russia(compiled) -> None:
    """Down-weighting Ukraine and the Europeans (low territory positions) raises the terms."""
    inclusive = compiled.terms_pool["inclusive"]
    sidelined = compiled.terms_pool["us_russia"]
    territory = compiled.issue_ids.index("territory")
    assert np.all(sidelined[:, territory] >= inclusive[:, territory] - 1e-9)
    assert inclusive.shape == (256, len(compiled.issue_ids))
    assert np.all((inclusive >= 0) & (inclusive <= 100))


def test_report_lists_what_each_variant_assumes_and_where_it_comes_from(flagship, spec) -> None:
    from accord.simulation.provenance import scenario_info

    notes = scenario_info(flagship, spec)["notes"]
    for name, variant in spec.variants.items():
        note = next(n for n in notes if n.startswith(f"{name}: "))
        assert variant.description in note and variant.source in note
        assert "question" in note and "Assumes" in note
