"""Invariants of the fighting-while-bargaining model (Fearon 1995; Powell 2006; Slantchev 2003)."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from accord.models import war

B = 32
capacities = arrays(float, B, elements=st.floats(0.0, 1e4))
positive = st.floats(0.01, 10.0)


@settings(max_examples=100, deadline=None)
@given(capacities, capacities, st.floats(0.2, 4.0), positive)
def test_drift_sign_follows_capacity_ratio(cu, cr, m, max_drift):
    drift = war.front_drift(cu, cr, m, max_drift)
    assert np.all(drift * (cu - cr) >= 0)
    assert np.all(drift[cu == cr] == 0)
    clear = np.abs(cu - cr) > 1e-6 * np.maximum(cu, cr)
    assert np.all(np.sign(drift[clear]) == np.sign(cu - cr)[clear])
    assert np.all(np.abs(drift) <= max_drift)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.1, 100), st.floats(1.01, 10.0), st.floats(0.2, 4.0))
def test_drift_grows_with_capacity_ratio(base, factor, m):
    lower = war.front_drift(base, 1.0, m, 1.0)
    higher = war.front_drift(base * factor, 1.0, m, 1.0)
    assert higher > lower


def test_contest_share_is_ratio_form():
    # Hirshleifer's ratio form: 3^2 / (3^2 + 1^2) = 0.9.
    assert np.isclose(war.contest_share(3.0, 1.0, 2.0), 0.9)
    assert war.contest_share(0.0, 0.0, 1.0) == 0.5


@settings(max_examples=50, deadline=None)
@given(
    arrays(float, B, elements=st.floats(0, 100)),
    arrays(float, B, elements=st.floats(-5, 5)),
    arrays(float, B, elements=st.floats(-6, 6)),
)
def test_front_stays_on_the_map(front, drift, shock):
    new = war.front_step(front, drift, 0.5, shock)
    assert np.all((new >= 0) & (new <= 100))


@settings(max_examples=20, deadline=None)
@given(
    st.floats(-2, 2),
    st.floats(-2, 2),
    st.floats(0.1, 3.0),
    st.floats(0.05, 2.0),
    st.integers(0, 2**32 - 1),
)
def test_beliefs_converge_to_true_drift(true_drift, prior_mean, prior_sd, noise_sd, seed):
    rng = np.random.default_rng(seed)
    months = 1000
    mean = np.full(B, prior_mean)
    precision = np.full(B, 1 / prior_sd**2)
    for _ in range(months):
        observed = true_drift + noise_sd * rng.standard_normal(B)
        new_mean, new_precision = war.update_belief(mean, precision, observed, noise_sd)
        assert np.all(new_precision > precision)
        mean, precision = new_mean, new_precision
    posterior_sd = 1 / np.sqrt(precision)
    assert np.all(posterior_sd < noise_sd / np.sqrt(months) * 1.0001)
    # Prior bias is at most prior_precision/precision * |prior - true|; the noise is 5 sd wide.
    bias_bound = (1 / prior_sd**2) / precision * abs(prior_mean - true_drift)
    assert np.all(np.abs(mean - true_drift) < 5 * posterior_sd + bias_bound)


def test_sequential_update_equals_batch_posterior():
    rng = np.random.default_rng(0)
    observations = rng.normal(0.4, 0.3, size=(50, B))
    mean, precision = np.zeros(B), np.full(B, 4.0)
    for observed in observations:
        mean, precision = war.update_belief(mean, precision, observed, 0.3)
    batch_precision = 4.0 + 50 / 0.09
    batch_mean = observations.sum(axis=0) / 0.09 / batch_precision
    assert np.allclose(precision, batch_precision)
    assert np.allclose(mean, batch_mean)


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(
    arrays(float, B, elements=st.floats(0, 100)),
    arrays(float, B, elements=st.floats(-3, 3)),
    arrays(float, B, elements=st.floats(1e-4, 0.05)),
    arrays(float, B, elements=st.floats(1e-4, 0.05)),
    st.floats(1, 48),
)
def test_common_beliefs_and_positive_costs_leave_a_bargaining_range(front, belief, cu, cr, h):
    """Fearon (1995): without optimism, costly war always leaves deals both prefer."""
    v_ukraine, v_russia = war.expected_fighting_values(front, belief, belief, cu, cr, h)
    low, high = war.bargaining_range(v_ukraine, v_russia)
    assert np.all(low < high)
    midpoint = (low + high) / 2
    assert np.all(war.settlement_possible(v_ukraine, v_russia, midpoint, np.zeros(B)))


def test_mutual_optimism_closes_the_range():
    v_ukraine, v_russia = war.expected_fighting_values(80.0, 1.0, -1.0, 0.001, 0.001, 12.0)
    low, high = war.bargaining_range(v_ukraine, v_russia)
    assert low > high


unit = arrays(float, B, elements=st.floats(0, 1))
troops = arrays(float, B, elements=st.floats(0, 200))


@settings(max_examples=80, deadline=None)
@given(
    unit,
    unit,
    troops,
    troops,
    arrays(float, B, elements=st.floats(0, 0.6)),
    arrays(float, B, elements=st.floats(0, 1)),
    arrays(float, B, elements=st.floats(0, 1)),
    arrays(float, B, elements=st.floats(0, 1)),
    st.booleans(),
)
def test_stronger_guarantees_never_make_settlement_less_possible(
    g1, g2, t1, t2, shift, v_ukraine, v_russia, deal, strict
):
    p = war.DEFAULTS
    weak_g, strong_g = np.minimum(g1, g2), np.maximum(g1, g2)
    few, many = np.minimum(t1, t2), np.maximum(t1, t2)
    results = []
    for g, t in ((weak_g, few), (strong_g, many)):
        d = war.deterrence(g, t, p.guarantee_effect, p.force_effect, p.force_scale_thousand)
        assert np.all((d >= 0) & (d <= 1))
        gap = war.commitment_gap(shift, d, p.renewal_cost)
        results.append(
            war.settlement_possible(v_ukraine, v_russia, deal, gap, require_credible=strict)
        )
    assert np.all(results[1] >= results[0])


def test_large_power_shift_without_guarantees_is_not_credible():
    p = war.DEFAULTS
    d0 = war.deterrence(0.0, 0.0, p.guarantee_effect, p.force_effect, p.force_scale_thousand)
    d1 = war.deterrence(1.0, 100.0, p.guarantee_effect, p.force_effect, p.force_scale_thousand)
    assert d0 == 0.0
    assert war.commitment_gap(0.2, d0, p.renewal_cost) > 0
    assert war.commitment_gap(0.2, d1, p.renewal_cost) <= 0


def test_power_shift_is_non_negative():
    assert np.allclose(war.power_shift(np.array([0.5, 0.6]), np.array([0.7, 0.4])), [0.2, 0.0])


def test_initial_beliefs_are_optimistic_for_each_side():
    mu_u, mu_r, prec = war.initial_beliefs(np.zeros(B), 0.2, 0.3, 0.5)
    assert np.all(mu_u > 0) and np.all(mu_r < 0) and np.allclose(prec, 4.0)


def test_every_parameter_has_a_source_and_no_range():
    for row in war.describe_parameters(war.WarParameters):
        assert row["source"] and row["description"]
        assert "low" not in row and "high" not in row  # ranges are the scenario's
    assert len(war.describe_parameters(war.WarParameters)) == len(
        dataclasses.fields(war.WarParameters)
    )


def test_results_do_not_depend_on_batch_size():
    """Same bits whether computed for the whole batch or in chunks (engine determinism)."""
    rng = np.random.default_rng(3)
    n = 257
    cu, cr, front, shock = (
        rng.uniform(0.1, 3, n),
        rng.uniform(0.1, 3, n),
        rng.uniform(0, 100, n),
        rng.standard_normal(n),
    )
    troops, g = rng.uniform(0, 100, n), rng.uniform(0, 1, n)

    def month(s):
        drift = war.front_drift(cu[s], cr[s], 1.3, 1.0)
        new_front = war.front_step(front[s], drift, 0.3, shock[s])
        mean, _ = war.update_belief(drift, np.full(len(drift), 4.0), new_front - front[s], 0.3)
        d = war.deterrence(g[s], troops[s], 0.5, 0.6, 30.0)
        return np.stack([drift, new_front, mean, d])

    whole = month(slice(None))
    for chunk in (1, 7, 64):
        parts = np.concatenate([month(slice(i, i + chunk)) for i in range(0, n, chunk)], axis=1)
        assert np.array_equal(whole, parts)


# ------------------------------------------------------------------ how a war ends (issue 11)


def test_duration_end_probability_is_the_models_conditional_hazard():
    t = np.array([0.0, 6.0, 36.0, 120.0])
    for loglogistic in (True, False):
        s = war.duration_survival(t, 1.2, 6.0, loglogistic)
        s1 = war.duration_survival(t + 1.0, 1.2, 6.0, loglogistic)
        np.testing.assert_allclose(
            war.duration_end_probability(t, 1.2, 6.0, loglogistic), 1.0 - s1 / s
        )
    # Exponential (Weibull shape 1): constant hazard 1 - exp(-1/scale) every month.
    np.testing.assert_allclose(
        war.duration_end_probability(t, 1.0, 10.0, False), 1.0 - np.exp(-0.1)
    )
    # Log-logistic with shape > 1: the hazard falls after its peak (long wars end slowly).
    late = war.duration_end_probability(np.array([36.0, 72.0, 120.0]), 1.17, 5.5)
    assert np.all(np.diff(late) < 0)


@given(
    base=st.floats(0.0, 0.3),
    freeze=st.floats(0.0, 1.0),
    collapse=st.floats(0.0, 1.0),
    d0=st.floats(0.0, 0.5),
)
def test_end_types_keep_the_records_hazard_at_the_start_state(base, freeze, collapse, d0):
    decision, fall, frozen = war.end_type_probabilities(
        base, d0, d0, 1.0, freeze, collapse, 4.0, 2.0
    )
    assert decision + fall + frozen == pytest.approx(base, abs=1e-12)
    assert min(decision, fall, frozen) >= 0.0


def test_dominance_tilts_to_decision_and_strain_to_collapse():
    args = dict(freeze_share=0.5, collapse_share=0.3, dominance_effect=4.0, strain_effect=2.0)
    d_low, c_low, f_low = war.end_type_probabilities(0.02, 0.05, 0.05, 1.0, **args)
    d_high, _, f_high = war.end_type_probabilities(0.02, 0.4, 0.05, 1.0, **args)
    _, c_high, _ = war.end_type_probabilities(0.02, 0.05, 0.05, 2.0, **args)
    assert d_high > d_low and f_high < f_low and c_high > c_low
    # Probabilities never exceed 1 in total, however large the tilt.
    total = sum(war.end_type_probabilities(0.9, 1.0, 0.0, 50.0, 0.5, 0.5, 8.0, 3.0))
    assert total <= 1.0 + 1e-12


def test_draw_end_frequencies_match_the_probabilities():
    rng = np.random.default_rng(1)
    u = rng.uniform(size=200_000)
    codes = war.draw_end(u, 0.1, 0.05, 0.2)
    for code, p in (
        (war.DECISION, 0.1),
        (war.COLLAPSE, 0.05),
        (war.FREEZE, 0.2),
        (war.ONGOING, 0.65),
    ):
        assert np.mean(codes == code) == pytest.approx(p, abs=0.004)


def test_deal_share_from_territory_terms_inverts_the_scale():
    # 0 = the 1991 borders (Ukraine keeps everything); 100 = Russia's full claim, 27 % of
    # Ukraine at 3.7 scale points per pp of territory.
    assert war.deal_share_from_territory_terms(0.0, -3.7) == pytest.approx(1.0)
    assert war.deal_share_from_territory_terms(100.0, -3.7) == pytest.approx(1 - 100 / 3.7 / 100)
    # Terms at the scenario's start line (Ukraine holds 81 %) give back 81 %.
    assert war.deal_share_from_territory_terms(19 * 3.7, -3.7) == pytest.approx(0.81)


def test_power_is_numpys_power_to_a_few_ulps_and_exactly_at_the_edges() -> None:
    rng = np.random.default_rng(9)
    base = 10.0 ** rng.uniform(-6, 4, 5000)
    exponent = rng.uniform(-3, 3, 5000)
    np.testing.assert_allclose(war.power(base, exponent), base**exponent, rtol=1e-14, atol=0)
    edges = np.array([0.0, -2.0, np.inf, np.nan, 1.0, 3.0, 0.0])
    powers = np.array([1.5, 2.0, 0.5, 1.0, np.inf, 0.0, 0.0])
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(war.power(edges, powers), np.power(edges, powers))
    assert war.power(4.0, 0.5).shape == ()  # scalars broadcast as numpy's do


def test_contest_share_from_the_capacity_ratio() -> None:
    cu = np.array([3.0, 0.0, 5.0, 0.0, -1.0, -2.0, 7.0])
    cr = np.array([4.0, 2.0, 0.0, 0.0, -3.0, 1.0, 7.0])
    share = war.contest_share(cu, cr, 1.5)
    np.testing.assert_allclose(share[0], 3.0**1.5 / (3.0**1.5 + 4.0**1.5), rtol=1e-14)
    assert share[1] < 1e-300 and share[2] == 1.0 and share[3] == 0.5 and share[6] == 0.5
    assert np.isnan(share[4]) and np.isnan(share[5])  # a negative capacity has no share
