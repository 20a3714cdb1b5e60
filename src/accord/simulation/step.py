"""One month of the coupled system, vectorised over a batch of experiments.

Order within a month (MODELS.md section 6): support -> aid budgets -> delivered aid and
capacities -> front and beliefs (at war) -> settlement test and ceasefire -> durability
hazard and renewal (at peace) -> escalation risk -> European defence spending.

Each stage is a named function of arrays below (``p`` is the batch's parameter dict, each value
[B]); :func:`step` chains them in that order and records the new state.

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


def us_aid_share(
    policy: np.ndarray, change_month: np.ndarray, wind_down_months: np.ndarray, month: int
) -> np.ndarray:
    """Share of the US's recent aid still given in ``month`` (1 = all, 0 = none).

    ``continue``: 1; ``stop``: 0 from ``change_month``; ``wind_down``: falls linearly from 1 at
    ``change_month`` to 0 after ``wind_down_months``.
    """
    elapsed = month - change_month
    ramp = np.clip(1.0 - elapsed / np.maximum(wind_down_months, 1.0), 0.0, 1.0)
    stopped = np.where(elapsed >= 0, 0.0, 1.0)
    return np.where(policy == 0, 1.0, np.where(policy == 1, ramp, stopped))


def _accepted_terms(
    terms: np.ndarray, first_ceasefire: np.ndarray, inputs: Inputs, front_gain: np.ndarray
) -> np.ndarray:
    """Record the terms on the table (all issues) where a first ceasefire is signed."""
    if not first_ceasefire.any():
        return terms
    on_table = war.bounded(
        inputs.base_terms + inputs.terms_front_shift[None, :] * front_gain[:, None], 0.0, 100.0
    )
    return np.where(first_ceasefire[:, None], on_table, terms)


# ---------------------------------------------------------------- support and aid
def peace_factor(at_war: np.ndarray, aid_after_ceasefire_share: np.ndarray) -> np.ndarray:
    """Share of the planned aid still given: 1 at war, the after-ceasefire share at peace."""
    return np.where(at_war, 1.0, aid_after_ceasefire_share)


def planned_aid(
    us_share: np.ndarray, aid_with_us: np.ndarray, aid_without_us: np.ndarray
) -> np.ndarray:
    """Each group's planned aid [B, 3]: a mix of the with-US and without-US equilibria."""
    return us_share[:, None] * aid_with_us + (1.0 - us_share[:, None]) * aid_without_us


def updated_support(
    support: np.ndarray,
    baseline: np.ndarray,
    cost: np.ndarray,
    progress: np.ndarray,
    shock: np.ndarray,
    p: dict[str, np.ndarray],
) -> np.ndarray:
    """One group's support after a month (accord.models.opinion), clipped to [0, 100].

    Partial adjustment toward a cost- and progress-set target, plus ``support_noise_sd *
    shock``; ``cost`` is the group's aid flow (after the peace factor).
    """
    target = opinion.support_target(
        baseline, cost, progress, p["support_cost_sensitivity"], p["support_progress_sensitivity"]
    )
    moved = opinion.step_support(support, target, p["support_adjustment_rate"])
    return np.clip(moved + p["support_noise_sd"] * shock, 0.0, 100.0)


def aid_budgets(
    planned: np.ndarray,
    support_us: np.ndarray,
    support_europe: np.ndarray,
    multiplier_start_us: np.ndarray,
    multiplier_start_europe: np.ndarray,
    peace: np.ndarray,
    p: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """This month's aid (US, Europe, Other): planned x support's aid multiplier x peace factor.

    The multiplier is relative to its value at the starting support and never above 1; the
    Other group follows Europe's support.
    """
    multiplier_us = np.minimum(
        opinion.aid_multiplier(support_us, p["aid_threshold"], p["aid_cut_width"])
        / multiplier_start_us,
        1.0,
    )
    multiplier_europe = np.minimum(
        opinion.aid_multiplier(support_europe, p["aid_threshold"], p["aid_cut_width"])
        / multiplier_start_europe,
        1.0,
    )
    aid_us = planned[:, US] * multiplier_us * peace
    aid_europe = planned[:, EUROPE] * multiplier_europe * peace
    aid_other = planned[:, OTHER] * multiplier_europe * peace
    return aid_us, aid_europe, aid_other


def delivered_aid(
    delivered: np.ndarray, aid_total: np.ndarray, lag_months: np.ndarray
) -> np.ndarray:
    """Aid arriving this month: partial adjustment to the budget over the delivery lag."""
    return delivered + (aid_total - delivered) / np.maximum(lag_months, 1.0)


# ---------------------------------------------------------------- war: capacities, front, beliefs
def capacities(
    capacity_ukraine_own: np.ndarray,
    delivered: np.ndarray,
    capacity_russia_start: np.ndarray,
    month: int,
    usd_per_eur: float,
    p: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Ukraine's and Russia's capacities (US$ bn per month).

    Ukraine: its own plus delivered aid (EUR -> US$) times aid effectiveness; Russia: its start
    capacity grown at its spending growth rate.
    """
    capacity_ukraine = capacity_ukraine_own + delivered * usd_per_eur * p["aid_effectiveness"]
    growth = war.power(1.0 + p["russia_spending_growth_pct"] / 100.0, month / 12.0)
    return capacity_ukraine, capacity_russia_start * growth


def front_and_beliefs(
    at_war: np.ndarray,
    front: np.ndarray,
    belief_ukraine: np.ndarray,
    belief_russia: np.ndarray,
    belief_precision: np.ndarray,
    capacity_ukraine: np.ndarray,
    capacity_russia: np.ndarray,
    front_shock: np.ndarray,
    p: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The front and both sides' beliefs after a month (accord.models.war).

    At war the front moves by the contest's drift plus noise and each side updates its belief
    about the drift on the observed change (with memory decay of the precision); at peace all
    four are unchanged. Returns ``(front, belief_ukraine, belief_russia, precision)``.
    """
    drift = war.front_drift(capacity_ukraine, capacity_russia, p["decisiveness"], p["max_drift"])
    moved_front = war.front_step(front, drift, p["front_volatility"], front_shock)
    new_front = np.where(at_war, moved_front, front)
    change = new_front - front
    precision = belief_precision * p["belief_memory"]
    belief_u, new_precision = war.update_belief(
        belief_ukraine, precision, change, p["front_volatility"]
    )
    belief_r, _ = war.update_belief(belief_russia, precision, change, p["front_volatility"])
    return (
        new_front,
        np.where(at_war, belief_u, belief_ukraine),
        np.where(at_war, belief_r, belief_russia),
        np.where(at_war, new_precision, belief_precision),
    )


# ---------------------------------------------------------------- settlement test
def fighting_values(
    front: np.ndarray,
    belief_ukraine: np.ndarray,
    belief_russia: np.ndarray,
    sanctions_relief: np.ndarray,
    p: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Each side's value of fighting on; sanctions relief lowers Russia's (it gains by a deal)."""
    value_u, value_r = war.expected_fighting_values(
        front,
        belief_ukraine,
        belief_russia,
        p["cost_ukraine"],
        p["cost_russia"],
        p["decision_horizon_months"],
    )
    value_r = value_r - np.where(sanctions_relief, p["sanctions_relief_value"], 0.0)
    return value_u, value_r


def deal_share(
    front: np.ndarray,
    front_gain: np.ndarray,
    base_terms: np.ndarray,
    terms_front_shift: np.ndarray,
    territory_index: int,
    us_russia_talks: np.ndarray,
    sidelining_penalty: np.ndarray,
) -> np.ndarray:
    """Ukraine's share of the deal on the table, in stake units.

    From the bargaining model's territory terms at today's front (shifted by the front's gain
    since the start), or the front itself without a territory issue; a US-Russia format costs
    Ukraine the sidelining penalty.
    """
    if territory_index >= 0:
        k = territory_index
        territory = war.bounded(base_terms[:, k] + terms_front_shift[k] * front_gain, 0.0, 100.0)
        share = war.deal_share_from_territory_terms(territory, terms_front_shift[k])
    else:
        share = front / 100.0
    return share - np.where(us_russia_talks, sidelining_penalty, 0.0)


def commitment_gap(
    capacity_ukraine: np.ndarray,
    capacity_russia: np.ndarray,
    capacity_ukraine_own: np.ndarray,
    aid_total: np.ndarray,
    peace: np.ndarray,
    usd_per_eur: float,
    guarantee_strength: np.ndarray,
    reassurance_force_k: np.ndarray,
    p: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """The commitment gap after deterrence (Powell 2006) and Russia's contest share now.

    Russia's share after its expected rearmament (against Ukraine's capacity on after-ceasefire
    aid) against its share today: the power shift, less what guarantees and a reassurance force
    deter, less the renewal cost. Returns ``(gap, russia_share_now)``.
    """
    peace_capacity_u = (
        capacity_ukraine_own
        + aid_total / peace * p["aid_after_ceasefire_share"] * usd_per_eur * p["aid_effectiveness"]
    )
    future_russia = (
        capacity_russia
        * (1.0 + p["russia_spending_growth_pct"] / 100.0) ** (p["russia_rearmament_years"])
    )
    share_now = 1.0 - war.contest_share(capacity_ukraine, capacity_russia, p["decisiveness"])
    share_future = 1.0 - war.contest_share(peace_capacity_u, future_russia, p["decisiveness"])
    deterred = war.deterrence(
        guarantee_strength,
        reassurance_force_k,
        p["guarantee_effect"],
        p["force_effect"],
        p["force_scale_thousand"],
    )
    gap = war.commitment_gap(war.power_shift(share_now, share_future), deterred, p["renewal_cost"])
    return gap, share_now


def talks_outcome(
    at_war: np.ndarray,
    value_u: np.ndarray,
    value_r: np.ndarray,
    deal: np.ndarray,
    gap: np.ndarray,
    talks_uniform: np.ndarray,
    us_russia_talks: np.ndarray,
    credible_commitment_required: np.ndarray,
    p: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Whether talks end the war this month: ``(ceasefire, frozen_by_talks)``.

    Talks happen with the talks probability (boosted by a US-Russia format) and agree where the
    deal beats both sides' values of fighting. A hard commitment problem (Powell 2006): a deal
    Russia could profitably overturn is not signed; the sides that would have settled stop
    fighting without an agreement instead (a freeze: no guarantees, no force). The switch
    changes how the war ends, not whether.
    """
    acceptable = war.settlement_possible(value_u, value_r, deal, gap, require_credible=False)
    talks_chance = np.clip(
        p["talks_probability"] * np.where(us_russia_talks, p["talks_boost_us_russia"], 1.0),
        0.0,
        1.0,
    )
    agreed = at_war & acceptable & (talks_uniform < talks_chance)
    credible = (gap <= 0.0) | ~credible_commitment_required
    return agreed & credible, agreed & ~credible


def other_end(
    elapsed: np.ndarray,
    russia_share_now: np.ndarray,
    capacity_ukraine: np.ndarray,
    capacity_russia: np.ndarray,
    capacity_ukraine_start: np.ndarray,
    capacity_russia_start: np.ndarray,
    dominance_start: np.ndarray,
    end_uniform: np.ndarray,
    p: dict[str, np.ndarray],
) -> np.ndarray:
    """Ends without agreement (int codes of accord.models.war): the record's monthly hazard at
    the war's age (war-duration fit on the COW wars), split into decision, collapse and freeze
    by the war's dominance and strain against the start."""
    base = p["war_end_hazard_scale"] * war.duration_end_probability(
        elapsed, p["duration_shape"], p["duration_scale_months"]
    )
    dominance = np.abs(2.0 * russia_share_now - 1.0)
    strain = np.maximum(
        capacity_ukraine_start / np.maximum(capacity_ukraine, 1e-9),
        capacity_russia_start / np.maximum(capacity_russia, 1e-9),
    )
    decision, collapse, freeze = war.end_type_probabilities(
        base,
        dominance,
        dominance_start,
        strain,
        p["freeze_share"],
        p["collapse_share"],
        p["end_dominance_effect"],
        p["end_strain_effect"],
    )
    return war.draw_end(end_uniform, decision, collapse, freeze)


def end_type(
    at_war: np.ndarray, ceasefire: np.ndarray, frozen_by_talks: np.ndarray, other: np.ndarray
) -> np.ndarray:
    """How the war ends this month: ceasefire, a talks freeze, another end, or ONGOING (also
    wherever the batch is not at war)."""
    ends = np.where(ceasefire, war.CEASEFIRE, np.where(frozen_by_talks, war.FREEZE, other))
    return np.where(at_war, ends, war.ONGOING)


# ---------------------------------------------------------------- durability and renewal
def renewed_war(
    at_war: np.ndarray,
    months_at_peace: np.ndarray,
    log_hazard_ratio: np.ndarray,
    shape: np.ndarray,
    scale: np.ndarray,
    renewal_uniform: np.ndarray,
    peace_by_ceasefire: np.ndarray | None = None,
    first_year_failure: np.ndarray | None = None,
) -> np.ndarray:
    """Where war resumes this month: the renewal hazard of the ceasefire in force (Weibull PH
    fitted on interstate terminations, or Fortna's civil-war ceasefires), at peace only.

    With ``first_year_failure``, a negotiated ceasefire's (``peace_by_ceasefire``) first 12
    months carry instead the first-year failure hazard of records that keep short truces;
    the fitted hazard applies from month 12 (issue 22)."""
    renewal_p = durability.monthly_renewal_probability(
        months_at_peace, log_hazard_ratio, shape, scale
    )
    if first_year_failure is not None and peace_by_ceasefire is not None:
        early = durability.first_year_monthly_probability(first_year_failure, log_hazard_ratio)
        renewal_p = np.where(peace_by_ceasefire & (months_at_peace < 12.0), early, renewal_p)
    return ~at_war & (renewal_uniform < renewal_p)


def peace_clock(
    new_at_war: np.ndarray, ended: np.ndarray, months_at_peace: np.ndarray
) -> np.ndarray:
    """Months at peace in the current spell: 0 at war or in the month peace starts, else +1."""
    return np.where(new_at_war, 0.0, np.where(ended, 0.0, months_at_peace + 1))


def renewal_log_hazard(
    ends: np.ndarray,
    log_hazard_ratio: np.ndarray,
    ceasefire_log_hr: np.ndarray,
    freeze_log_hr: np.ndarray,
    decision_log_hr: np.ndarray,
) -> np.ndarray:
    """The renewal log hazard ratio of the peace in force: set by how the war ended this month
    (ceasefire, freeze, decision or collapse), else kept."""
    return np.where(
        ends == war.CEASEFIRE,
        ceasefire_log_hr,
        np.where(
            ends == war.FREEZE,
            freeze_log_hr,
            np.where(ends != war.ONGOING, decision_log_hr, log_hazard_ratio),
        ),
    )


# ---------------------------------------------------------------- escalation and defence
def escalation_step(
    at_war: np.ndarray,
    force_deployed_k: np.ndarray,
    us_backstop: np.ndarray,
    uniform: np.ndarray,
    p: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Russia-NATO use-of-force disputes at the MID-fitted rate (accord.fits.escalation).

    Returns ``(risk, event, fatal)``; the same uniform decides whether an event happens and
    whether it is also fatal.
    """
    rate = escalation.escalation_rate(
        at_war,
        force_deployed_k,
        us_backstop,
        base_rate=p["escalation_base_rate"],
        war_effect=p["escalation_war_effect"],
        force_effect=p["escalation_force_effect"],
        force_scale_thousand=p["escalation_force_scale_thousand"],
        backstop_deterrence=p["escalation_backstop_deterrence"],
    )
    risk = escalation.event_probability(rate)
    events = escalation.escalation_events(risk, uniform)
    fatal = escalation.fatal_events(risk, p["escalation_fatal_share"], uniform)
    return risk, events, fatal


def defence_spending(
    europe_defence: np.ndarray, target: np.ndarray, rate: np.ndarray
) -> np.ndarray:
    """European defence spending: partial adjustment toward the equilibrium target."""
    return europe_defence + rate * (target - europe_defence)


# ---------------------------------------------------------------- the month
def step(
    state: State,
    inputs: Inputs,
    month: int,
    normals: np.ndarray,
    uniforms: np.ndarray,
    *,
    usd_per_eur: float,
    end_uniform: np.ndarray | None = None,
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
    peace = peace_factor(at_war, p["aid_after_ceasefire_share"])

    # Support: the "cost" is the group's aid flow of the previous month.
    us_share = us_aid_share(
        inputs.us_aid_policy, inputs.us_aid_change_month, p["us_wind_down_months"], month
    )
    planned = planned_aid(us_share, inputs.aid_with_us, inputs.aid_without_us)  # [B, 3]
    progress = state.front - state.front_trend
    support_us = updated_support(
        state.support_us,
        inputs.support_baseline_us,
        planned[:, US] * peace,
        progress,
        normals[:, 1],
        p,
    )
    support_europe = updated_support(
        state.support_europe,
        inputs.support_baseline_europe,
        planned[:, EUROPE] * peace,
        progress,
        normals[:, 2],
        p,
    )

    # Aid budgets (burden equilibrium, computed per chunk) and delivery; capacities; the front.
    aid_us, aid_europe, aid_other = aid_budgets(
        planned,
        support_us,
        support_europe,
        inputs.multiplier_start_us,
        inputs.multiplier_start_europe,
        peace,
        p,
    )
    aid_total = aid_us + aid_europe + aid_other
    delivered = delivered_aid(state.delivered_aid, aid_total, p["aid_delivery_lag_months"])
    capacity_ukraine, capacity_russia = capacities(
        inputs.capacity_ukraine_own, delivered, inputs.capacity_russia_start, month, usd_per_eur, p
    )
    front, belief_u, belief_r, belief_precision = front_and_beliefs(
        at_war,
        state.front,
        state.belief_ukraine,
        state.belief_russia,
        state.belief_precision,
        capacity_ukraine,
        capacity_russia,
        normals[:, 0],
        p,
    )

    # Settlement test: values of fighting on vs the deal on the table at today's front (the
    # same terms are reported if accepted), with the commitment gap.
    value_u, value_r = fighting_values(front, belief_u, belief_r, inputs.sanctions_relief, p)
    front_gain = front - inputs.front_start
    deal = deal_share(
        front,
        front_gain,
        inputs.base_terms,
        inputs.terms_front_shift,
        inputs.territory_index,
        inputs.us_russia_talks,
        p["sidelining_penalty"],
    )
    gap, share_now = commitment_gap(
        capacity_ukraine,
        capacity_russia,
        inputs.capacity_ukraine_own,
        aid_total,
        peace,
        usd_per_eur,
        inputs.guarantee_strength,
        inputs.reassurance_force_k,
        p,
    )
    ceasefire, frozen_by_talks = talks_outcome(
        at_war,
        value_u,
        value_r,
        deal,
        gap,
        uniforms[:, 0],
        inputs.us_russia_talks,
        inputs.credible_commitment_required,
        p,
    )
    other = np.zeros(state.size, dtype=np.int64)
    if end_uniform is not None:
        other = other_end(
            month - state.war_started_month,
            share_now,
            capacity_ukraine,
            capacity_russia,
            inputs.capacity_ukraine_start,
            inputs.capacity_russia_start,
            inputs.dominance_start,
            end_uniform,
            p,
        )
    ends = end_type(at_war, ceasefire, frozen_by_talks, other)
    ended = ends != war.ONGOING

    # Durability: renewal of war at peace; the peace clock and the hazard of the peace in force.
    renewed = renewed_war(
        at_war,
        state.months_at_peace_now,
        state.log_hazard_ratio,
        inputs.ceasefire_shape,
        inputs.ceasefire_scale,
        uniforms[:, 1],
        state.peace_by_ceasefire,
        p.get("ceasefire_first_year_failure"),
    )
    new_at_war = (at_war & ~ended) | renewed
    first_ceasefire = ceasefire & np.isnan(state.ceasefire_month)
    first_end = ended & np.isnan(state.war_end_month)
    first_renewal = renewed & np.isnan(state.war_renewed_month)

    # Escalation (the force comes with a ceasefire) and European defence spending.
    deployed = ~np.isnan(state.ceasefire_month) | ceasefire
    escalation_risk, events, fatal = escalation_step(
        new_at_war,
        np.where(deployed, inputs.reassurance_force_k, 0.0),
        inputs.us_backstop,
        uniforms[:, 2],
        p,
    )
    europe_defence = defence_spending(
        state.europe_defence, inputs.europe_defence_target, p["defence_adjustment_rate"]
    )

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
        months_at_peace_now=peace_clock(new_at_war, ended, state.months_at_peace_now),
        log_hazard_ratio=renewal_log_hazard(
            ends,
            state.log_hazard_ratio,
            inputs.ceasefire_log_hr,
            inputs.freeze_log_hr,
            inputs.decision_log_hr,
        ),
        peace_by_ceasefire=np.where(ended, ceasefire, state.peace_by_ceasefire),
        ceasefire_month=np.where(first_ceasefire, float(month), state.ceasefire_month),
        war_renewed_month=np.where(
            first_renewal & ~np.isnan(state.ceasefire_month), float(month), state.war_renewed_month
        ),
        front_at_ceasefire=np.where(first_ceasefire, front, state.front_at_ceasefire),
        war_started_month=np.where(renewed, float(month), state.war_started_month),
        war_end_month=np.where(first_end, float(month), state.war_end_month),
        war_end_type=np.where(first_end, ends, state.war_end_type).astype(float),
        terms_at_ceasefire=_accepted_terms(
            state.terms_at_ceasefire, first_ceasefire, inputs, front_gain
        ),
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
