"""The named sub-steps of one month (accord.simulation.step), each on a small case worked by hand.

Expected values are computed here from the stage's stated formula on round numbers (or are an
invariant of the stage), never copied from a run.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from accord.models import war
from accord.simulation import step as st


def _p(**values: float) -> dict[str, np.ndarray]:
    """A parameter dict of the given names, each a [3] array (the batch's shape)."""
    return {name: np.full(3, value, dtype=float) for name, value in values.items()}


def test_peace_factor_is_one_at_war_and_the_share_at_peace() -> None:
    factor = st.peace_factor(np.array([True, False, False]), np.array([0.3, 0.3, 0.6]))
    assert factor.tolist() == [1.0, 0.3, 0.6]


def test_planned_aid_mixes_with_and_without_us_by_the_us_share() -> None:
    with_us = np.array([[4.0, 2.0, 1.0]] * 3)
    without = np.array([[0.0, 3.0, 1.0]] * 3)
    planned = st.planned_aid(np.array([1.0, 0.0, 0.25]), with_us, without)
    assert planned.tolist() == [[4.0, 2.0, 1.0], [0.0, 3.0, 1.0], [1.0, 2.75, 1.0]]


def test_support_moves_part_way_to_its_target_then_noise_and_clip() -> None:
    p = _p(
        support_cost_sensitivity=1.0,
        support_progress_sensitivity=2.0,
        support_adjustment_rate=0.25,
        support_noise_sd=2.0,
    )
    support = np.array([40.0, 40.0, 99.0])
    # target = 60 - 1 * 10 + 2 * 5 = 60; 40 + 0.25 * (60 - 40) = 45; + 2 * shock.
    shock = np.array([0.0, 1.0, 10.0])
    new = st.updated_support(support, np.full(3, 60.0), np.full(3, 10.0), np.full(3, 5.0), shock, p)
    assert new[0] == pytest.approx(45.0)
    assert new[1] == pytest.approx(47.0)
    assert new[2] == 100.0  # 99 + 0.25 * (60 - 99) + 20 = 109.25, clipped


def test_aid_budgets_follow_support_through_a_hard_threshold_and_the_peace_factor() -> None:
    # Width 0: the multiplier is a step at the threshold (1 above, 0 below); start multiplier 1.
    p = _p(aid_threshold=50.0, aid_cut_width=0.0)
    planned = np.array([[2.0, 4.0, 6.0]] * 3)
    support_us = np.array([60.0, 40.0, 60.0])
    support_europe = np.array([60.0, 60.0, 40.0])
    peace = np.array([1.0, 1.0, 0.5])
    aid_us, aid_europe, aid_other = st.aid_budgets(
        planned, support_us, support_europe, np.ones(3), np.ones(3), peace, p
    )
    assert aid_us.tolist() == [2.0, 0.0, 1.0]
    assert aid_europe.tolist() == [4.0, 4.0, 0.0]
    assert aid_other.tolist() == [6.0, 6.0, 0.0]  # Other follows Europe's support


def test_aid_budgets_never_exceed_the_plan_times_the_peace_factor() -> None:
    rng = np.random.default_rng(0)
    size = 200
    p = {"aid_threshold": rng.uniform(20, 60, size), "aid_cut_width": rng.uniform(0.5, 10, size)}
    planned = rng.uniform(0, 5, (size, 3))
    peace = rng.choice([1.0, 0.4], size)
    start = rng.uniform(0.05, 1.0, size)
    budgets = st.aid_budgets(
        planned, rng.uniform(0, 100, size), rng.uniform(0, 100, size), start, start, peace, p
    )
    for k, aid in enumerate(budgets):
        assert np.all(aid >= 0.0)
        assert np.all(aid <= planned[:, k] * peace * (1 + 1e-12))


def test_delivered_aid_closes_a_lag_share_of_the_gap() -> None:
    delivered = st.delivered_aid(np.full(3, 10.0), np.full(3, 4.0), np.array([3.0, 1.0, 0.5]))
    # 10 + (4 - 10) / 3 = 8; a lag of one month or less delivers the budget at once.
    assert delivered.tolist() == [8.0, 4.0, 4.0]


def test_capacities_convert_aid_and_grow_russia() -> None:
    p = _p(aid_effectiveness=0.5, russia_spending_growth_pct=10.0)
    ukraine, russia = st.capacities(np.full(3, 5.0), np.full(3, 10.0), np.full(3, 20.0), 6, 1.1, p)
    assert ukraine == pytest.approx(np.full(3, 5.0 + 10.0 * 1.1 * 0.5))
    assert russia == pytest.approx(np.full(3, 20.0 * 1.1**0.5))


def test_front_and_beliefs_move_at_war_only() -> None:
    p = _p(decisiveness=1.0, max_drift=1.0, front_volatility=2.0, belief_memory=0.5)
    at_war = np.array([True, True, False])
    front = np.full(3, 50.0)
    # Equal capacities: no drift; a unit shock moves the front by the volatility (2 pp).
    new_front, belief_u, belief_r, precision = st.front_and_beliefs(
        at_war,
        front,
        np.full(3, 1.0),
        np.full(3, -1.0),
        np.full(3, 1.0),
        np.full(3, 7.0),
        np.full(3, 7.0),
        np.array([1.0, -1.0, 5.0]),
        p,
    )
    assert new_front.tolist() == [52.0, 48.0, 50.0]
    # Conjugate update: prior precision 1 * 0.5, noise precision 1/4 -> 0.75;
    # Ukraine (0.5 * 1 + 0.25 * 2) / 0.75 = 4/3, Russia (0.5 * -1 + 0.25 * 2) / 0.75 = 0.
    assert belief_u[0] == pytest.approx(4.0 / 3.0)
    assert belief_r[0] == pytest.approx(0.0)
    assert precision[:2] == pytest.approx([0.75, 0.75])
    assert (belief_u[2], belief_r[2], precision[2]) == (1.0, -1.0, 1.0)  # at peace: kept


def test_fighting_values_and_sanctions_relief() -> None:
    p = _p(
        cost_ukraine=0.01,
        cost_russia=0.02,
        decision_horizon_months=10.0,
        sanctions_relief_value=0.05,
    )
    value_u, value_r = st.fighting_values(
        np.full(3, 50.0), np.zeros(3), np.zeros(3), np.array([False, True, False]), p
    )
    # Front held at 50: each side holds half, less 10 months of its monthly cost.
    assert value_u == pytest.approx(np.full(3, 0.5 - 0.1))
    assert value_r == pytest.approx([0.5 - 0.2, 0.5 - 0.2 - 0.05, 0.5 - 0.2])


def test_deal_share_without_a_territory_issue_is_the_front_less_sidelining() -> None:
    share = st.deal_share(
        np.array([60.0, 60.0, 30.0]),
        np.zeros(3),
        np.zeros((3, 1)),
        np.array([-1.0]),
        -1,
        np.array([False, True, False]),
        np.full(3, 0.1),
    )
    assert share == pytest.approx([0.6, 0.5, 0.3])


def test_deal_share_from_territory_terms_shifted_by_the_front() -> None:
    # Shift -2 scale points per pp of front; terms at the start line 40: a gain of +5 pp
    # lowers the terms to 30, which leave Ukraine 100 + 30 / -2 = 85 % of its territory.
    share = st.deal_share(
        np.zeros(3),
        np.array([5.0, 0.0, -5.0]),
        np.full((3, 1), 40.0),
        np.array([-2.0]),
        0,
        np.zeros(3, dtype=bool),
        np.zeros(3),
    )
    assert share == pytest.approx([0.85, 0.80, 0.75])


def test_commitment_gap_without_a_power_shift_is_minus_the_renewal_cost() -> None:
    # No rearmament and the same aid after the ceasefire: the power shift is 0.
    p = _p(
        aid_after_ceasefire_share=1.0,
        aid_effectiveness=1.0,
        russia_spending_growth_pct=0.0,
        russia_rearmament_years=3.0,
        decisiveness=1.0,
        guarantee_effect=0.5,
        force_effect=0.5,
        force_scale_thousand=10.0,
        renewal_cost=0.02,
    )
    own, aid = np.full(3, 4.0), np.full(3, 6.0)
    gap, share_now = st.commitment_gap(
        own + aid, np.full(3, 10.0), own, aid, np.ones(3), 1.0, np.zeros(3), np.zeros(3), p
    )
    assert share_now == pytest.approx(np.full(3, 0.5))  # equal capacities
    assert gap == pytest.approx(np.full(3, -0.02))


def test_commitment_gap_shrinks_with_guarantees_and_force_by_the_deterrence_formula() -> None:
    p = _p(
        aid_after_ceasefire_share=0.0,
        aid_effectiveness=1.0,
        russia_spending_growth_pct=0.0,
        russia_rearmament_years=3.0,
        decisiveness=1.0,
        guarantee_effect=0.5,
        force_effect=0.4,
        force_scale_thousand=10.0,
        renewal_cost=0.0,
    )
    # Ukraine 10 now (4 own + 6 aid), 4 after the ceasefire (no aid); Russia 10 throughout.
    own, aid = np.full(3, 4.0), np.full(3, 6.0)
    guarantees = np.array([0.0, 1.0, 1.0])
    force = np.array([0.0, 0.0, 10.0])
    gap, _ = st.commitment_gap(
        own + aid, np.full(3, 10.0), own, aid, np.ones(3), 1.0, guarantees, force, p
    )
    shift = 10.0 / 14.0 - 0.5  # Russia's share after (10 / (10 + 4)) less now (1/2)
    deterred = 1.0 - (1.0 - 0.5 * guarantees) * (1.0 - 0.4 * (1.0 - np.exp(-force / 10.0)))
    assert gap == pytest.approx(shift * (1.0 - deterred))
    assert gap[0] > gap[1] > gap[2] > 0.0


def test_talks_sign_a_credible_deal_and_freeze_an_incredible_one() -> None:
    p = _p(talks_probability=0.5, talks_boost_us_russia=2.0)
    # Both sides value fighting at 0.3; a deal of 0.5 is in [0.3 + max(gap, 0), 0.7].
    at_war = np.array([True, True, True, True, False])
    gap = np.array([-0.1, 0.1, -0.1, -0.1, -0.1])
    uniform = np.array([0.4, 0.4, 0.6, 0.6, 0.0])
    talks = np.array([False, False, False, True, False])
    required = np.ones(5, dtype=bool)
    ceasefire, frozen = st.talks_outcome(
        at_war,
        np.full(5, 0.3),
        np.full(5, 0.3),
        np.full(5, 0.5),
        gap,
        uniform,
        talks,
        required,
        {k: v[:1].repeat(5) for k, v in p.items()},
    )
    # 0: signed; 1: a positive gap under a hard commitment problem freezes instead;
    # 2: no talks this month (0.6 >= 0.5); 3: US-Russia talks happen (chance 1); 4: at peace.
    assert ceasefire.tolist() == [True, False, False, True, False]
    assert frozen.tolist() == [False, True, False, False, False]
    soft, not_frozen = st.talks_outcome(
        at_war,
        np.full(5, 0.3),
        np.full(5, 0.3),
        np.full(5, 0.5),
        gap,
        uniform,
        talks,
        ~required,
        {k: v[:1].repeat(5) for k, v in p.items()},
    )
    assert soft.tolist() == [True, True, False, True, False] and not not_frozen.any()


def test_other_end_is_never_drawn_without_the_record_hazard_and_picks_by_the_uniform() -> None:
    p = _p(
        war_end_hazard_scale=0.0,
        duration_shape=1.0,
        duration_scale_months=12.0,
        freeze_share=0.5,
        collapse_share=0.0,
        end_dominance_effect=0.0,
        end_strain_effect=0.0,
    )
    args = (
        np.full(3, 24.0),
        np.full(3, 0.5),
        np.full(3, 5.0),
        np.full(3, 5.0),
        np.full(3, 5.0),
        np.full(3, 5.0),
        np.zeros(3),
    )
    assert st.other_end(*args, np.zeros(3), p).tolist() == [war.ONGOING] * 3
    p["war_end_hazard_scale"] = np.ones(3)
    # Log-logistic durations, shape 1, scale 12: at 24 months S = 1 / 3 and S(25) = 12 / 37,
    # so the war ends this month with probability 1 - 36 / 37 = 1 / 37, half in decisions and
    # half in freezes at the start state (no collapse share, no tilts).
    q = 1.0 / 37.0
    uniform = np.array([0.25 * q, 0.75 * q, 1.01 * q])
    assert st.other_end(*args, uniform, p).tolist() == [war.DECISION, war.FREEZE, war.ONGOING]


def test_end_type_table() -> None:
    at_war = np.array([True, True, True, True, False])
    ceasefire = np.array([True, False, False, False, False])
    frozen = np.array([False, True, False, False, False])
    other = np.array([war.DECISION, war.DECISION, war.COLLAPSE, war.ONGOING, war.DECISION])
    assert st.end_type(at_war, ceasefire, frozen, other).tolist() == [
        war.CEASEFIRE,
        war.FREEZE,
        war.COLLAPSE,
        war.ONGOING,
        war.ONGOING,
    ]


def test_renewed_war_at_the_weibull_renewal_probability() -> None:
    t, log_hr, shape, scale = 12.0, 0.5, 0.8, 60.0
    chance = 1.0 - math.exp(-math.exp(log_hr) * (((t + 1) / scale) ** shape - (t / scale) ** shape))
    at_war = np.array([False, False, True])
    uniform = np.array([0.999 * chance, 1.001 * chance, 0.0])
    renewed = st.renewed_war(
        at_war, np.full(3, t), np.full(3, log_hr), np.full(3, shape), np.full(3, scale), uniform
    )
    assert renewed.tolist() == [True, False, False]  # never where already at war


def test_peace_clock_and_the_hazard_of_the_peace_in_force() -> None:
    new_at_war = np.array([True, False, False, False, False])
    ends = np.array([war.ONGOING, war.CEASEFIRE, war.FREEZE, war.DECISION, war.ONGOING])
    clock = st.peace_clock(new_at_war, ends != war.ONGOING, np.full(5, 7.0))
    assert clock.tolist() == [0.0, 0.0, 0.0, 0.0, 8.0]
    log_hr = st.renewal_log_hazard(
        ends, np.full(5, 9.0), np.full(5, 1.0), np.full(5, 2.0), np.full(5, 3.0)
    )
    assert log_hr.tolist() == [9.0, 1.0, 2.0, 3.0, 9.0]


def test_escalation_at_the_base_rate_without_war_or_force_and_fatal_implies_event() -> None:
    p = _p(
        escalation_base_rate=0.1,
        escalation_war_effect=1.0,
        escalation_force_effect=1.0,
        escalation_force_scale_thousand=10.0,
        escalation_backstop_deterrence=0.5,
        escalation_fatal_share=0.25,
    )
    risk, event, fatal = st.escalation_step(
        np.array([False, True, False]), np.array([0.0, 0.0, 10.0]), np.zeros(3), np.full(3, 0.05), p
    )
    assert risk == pytest.approx(
        [1 - math.exp(-0.1), 1 - math.exp(-0.1 * math.e), 1 - math.exp(-0.1 * math.e)]
    )
    rng = np.random.default_rng(1)
    uniform = rng.random(3000)
    size = {name: np.full(3000, value[0]) for name, value in p.items()}
    flags = (rng.random(3000) < 0.5, rng.uniform(0, 20, 3000), rng.random(3000))
    _, event, fatal = st.escalation_step(*flags, uniform, size)
    assert np.all(event[fatal]) and fatal.sum() < event.sum()


def test_defence_spending_adjusts_part_way_to_its_target() -> None:
    spending = st.defence_spending(
        np.full(3, 100.0), np.array([200.0, 100.0, 60.0]), np.full(3, 0.1)
    )
    assert spending == pytest.approx([110.0, 100.0, 96.0])
