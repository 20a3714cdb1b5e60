"""One month of the coupled system, vectorised over a batch of experiments.

Order within a month (MODELS.md section 6): support -> aid budgets -> delivered aid and
capacities -> front and beliefs (at war) -> settlement test and ceasefire -> durability
hazard and renewal (at peace) -> escalation risk -> European defence spending.

The models are those of :mod:`accord.models`: the contest, beliefs, values of fighting,
deterrence and commitment gap of :mod:`accord.models.war` (Fearon 1995; Slantchev 2003;
Powell 2006), the renewal hazard of :mod:`accord.models.durability` (Weibull PH fitted on
UCDP interstate terminations, ``accord.fits.durability``; Fortna's civil-war ceasefires as the
alternative), support and the aid cut of :mod:`accord.models.opinion` (partial adjustment,
Nerlove 1958), the Russia-NATO use-of-force disputes of :mod:`accord.models.escalation` (Poisson
rates fitted on COW MID 5.0, ``accord.fits.escalation``).
"""

from __future__ import annotations

import numpy as np

from accord.models import durability, escalation, opinion, war
from accord.simulation.state import Inputs, State

US, EUROPE, OTHER = 0, 1, 2
TREND_WEIGHT = 1.0 / 6.0  # the "recent months" of progress: a six-month smoothing


def us_aid_share(policy: np.ndarray, change_month: np.ndarray, wind_down_months: np.ndarray,
                 month: int) -> np.ndarray:
    """Share of the US's recent aid still given in ``month`` (1 = all, 0 = none).

    ``continue``: 1; ``stop``: 0 from ``change_month``; ``wind_down``: falls linearly from 1 at
    ``change_month`` to 0 after ``wind_down_months``.
    """
    elapsed = month - change_month
    ramp = np.clip(1.0 - elapsed / np.maximum(wind_down_months, 1.0), 0.0, 1.0)
    stopped = np.where(elapsed >= 0, 0.0, 1.0)
    return np.where(policy == 0, 1.0, np.where(policy == 1, ramp, stopped))


def _accepted_terms(terms: np.ndarray, first_ceasefire: np.ndarray, inputs: Inputs,
                    front_gain: np.ndarray) -> np.ndarray:
    """Record the terms on the table (all issues) where a first ceasefire is signed."""
    if not first_ceasefire.any():
        return terms
    on_table = war.bounded(inputs.base_terms + inputs.terms_front_shift[None, :]
                           * front_gain[:, None], 0.0, 100.0)
    return np.where(first_ceasefire[:, None], on_table, terms)


def step(state: State, inputs: Inputs, month: int, normals: np.ndarray, uniforms: np.ndarray,
         *, usd_per_eur: float, end_uniform: np.ndarray | None = None
         ) -> tuple[State, dict[str, np.ndarray]]:
    """Advance every experiment by one month.

    Parameters
    ----------
    state, inputs
        The batch's state at the end of the previous month and its constant inputs.
    month
        Month index (0 = the scenario's start month).
    normals : float [B, 3]
        Standard normals of this month: front shock, US support shock, Europe support shock.
    uniforms : float [B, 3]
        Uniforms of this month: talks, renewal of war, escalation event.
    usd_per_eur
        Exchange rate (US$ per EUR) turning aid into capacity.
    end_uniform : float [B], optional
        Uniform of this month for the ends without agreement (none if omitted).

    Returns
    -------
    (State, dict)
        The new state and this month's series values (arrays [B]).
    """
    p = inputs.params
    at_war = state.at_war
    peace_factor = np.where(at_war, 1.0, p["aid_after_ceasefire_share"])

    # Support (accord.models.opinion): partial adjustment toward a cost- and progress-set
    # target; the "cost" is the group's aid flow of the previous month.
    us_share = us_aid_share(inputs.us_aid_policy, inputs.us_aid_change_month,
                            p["us_wind_down_months"], month)
    planned = (us_share[:, None] * inputs.aid_with_us
               + (1.0 - us_share[:, None]) * inputs.aid_without_us)  # [B, 3]
    progress = state.front - state.front_trend
    supports = []
    for support, baseline, cost, shock in (
        (state.support_us, inputs.support_baseline_us, planned[:, US], normals[:, 1]),
        (state.support_europe, inputs.support_baseline_europe, planned[:, EUROPE], normals[:, 2]),
    ):
        target = opinion.support_target(baseline, cost * peace_factor, progress,
                                        p["support_cost_sensitivity"],
                                        p["support_progress_sensitivity"])
        moved = opinion.step_support(support, target, p["support_adjustment_rate"])
        supports.append(np.clip(moved + p["support_noise_sd"] * shock, 0.0, 100.0))
    support_us, support_europe = supports

    # Aid budgets: burden equilibrium (computed per chunk) x support x peace.
    multiplier_us = np.minimum(
        opinion.aid_multiplier(support_us, p["aid_threshold"], p["aid_cut_width"])
        / inputs.multiplier_start_us, 1.0)
    multiplier_europe = np.minimum(
        opinion.aid_multiplier(support_europe, p["aid_threshold"], p["aid_cut_width"])
        / inputs.multiplier_start_europe, 1.0)
    aid_us = planned[:, US] * multiplier_us * peace_factor
    aid_europe = planned[:, EUROPE] * multiplier_europe * peace_factor
    aid_other = planned[:, OTHER] * multiplier_europe * peace_factor
    aid_total = aid_us + aid_europe + aid_other
    delivered = state.delivered_aid + (aid_total - state.delivered_aid) / np.maximum(
        p["aid_delivery_lag_months"], 1.0)

    # Capacities (US$ bn per month) and the front (accord.models.war).
    capacity_ukraine = (inputs.capacity_ukraine_own
                        + delivered * usd_per_eur * p["aid_effectiveness"])
    growth = (1.0 + p["russia_spending_growth_pct"] / 100.0) ** (month / 12.0)
    capacity_russia = inputs.capacity_russia_start * growth
    drift = war.front_drift(capacity_ukraine, capacity_russia, p["decisiveness"], p["max_drift"])
    moved_front = war.front_step(state.front, drift, p["front_volatility"], normals[:, 0])
    front = np.where(at_war, moved_front, state.front)
    change = front - state.front
    precision = state.belief_precision * p["belief_memory"]
    belief_u, new_precision = war.update_belief(state.belief_ukraine, precision, change,
                                                p["front_volatility"])
    belief_r, _ = war.update_belief(state.belief_russia, precision, change, p["front_volatility"])
    belief_u = np.where(at_war, belief_u, state.belief_ukraine)
    belief_r = np.where(at_war, belief_r, state.belief_russia)
    belief_precision = np.where(at_war, new_precision, state.belief_precision)

    # Settlement test: values of fighting on vs the deal on the table, the bargaining model's
    # terms at today's front (the same terms are reported if accepted), with the commitment
    # gap Russia's expected rearmament leaves after deterrence (Powell 2006).
    value_u, value_r = war.expected_fighting_values(front, belief_u, belief_r, p["cost_ukraine"],
                                                    p["cost_russia"],
                                                    p["decision_horizon_months"])
    value_r = value_r - np.where(inputs.sanctions_relief, p["sanctions_relief_value"], 0.0)
    front_gain = front - inputs.front_start
    if inputs.territory_index >= 0:
        k = inputs.territory_index
        territory = war.bounded(inputs.base_terms[:, k]
                                + inputs.terms_front_shift[k] * front_gain, 0.0, 100.0)
        deal_share = war.deal_share_from_territory_terms(territory,
                                                         inputs.terms_front_shift[k])
    else:
        deal_share = front / 100.0
    deal_share = deal_share - np.where(inputs.us_russia_talks, p["sidelining_penalty"], 0.0)
    peace_capacity_u = (inputs.capacity_ukraine_own
                        + aid_total / peace_factor * p["aid_after_ceasefire_share"]
                        * usd_per_eur * p["aid_effectiveness"])
    future_russia = capacity_russia * (1.0 + p["russia_spending_growth_pct"] / 100.0) ** (
        p["russia_rearmament_years"])
    share_now = 1.0 - war.contest_share(capacity_ukraine, capacity_russia, p["decisiveness"])
    share_future = 1.0 - war.contest_share(peace_capacity_u, future_russia, p["decisiveness"])
    deterred = war.deterrence(inputs.guarantee_strength, inputs.reassurance_force_k,
                              p["guarantee_effect"], p["force_effect"], p["force_scale_thousand"])
    gap = war.commitment_gap(war.power_shift(share_now, share_future), deterred,
                             p["renewal_cost"])
    acceptable = war.settlement_possible(value_u, value_r, deal_share, gap,
                                         require_credible=False)
    talks_chance = np.clip(p["talks_probability"] * np.where(
        inputs.us_russia_talks, p["talks_boost_us_russia"], 1.0), 0.0, 1.0)
    agreed = at_war & acceptable & (uniforms[:, 0] < talks_chance)
    # A hard commitment problem (Powell 2006): a deal Russia could profitably overturn is not
    # signed; the sides that would have settled stop fighting without an agreement instead
    # (a freeze: no guarantees, no force). The switch changes how the war ends, not whether.
    credible = (gap <= 0.0) | ~inputs.credible_commitment_required
    ceasefire = agreed & credible
    frozen_by_talks = agreed & ~credible

    # Ends without agreement (accord.models.war): the record's monthly hazard at the war's
    # age (war-duration fit on the COW wars), split into decision, collapse and freeze by the
    # state of the war.
    other_end = np.zeros(state.size, dtype=np.int64)
    if end_uniform is not None:
        elapsed = month - state.war_started_month
        base = p["war_end_hazard_scale"] * war.duration_end_probability(
            elapsed, p["duration_shape"], p["duration_scale_months"])
        dominance = np.abs(2.0 * share_now - 1.0)
        strain = np.maximum(inputs.capacity_ukraine_start / np.maximum(capacity_ukraine, 1e-9),
                            inputs.capacity_russia_start / np.maximum(capacity_russia, 1e-9))
        decision, collapse, freeze = war.end_type_probabilities(
            base, dominance, inputs.dominance_start, strain, p["freeze_share"],
            p["collapse_share"], p["end_dominance_effect"], p["end_strain_effect"])
        other_end = war.draw_end(end_uniform, decision, collapse, freeze)
    end_type = np.where(ceasefire, war.CEASEFIRE,
                        np.where(frozen_by_talks, war.FREEZE, other_end))
    end_type = np.where(at_war, end_type, war.ONGOING)
    ended = end_type != war.ONGOING

    # Durability: the renewal hazard of the ceasefire in force (Weibull PH fitted on interstate
    # terminations, or Fortna's civil-war ceasefires if the scenario chooses them).
    renewal_p = durability.monthly_renewal_probability(
        state.months_at_peace_now, state.log_hazard_ratio, inputs.ceasefire_shape,
        inputs.ceasefire_scale)
    first_year = p.get("ceasefire_first_year_failure")
    if first_year is not None:
        # A negotiated ceasefire's first 12 months carry the first-year failure hazard of
        # records that keep short truces; the fitted hazard applies from month 12 (issue 22).
        early = durability.first_year_monthly_probability(first_year, state.log_hazard_ratio)
        renewal_p = np.where(state.peace_by_ceasefire & (state.months_at_peace_now < 12.0),
                             early, renewal_p)
    renewed = ~at_war & (uniforms[:, 1] < renewal_p)

    new_at_war = (at_war & ~ended) | renewed
    first_ceasefire = ceasefire & np.isnan(state.ceasefire_month)
    first_end = ended & np.isnan(state.war_end_month)
    first_renewal = renewed & np.isnan(state.war_renewed_month)
    months_now = np.where(new_at_war, 0.0, np.where(ended, 0.0, state.months_at_peace_now + 1))
    log_hr = np.where(ceasefire, inputs.ceasefire_log_hr,
                      np.where(end_type == war.FREEZE, inputs.freeze_log_hr,
                               np.where(ended, inputs.decision_log_hr,
                                        state.log_hazard_ratio)))

    # Escalation and European defence spending (partial adjustment to the equilibrium).
    deployed = ~np.isnan(state.ceasefire_month) | ceasefire  # the force comes with a ceasefire
    # Russia-NATO use-of-force disputes at the MID-fitted rate (accord.fits.escalation); the
    # same uniform decides whether an event is also fatal.
    escalation_rate = escalation.escalation_rate(
        new_at_war, np.where(deployed, inputs.reassurance_force_k, 0.0), inputs.us_backstop,
        base_rate=p["escalation_base_rate"], war_effect=p["escalation_war_effect"],
        force_effect=p["escalation_force_effect"],
        force_scale_thousand=p["escalation_force_scale_thousand"],
        backstop_deterrence=p["escalation_backstop_deterrence"])
    escalation_risk = escalation.event_probability(escalation_rate)
    events = escalation.escalation_events(escalation_risk, uniforms[:, 2])
    fatal = escalation.fatal_events(escalation_risk, p["escalation_fatal_share"], uniforms[:, 2])
    europe_defence = state.europe_defence + p["defence_adjustment_rate"] * (
        inputs.europe_defence_target - state.europe_defence)

    new_state = state.evolve(
        at_war=new_at_war,
        front=front,
        front_trend=state.front_trend + TREND_WEIGHT * (front - state.front_trend),
        belief_ukraine=belief_u,
        belief_russia=belief_r,
        belief_precision=belief_precision,
        support_us=support_us,
        support_europe=support_europe,
        delivered_aid=delivered,
        europe_defence=europe_defence,
        months_at_peace_now=months_now,
        log_hazard_ratio=log_hr,
        peace_by_ceasefire=np.where(ended, ceasefire, state.peace_by_ceasefire),
        ceasefire_month=np.where(first_ceasefire, float(month), state.ceasefire_month),
        war_renewed_month=np.where(first_renewal & ~np.isnan(state.ceasefire_month),
                                   float(month), state.war_renewed_month),
        front_at_ceasefire=np.where(first_ceasefire, front, state.front_at_ceasefire),
        war_started_month=np.where(renewed, float(month), state.war_started_month),
        war_end_month=np.where(first_end, float(month), state.war_end_month),
        war_end_type=np.where(first_end, end_type, state.war_end_type).astype(float),
        terms_at_ceasefire=_accepted_terms(state.terms_at_ceasefire, first_ceasefire, inputs,
                                           front_gain),
        months_of_peace=state.months_of_peace + ~new_at_war,
        escalation_use_of_force_events=state.escalation_use_of_force_events + events,
        escalation_fatal_events=state.escalation_fatal_events + fatal,
        aid_us_total=state.aid_us_total + aid_us,
        aid_europe_total=state.aid_europe_total + aid_europe,
        aid_other_total=state.aid_other_total + aid_other,
    )
    series = {
        "at_war": new_at_war,
        "front": front,
        "aid_us": aid_us,
        "aid_europe": aid_europe,
        "support_us": support_us,
        "support_europe": support_europe,
        "escalation_risk": escalation_risk,
        "europe_defence_spending": europe_defence,
    }
    return new_state, series
