"""The coupled engine: determinism, chunk independence, invariants, and model couplings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.models import war
from accord.simulation import SERIES, scalar_names, simulate_chunk, variant_design
from accord.simulation.engine import prepare_inputs
from accord.simulation.step import EUROPE, US

MONTHS = 120


def _run(compiled, design, seed):
    return simulate_chunk(design, seed, spec=compiled)


@pytest.fixture(scope="module")
def design(spec):
    frames = []
    for name in spec.variants:
        frame = variant_design(spec, name, 40, seed=3, method="mc")
        frames.append(frame)
    design = pd.concat(frames, ignore_index=True)
    design["experiment"] = np.arange(len(design))
    return design


@pytest.fixture(scope="module")
def result(compiled, design):
    return _run(compiled, design, 11)


def test_outputs_have_the_contract_columns(result, compiled, design) -> None:
    assert list(result.scalars.columns) == ["experiment", *scalar_names(compiled.issue_ids)]
    assert list(result.series.columns) == ["experiment", "month", *SERIES]
    assert len(result.scalars) == len(design)
    assert len(result.series) == len(design) * MONTHS


def test_same_seed_same_bits_and_other_seed_differs(compiled, design, result) -> None:
    again = _run(compiled, design, 11)
    pd.testing.assert_frame_equal(result.scalars, again.scalars, check_exact=True)
    pd.testing.assert_frame_equal(result.series, again.series, check_exact=True)
    other = _run(compiled, design, 12)
    assert not other.series["front"].equals(result.series["front"])


@pytest.mark.parametrize(("chunk", "rows"), [(1, 24), (7, 160), (64, 160)])
def test_chunk_size_does_not_change_a_bit(compiled, design, result, chunk, rows) -> None:
    parts = [
        _run(compiled, design.iloc[i : min(i + chunk, rows)], 11) for i in range(0, rows, chunk)
    ]
    scalars = pd.concat([p.scalars for p in parts], ignore_index=True)
    series = pd.concat([p.series for p in parts], ignore_index=True)
    expected_series = result.series[result.series["experiment"] < rows]
    pd.testing.assert_frame_equal(scalars, result.scalars.iloc[:rows], check_exact=True)
    pd.testing.assert_frame_equal(series, expected_series, check_exact=True)


def _check_invariants(scalars: pd.DataFrame, series: pd.DataFrame, issue_ids) -> None:
    at_war = series["at_war"].to_numpy()
    assert set(np.unique(at_war)) <= {0.0, 1.0}
    for name in ("escalation_risk",):
        assert series[name].between(0, 1).all()
    for name in ("aid_us", "aid_europe", "europe_defence_spending"):
        assert (series[name] >= 0).all()
    for name in ("support_us", "support_europe", "front"):
        assert series[name].between(0, 100).all()
    for name in (
        "aid_total_us",
        "aid_total_europe",
        "aid_total_other",
        "escalation_use_of_force_events",
        "escalation_fatal_events",
    ):
        assert (scalars[name] >= 0).all()
    assert (scalars["escalation_fatal_events"] <= scalars["escalation_use_of_force_events"]).all()
    assert scalars["peace_holds_5y"].between(0, 1).all()  # defined for every future
    assert scalars["peace_holds_5y_given_ceasefire"].dropna().between(0, 1).all()

    war_matrix = at_war.reshape(len(scalars), MONTHS)
    peace_months = (war_matrix == 0).sum(axis=1)
    np.testing.assert_array_equal(scalars["months_of_peace"].to_numpy(), peace_months)
    ceasefire = scalars["ceasefire_month"].to_numpy()
    had = ~np.isnan(ceasefire)
    end_month = scalars["war_end_month"].to_numpy()
    end_type = scalars["war_end_type"].to_numpy()
    ended = ~np.isnan(end_month)
    # The war ends (by any means) exactly in the futures with months of peace, first in the
    # month the at-war series first shows peace; a ceasefire is one way to end.
    assert np.all(ended == (peace_months > 0))
    first_peace = np.argmax(war_matrix == 0, axis=1)
    np.testing.assert_array_equal(first_peace[ended], end_month[ended])
    assert np.all(peace_months[ended] <= MONTHS - end_month[ended])
    assert set(np.unique(end_type)) <= set(range(len(war.WAR_END_TYPES)))
    assert np.all((end_type == war.ONGOING) == ~ended)
    assert np.all(had[end_type == war.CEASEFIRE])
    np.testing.assert_array_equal(
        end_month[end_type == war.CEASEFIRE], ceasefire[end_type == war.CEASEFIRE]
    )
    assert np.all(end_month[had] <= ceasefire[had])
    given = scalars["peace_holds_5y_given_ceasefire"].to_numpy()
    assert np.all(np.isnan(given) == ~had)
    holds = scalars["peace_holds_5y"].to_numpy()
    np.testing.assert_array_equal(holds[had], given[had])
    assert np.all(holds[~had] == 0.0)
    renewed = scalars["war_renewed_month"].to_numpy()
    assert np.all(np.isnan(renewed[~had]))
    both = had & ~np.isnan(renewed)
    assert np.all(renewed[both] > ceasefire[both])
    for issue in issue_ids:
        terms = scalars[f"terms_{issue}"].to_numpy()
        assert np.all(np.isnan(terms) == ~had)
        assert np.all((terms[had] >= 0) & (terms[had] <= 100))


def test_invariants_on_every_variant(result, compiled) -> None:
    _check_invariants(result.scalars, result.series, compiled.issue_ids)


@pytest.mark.parametrize("horizon", [1, 12, 24, 60])
def test_ceasefire_within_m_months_counts_the_first_m_series_months(result, horizon) -> None:
    from accord.analysis import probability_ceasefire_within

    # The series' month 0 is the start month: an end of the war "within m months" is one in
    # the series rows 0..m-1, i.e. a future that is at peace in one of its first m months; a
    # ceasefire is one of the ways to end, counted the same way.
    at_war = result.series.sort_values(["experiment", "month"])["at_war"].to_numpy()
    first_months = at_war.reshape(len(result.scalars), MONTHS)[:, :horizon]
    by_series = float(np.mean((first_months == 0).any(axis=1)))
    by_scalar = probability_ceasefire_within(result.scalars["war_end_month"], horizon)
    assert by_scalar == by_series
    ceasefire = probability_ceasefire_within(result.scalars["ceasefire_month"], horizon)
    ended_by_ceasefire = (result.scalars["war_end_type"] == war.CEASEFIRE) & (
        result.scalars["war_end_month"] < horizon
    )
    assert float(ended_by_ceasefire.mean()) <= ceasefire <= by_series


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**31 - 1), data=st.data())
def test_invariants_hold_for_any_seed_and_levers(compiled, spec, seed, data) -> None:
    design = variant_design(spec, "baseline", 12, seed=seed, method="mc")
    for lever in spec.levers:  # any mix of lever options, row by row
        design[lever.name] = pd.Series(
            data.draw(st.lists(st.sampled_from(lever.options), min_size=12, max_size=12)),
            dtype=object,
        )
    design["experiment"] = np.arange(len(design)) + data.draw(st.integers(0, 10**6))
    out = _run(compiled, design, seed)
    _check_invariants(out.scalars, out.series, compiled.issue_ids)


def test_calibration_start_drift_and_recent_aid(compiled, spec) -> None:
    """At the start, with recent aid, the front drifts at drift_start; aid is the observed one."""
    design = variant_design(spec, "baseline", 25, seed=5)
    inputs = prepare_inputs(compiled, design)
    p = inputs.params
    start_u = (
        inputs.capacity_ukraine_own
        + inputs.aid_baseline_group.sum() * compiled.usd_per_eur * p["aid_effectiveness"]
    )
    drift = war.front_drift(
        start_u, inputs.capacity_russia_start, p["decisiveness"], p["max_drift"]
    )
    np.testing.assert_allclose(drift, p["drift_start"], atol=1e-9)
    # With the US in and no step-up, the burden equilibrium is the observed aid.
    np.testing.assert_allclose(
        inputs.aid_with_us,
        np.broadcast_to(inputs.aid_baseline_group, inputs.aid_with_us.shape),
        rtol=1e-9,
    )


def _kiel_year(group: str, year: int) -> float:
    from accord.data import load

    years = load("kiel_by_year_group").frame
    row = years[(years["group"] == group) & (years["year"] == year)]
    return float(row["total_allocation"].iloc[0])


def test_baseline_us_aid_over_the_horizon_is_the_2025_pace(compiled, spec) -> None:
    """The baseline is the status quo of the data: US aid at its 2025 pace (Kiel R28: EUR
    0.483 bn in the year, against 46.44 bn in 2024), Europe at its own 2025 pace."""
    design = variant_design(spec, "baseline", 40, seed=6)
    inputs = prepare_inputs(compiled, design)
    years = MONTHS / 12
    planned_us = inputs.aid_with_us[:, US] * MONTHS  # planned US aid over the horizon
    np.testing.assert_allclose(planned_us, _kiel_year("US", 2025) * years, rtol=1e-9)
    # Europe's donors are written to six decimals in the YAML: their sum rounds to 1e-7.
    np.testing.assert_allclose(
        inputs.aid_with_us[:, EUROPE] * 12, _kiel_year("Europe", 2025), rtol=1e-6
    )
    out = _run(compiled, design, 5)
    realised = out.scalars["aid_total_us"].to_numpy()
    # Realised aid is the plan cut by public support and by peace (aid after a ceasefire).
    assert np.all(realised <= planned_us + 1e-9)
    assert np.median(realised) > 0.5 * _kiel_year("US", 2025) * years
    # The 2024 pace is the counterfactual variant, about 96 times as much.
    counter = prepare_inputs(compiled, variant_design(spec, "us-2024-pace", 40, seed=6))
    np.testing.assert_allclose(counter.aid_with_us[:, US] * 12, _kiel_year("US", 2024), rtol=1e-3)


@pytest.fixture(scope="module")
def estimated(flagship, spec):
    """The shipped scenario with the estimated demand model asked for explicitly."""
    from accord.simulation.engine import compile_spec

    return compile_spec(spec.model_copy(update={"defence_model": "estimated"}), flagship, seed=7)


def test_the_engine_uses_the_verdict_tables_defence_model(compiled, spec) -> None:
    """Issue 20: the shipped scenario asks for the chosen model; under persistence a backseat
    US moves no European ally, and a floor binds."""
    from accord.fits.burden_backtest import chosen_face_model

    assert spec.defence_model == "chosen"
    assert compiled.defence_model == chosen_face_model()
    # The shipped verdict table chooses persistence (tests/fits/test_burden_verdict.py).
    assert compiled.defence_model == "persistence"
    full = variant_design(spec, "us-2024-pace", 10, seed=9, method="mc").assign(
        defence_floor_pct=0.0
    )
    rows = pd.concat(
        [full, full.assign(us_security_role="backseat"), full.assign(defence_floor_pct=3.5)],
        ignore_index=True,
    )
    targets = prepare_inputs(compiled, rows).europe_defence_target
    europe = compiled.ally_group == EUROPE
    base = compiled.ally_defence[europe]
    np.testing.assert_allclose(targets[:20], base.sum(), rtol=1e-12)
    floored = np.maximum(base, 0.035 * compiled.ally_gdp[europe]).sum()
    np.testing.assert_allclose(targets[20:], floored, rtol=1e-12)
    assert floored > base.sum()


def test_europe_replaces_part_of_us_aid_and_defence(estimated, spec) -> None:
    """Public-good logic (Olson & Zeckhauser 1966): when the US leaves, Europe gives more."""
    full = variant_design(spec, "us-2024-pace", 30, seed=9, method="mc")
    backseat_rows = full.assign(us_security_role="backseat", europe_aid_step_up=1.5)
    design = pd.concat([full, backseat_rows], ignore_index=True)
    design["experiment"] = np.tile(np.arange(30), 2)  # same futures, same demand draws
    inputs = prepare_inputs(estimated, design)
    assert np.all(inputs.aid_without_us[:, EUROPE] >= inputs.aid_with_us[:, EUROPE] - 1e-12)
    assert np.all(inputs.aid_without_us[:, US] == 0)
    gap = inputs.aid_with_us.sum(axis=1) - inputs.aid_without_us.sum(axis=1)
    assert np.all(gap > 0)  # Europe replaces only part of the US's aid in equilibrium
    # Same futures: a backseat US (less spill-in to Europe) moves European defence spending
    # as the estimated spill-in elasticity of each experiment's draw says (burden-demand):
    # down where allies match the spill-in (gamma > 0), up where they free-ride (gamma < 0).
    targets = inputs.europe_defence_target
    gamma = estimated.demand_pool[np.arange(30) % estimated.demand_pool.shape[0], 2]
    moved = np.sign(targets[30:] - targets[:30])
    assert np.all(moved == -np.sign(gamma))


def test_reassurance_force_and_backstop_make_peace_last(compiled, spec) -> None:
    """Same futures with and without a US backstop behind the 25,000-strong force."""
    design = variant_design(spec, "coalition-of-the-willing", 30, seed=4)
    inputs = prepare_inputs(compiled, design)
    backstop = design["us_backstop"].to_numpy().astype(bool)
    # Rows alternate per design point: (False, True) for each sample of the uncertainties.
    assert np.all(inputs.ceasefire_log_hr[backstop] <= inputs.ceasefire_log_hr[~backstop])
    baseline = prepare_inputs(compiled, variant_design(spec, "baseline", 30, seed=4))
    assert np.all(inputs.ceasefire_log_hr[~backstop] <= baseline.ceasefire_log_hr)


def test_us_aid_stop_removes_us_aid(compiled, spec) -> None:
    design = variant_design(spec, "baseline", 20, seed=2)
    stopped = design.copy()
    stopped["us_aid_policy"] = "stop"
    stopped["us_aid_change_month"] = 3
    base = _run(compiled, design, 1)
    cut = _run(compiled, stopped, 1)
    months = cut.series["month"].to_numpy()
    assert (cut.series["aid_us"].to_numpy()[months >= 3] == 0).all()
    assert (cut.scalars["aid_total_us"] < base.scalars["aid_total_us"]).all()


def test_missing_design_columns_take_defaults(compiled) -> None:
    design = pd.DataFrame({"experiment": np.arange(5)})
    out = _run(compiled, design, 3)
    assert len(out.scalars) == 5


def _one_month(compiled, design, base_territory=None):
    """Run the first month by hand with talks certain; return the state after it."""
    from dataclasses import replace

    from accord.simulation.engine import initial_state
    from accord.simulation.step import step

    inputs = prepare_inputs(compiled, design)
    terms = np.full(inputs.base_terms.shape, 50.0)
    if base_territory is not None:
        terms[:, inputs.territory_index] = base_territory
    inputs = replace(inputs, base_terms=terms)
    state = initial_state(compiled, inputs)
    size = len(design)
    new_state, _ = step(
        state,
        inputs,
        0,
        np.zeros((size, 3)),
        np.zeros((size, 3)),
        usd_per_eur=compiled.usd_per_eur,
        end_uniform=np.ones(size),
    )
    return inputs, new_state


def test_the_accepted_terms_are_the_reported_terms(compiled, spec) -> None:
    design = variant_design(spec, "baseline", 200, seed=5, method="mc")
    design["talks_probability"] = 1.0
    design["credible_commitment_required"] = False
    # Terms that give Ukraine everything are accepted only where Russia expects nothing from
    # fighting on; terms near the line of contact far more often: acceptance reads the terms.
    _, generous = _one_month(compiled, design, base_territory=-1000.0)
    inputs, state = _one_month(compiled, design, base_territory=70.0)
    settled = ~np.isnan(state.ceasefire_month)
    assert settled.sum() > 2 * (~np.isnan(generous.ceasefire_month)).sum()
    k = inputs.territory_index
    expected = np.clip(
        70.0 + inputs.terms_front_shift[k] * (state.front - inputs.front_start), 0.0, 100.0
    )
    np.testing.assert_allclose(state.terms_at_ceasefire[settled, k], expected[settled])


def test_a_hard_commitment_problem_does_not_rule_out_an_end(compiled, spec) -> None:
    design = variant_design(spec, "baseline", 300, seed=9, method="mc")
    design["credible_commitment_required"] = True
    design["experiment"] = np.arange(len(design))
    out = _run(compiled, design, 4).scalars
    ended = out["war_end_type"] != war.ONGOING
    assert ended.mean() > 0.5
    # Without the record's hazard a non-credible deal still ends the fighting: a freeze.
    design["war_end_hazard_scale"] = 0.0
    out = _run(compiled, design, 4).scalars
    assert (out["war_end_type"] == war.FREEZE).any()
    assert not (out["war_end_type"].isin([war.DECISION, war.COLLAPSE])).any()


def test_ends_without_agreement_follow_the_fitted_hazard(compiled, spec) -> None:
    design = variant_design(spec, "baseline", 400, seed=2, method="mc")
    design["experiment"] = np.arange(len(design))
    design["talks_probability"] = 0.0
    design["war_end_hazard_scale"] = 0.0
    out = _run(compiled, design, 3).scalars
    assert (out["war_end_type"] == war.ONGOING).all()
    design["war_end_hazard_scale"] = 1.0
    out = _run(compiled, design, 3).scalars
    assert not (out["war_end_type"] == war.CEASEFIRE).any()
    # The record's hazard over the first year at the war's age (36 months), as simulated.
    first_year = (out["war_end_month"] < 12).mean()
    p = design
    elapsed = compiled.war_elapsed_start + np.arange(12)[None, :]
    monthly = war.duration_end_probability(
        elapsed,
        p["duration_shape"].to_numpy()[:, None],
        p["duration_scale_months"].to_numpy()[:, None],
    )
    expected = np.mean(1.0 - np.prod(1.0 - monthly, axis=1))
    # The state's tilt moves the split, not much the total; 400 futures: a few points.
    assert first_year == pytest.approx(expected, abs=0.08)


def test_scenario_demand_coefficients_are_the_fit(spec) -> None:
    """The shipped scenario's defence_demand block is what accord fit burden-demand prints."""
    from accord.fits import burden_demand as bd

    estimate = bd.estimate()
    dd = spec.defence_demand
    np.testing.assert_allclose(dd.coefficients, estimate.params, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dd.covariance, estimate.cov, rtol=1e-5, atol=1e-9)
    assert dd.us_share_for_europe.value == bd.US_SHARE_FOR_EUROPE.value


def test_estimated_defence_keeps_the_base_without_levers(estimated, spec) -> None:
    """No lever, no growth of Russia's spending: the base year is the estimated equilibrium,
    so Europe's defence target is the scenario's spending."""
    design = variant_design(spec, "baseline", 10, seed=2).assign(
        russia_spending_growth_pct=0.0, defence_floor_pct=0.0, us_security_role="full"
    )
    inputs = prepare_inputs(estimated, design)
    europe = estimated.ally_defence[estimated.ally_group == EUROPE].sum()
    np.testing.assert_allclose(inputs.europe_defence_target, europe, rtol=1e-8)
