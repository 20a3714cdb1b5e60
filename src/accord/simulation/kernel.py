"""The month loop as one compiled (numba) kernel: every month of each experiment in registers.

The same model as :func:`accord.simulation.step.step`, which stays the reference (and the
path without numba): the same order of operations, written per experiment as scalar code,
compiled with numba (no ``fastmath``, so no reordering or contraction). The kernel loops over
the experiments of a chunk and, inside, over the months; the state lives in local variables
and each experiment's series are written to its own contiguous row.

Randomness is unchanged: the kernel reads the same per-experiment draws
(:func:`accord.experiments.rng.experiment_draws`, ``[B, T, 3]`` normals and uniforms and
``[B, T, 1]`` end uniforms) in the same places as the step, so the streams are accord's own,
bit for bit. Where numpy's transcendental functions are those of the C library (no AVX-512:
numpy then calls ``exp``, ``log``, ``expm1``, ``log1p`` and ``pow`` of libm, as numba does),
both paths give identical bits; on a CPU with AVX-512F numpy's own vectorised ``exp`` and
``log`` may differ from libm's in the last bit (both are within one ulp), so results agree to
about 1e-12 relative and every discrete outcome is the same (``tests/simulation/
test_kernel.py``).

Inputs come packed (:func:`pack`): per experiment one row of :data:`INPUTS` (parameters and
levers as float64), the bargaining terms ``[B, K]``, the adaptive rule of each experiment and
the initial state as a ``[len(STATE), B]`` float64 table. A :class:`Chunk` holds them and its
outputs, and runs a block of experiments at a time from that block's draws (the engine draws
1,024 at a time, docs/simulation.md "Memory of the first chunk"). The final state comes in
the same layout, the series as ``[len(SERIES), B, T]`` float32 on small pages
(:mod:`accord.simulation.pages`).
"""

from __future__ import annotations

import math
from dataclasses import fields
from typing import Any

import numpy as np
from numba import njit

from accord.simulation.pages import small_pages
from accord.simulation.state import State
from accord.spec import outcomes

#: Per-experiment inputs, one float64 column each (booleans and codes as 0/1 and small ints):
#: the parameters the month reads (Inputs.params; the first-year failure is NaN and unused when
#: the scenario does not declare it), then the other Inputs fields, aid by group split in three.
INPUTS: tuple[str, ...] = tuple(
    """
    aid_after_ceasefire_share us_wind_down_months
    support_cost_sensitivity support_progress_sensitivity support_adjustment_rate
    support_noise_sd aid_threshold aid_cut_width aid_delivery_lag_months aid_effectiveness
    russia_spending_growth_pct decisiveness max_drift front_volatility belief_memory
    cost_ukraine cost_russia decision_horizon_months sanctions_relief_value sidelining_penalty
    russia_rearmament_years guarantee_effect force_effect force_scale_thousand renewal_cost
    talks_probability talks_boost_us_russia
    war_end_hazard_scale duration_shape duration_scale_months freeze_share collapse_share
    end_dominance_effect end_strain_effect ceasefire_first_year_failure
    escalation_base_rate escalation_war_effect escalation_force_effect
    escalation_force_scale_thousand escalation_backstop_deterrence escalation_fatal_share
    defence_adjustment_rate
    us_aid_policy us_aid_change_month
    aid_with_us_0 aid_with_us_1 aid_with_us_2 aid_without_us_0 aid_without_us_1 aid_without_us_2
    support_baseline_us support_baseline_europe multiplier_start_us multiplier_start_europe
    capacity_ukraine_own capacity_russia_start europe_defence_target
    guarantee_strength reassurance_force_k us_backstop us_russia_talks sanctions_relief
    ceasefire_log_hr ceasefire_shape ceasefire_scale credible_commitment_required
    capacity_ukraine_start dominance_start decision_log_hr freeze_log_hr
    """.split()
)
#: The state's scalar fields, in State's order (terms_at_ceasefire, [B, K], goes apart); the
#: kernel reads and writes them by position.
STATE: tuple[str, ...] = tuple(f.name for f in fields(State) if f.name != "terms_at_ceasefire")
assert len(STATE) == 25 and STATE[0] == "at_war" and STATE[12] == "peace_by_ceasefire"
assert STATE[13] == "ceasefire_month" and STATE[19] == "months_of_peace"
assert STATE[24] == "aid_other_total"
#: Signals an adaptive rule can watch, by code: the step's series by index, then front_change.
SIGNALS: tuple[str, ...] = (*outcomes.SERIES, "front_change")

# Column indices as module constants (numba freezes globals at compile time).
AACS, WIND_DOWN, COST_SENS, PROGRESS_SENS, ADJ_RATE, NOISE_SD = range(6)
AID_THRESHOLD, AID_CUT_WIDTH, LAG, AID_EFF, RUSSIA_GROWTH, DECISIVENESS = range(6, 12)
MAX_DRIFT, VOLATILITY, MEMORY, COST_U, COST_R, HORIZON = range(12, 18)
RELIEF_VALUE, SIDELINING, REARMAMENT, GUARANTEE_EFFECT, FORCE_EFFECT, FORCE_SCALE = range(18, 24)
RENEWAL_COST, TALKS_P, TALKS_BOOST, END_SCALE, DUR_SHAPE, DUR_SCALE = range(24, 30)
FREEZE_SHARE, COLLAPSE_SHARE, DOMINANCE_EFFECT, STRAIN_EFFECT, FIRST_YEAR = range(30, 35)
ESC_BASE, ESC_WAR, ESC_FORCE, ESC_SCALE, ESC_BACKSTOP, ESC_FATAL, DEF_RATE = range(35, 42)
POLICY, CHANGE_MONTH, WITH0, WITH1, WITH2, WITHOUT0, WITHOUT1, WITHOUT2 = range(42, 50)
BASE_US, BASE_EU, MSTART_US, MSTART_EU, OWN_U, RUSSIA_START, DEF_TARGET = range(50, 57)
GUARANTEE, FORCE_K, BACKSTOP, US_RUSSIA, RELIEF, CF_LHR, CF_SHAPE, CF_SCALE = range(57, 65)
CREDIBLE, CAP_U_START, DOM_START, DECISION_LHR, FREEZE_LHR = range(65, 70)
assert len(INPUTS) == 70 and INPUTS[FREEZE_LHR] == "freeze_log_hr"
assert INPUTS[FIRST_YEAR] == "ceasefire_first_year_failure" and INPUTS[POLICY] == "us_aid_policy"

N_SERIES = len(outcomes.SERIES)
assert " ".join(SIGNALS[:N_SERIES]) == (  # the kernel writes them in this order
    "at_war front aid_us aid_europe support_us support_europe escalation_risk "
    "europe_defence_spending"
)
ONGOING, CEASEFIRE, DECISION, COLLAPSE, FREEZE = range(5)  # accord.models.war codes
TREND_WEIGHT = 1.0 / 6.0  # accord.simulation.step.TREND_WEIGHT
#: Beyond this ``z`` the logistic ``1 / (1 + exp(-z))`` is exactly 1.0 in float64: ``exp(-z)``
#: is then below 2**-53 (53 ln 2 = 36.74), half an ulp of 1, so ``1 + exp(-z)`` rounds to 1.
#: The kernel returns 1.0 there without calling ``exp``: the same bits as the step's.
SATURATED = 37.0
assert 1.0 + math.exp(-SATURATED) == 1.0


@njit(cache=True, error_model="numpy", inline="always")
def _max(a, b):
    """numpy.maximum: NaN if either is NaN."""
    if a >= b:
        return a
    if a < b:
        return b
    return a + b


@njit(cache=True, error_model="numpy", inline="always")
def _min(a, b):
    """numpy.minimum: NaN if either is NaN."""
    if a <= b:
        return a
    if a > b:
        return b
    return a + b


@njit(cache=True, error_model="numpy", inline="always")
def _bounded(x, low, high):
    return _min(_max(x, low), high)


@njit(cache=True, error_model="numpy", inline="always")
def _contest_share(cu, cr, decisiveness):
    """accord.models.war.contest_share."""
    if cu == 0.0 and cr == 0.0:
        log_ratio = 0.0
    elif cu < 0.0 or cr < 0.0:
        log_ratio = np.nan
    else:
        log_ratio = _log(cr / cu)
    z = _bounded(decisiveness * log_ratio, -700.0, 700.0)
    if z < -SATURATED:  # exactly 1.0 (see SATURATED)
        return 1.0
    return 1.0 / (1.0 + math.exp(z))


@njit(cache=True, error_model="numpy", inline="always")
def _power(x, y):
    """accord.models.war.power: ``exp(y log x)`` where x is positive and finite and y finite."""
    if x > 0.0 and x < np.inf and abs(y) < np.inf:
        return math.exp(y * math.log(x))
    return x**y


@njit(cache=True, error_model="numpy", inline="always")
def _log(x):
    """numpy.log without the error: -inf at 0, NaN below."""
    if x > 0.0:
        return math.log(x)
    if x == 0.0:
        return -np.inf
    return np.nan


@njit(cache=True, error_model="numpy", inline="always")
def _support(support, baseline, cost, progress, shock, p):
    """accord.simulation.step.updated_support: one group's support after a month."""
    target = _bounded(baseline - p[COST_SENS] * cost + p[PROGRESS_SENS] * progress, 0.0, 100.0)
    moved = support + p[ADJ_RATE] * (target - support)
    return _bounded(moved + p[NOISE_SD] * shock, 0.0, 100.0)


@njit(cache=True, error_model="numpy", inline="always")
def _aid_share(support, p, start, capped_from):
    """The step's aid multiplier relative to its start, at most 1: ``min(m(support) / start, 1)``
    with ``m`` accord.models.opinion.aid_multiplier (per-experiment width).

    Where ``z`` reaches ``capped_from`` (:func:`_capped_from`) the ratio is sure to exceed 1 by
    far more than rounding, so the result is exactly 1.0 and ``exp`` is not called.
    """
    threshold = p[AID_THRESHOLD]
    width = p[AID_CUT_WIDTH]
    if width > 1e-9:
        z = _bounded((support - threshold) / width, -700.0, 700.0)
        if z >= capped_from:
            return 1.0
        if z > SATURATED:  # exactly 1.0 (see SATURATED)
            multiplier = 1.0
        else:
            multiplier = 1.0 / (1.0 + math.exp(-z))
    else:
        multiplier = 1.0 if support >= threshold else 0.0
    return _min(multiplier / start, 1.0)


@njit(cache=True, error_model="numpy", inline="always")
def _increment_bound(t_last, shape, scale):
    """An upper bound of the renewal hazard's increment ``((t + 1) / scale)**shape - (t /
    scale)**shape`` over the whole months ``0 <= t <= t_last``, with a margin of 1e-6 (NaN
    where none is known: then every month is tested in full).

    ``t**shape`` is concave for ``shape <= 1`` (its increments fall with ``t``: the largest is
    at ``t = 0``) and convex for ``shape >= 1`` (the largest at ``t_last``). The margin covers
    the rounding of the increment's subtraction (relative ``t / shape`` ulps: below 1e-12 for
    t below 10**3 and shape above 0.1).
    """
    if not (shape >= 0.1 and scale > 0.0 and 0.0 <= t_last <= 1000.0):
        return np.nan
    first = _power(1.0 / scale, shape)
    last = _power((t_last + 1.0) / scale, shape) - _power(t_last / scale, shape)
    return _max(first, last) * (1.0 + 1e-6)


@njit(cache=True, error_model="numpy", inline="always")
def _capped_from(start):
    """The ``z`` from which ``1 / (1 + exp(-z)) >= start (1 + 1e-9)``: ``-log(1 / (start (1 +
    1e-9)) - 1)`` (inf where no ``z`` gives it). The margin of 1e-9 dwarfs the rounding of this
    bound and of the multiplier (a few 1e-16 relative), so beyond it ``multiplier / start``
    computes to more than 1 and the capped share is exactly 1.0."""
    if start > 0.0:
        q = 1.0 / (start * (1.0 + 1e-9)) - 1.0
        if q > 0.0:
            return -math.log(q)
    return np.inf


@njit(cache=True, error_model="numpy")
def _run(
    x,
    base_terms,
    terms_shift,
    territory_index,
    front_start,
    usd_per_eur,
    has_first_year,
    normals,
    uniforms,
    end_uniforms,
    rule_which,
    rule_signal,
    rule_threshold,
    rule_below,
    rule_months,
    rule_factor,
    state0,
    terms0,
    state,
    terms,
    series,
    first,
):
    months = normals.shape[1]
    n_terms = base_terms.shape[1]
    risks = np.empty(4)
    values = np.empty(N_SERIES)
    for b in range(first, first + normals.shape[0]):  # rows first.. of the chunk
        d = b - first  # the row's draws
        p = x[b]
        # Constants of the experiment (the same expressions as the step's, computed once).
        aacs = p[AACS]
        wind = _max(p[WIND_DOWN], 1.0)
        volatility = p[VOLATILITY]
        noise_precision = 1.0 / (volatility * volatility)
        growth_base = 1.0 + p[RUSSIA_GROWTH] / 100.0
        rearm_factor = growth_base ** p[REARMAMENT]
        guarantees = _bounded(p[GUARANTEE], 0.0, 1.0)
        troops_prospect = _max(p[FORCE_K], 0.0)
        force_deter = p[FORCE_EFFECT] * -math.expm1(-troops_prospect / p[FORCE_SCALE])
        deterred = 1.0 - (1.0 - p[GUARANTEE_EFFECT] * guarantees) * (1.0 - force_deter)
        us_russia = p[US_RUSSIA] != 0.0
        relief = p[RELIEF] != 0.0
        talks_chance = _bounded(p[TALKS_P] * (p[TALKS_BOOST] if us_russia else 1.0), 0.0, 1.0)
        credible_required = p[CREDIBLE] != 0.0
        backstop = _bounded(p[BACKSTOP], 0.0, 1.0)
        lag = _max(p[LAG], 1.0)
        capped_us = _capped_from(p[MSTART_US])
        capped_eu = _capped_from(p[MSTART_EU])
        victory = 1.0 - p[FREEZE_SHARE]
        which = rule_which[b]
        factor = rule_factor[which] if which >= 0 else 1.0

        s0 = state0[:, b]  # in the order of STATE
        at_war, front, front_trend = s0[0] != 0.0, s0[1], s0[2]
        belief_u, belief_r, precision = s0[3], s0[4], s0[5]
        support_us, support_eu, delivered, europe_defence = s0[6], s0[7], s0[8], s0[9]
        months_at_peace, log_hr, peace_by_ceasefire = s0[10], s0[11], s0[12] != 0.0
        ceasefire_month, renewed_month, front_at_ceasefire = s0[13], s0[14], s0[15]
        war_started, war_end_month, war_end_type = s0[16], s0[17], s0[18]
        months_of_peace, events_total, fatal_total = s0[19], s0[20], s0[21]
        aid_us_total, aid_eu_total, aid_other_total = s0[22], s0[23], s0[24]
        for k in range(n_terms):
            terms[b, k] = terms0[b, k]
        run_length = 0
        fired = False
        # The last power computed, by argument: of the duration model (at war) and of the
        # renewal hazard (at peace); a month's first power is often last month's second.
        cached_arg = np.nan
        cached_power = np.nan
        renewal_arg = np.nan
        renewal_power = np.nan
        first_year_lhr = np.nan  # the log hazard ratio of first_year_p (NaN: none yet)
        first_year_p = np.nan
        hazard_lhr = np.nan  # the log hazard ratio of hazard_ratio
        hazard_ratio = np.nan
        hazard_bound = np.nan
        dur_shape = p[DUR_SHAPE]
        dur_scale = p[DUR_SCALE]
        cf_shape = p[CF_SHAPE]
        cf_scale = p[CF_SCALE]
        increment_bound = _increment_bound(_max(s0[10], 0.0) + months, cf_shape, cf_scale)
        # The escalation risk takes one of four values (at war or not, force deployed or not).
        for case in range(4):
            risks[case] = np.nan

        for month in range(months):
            with_eu = p[WITH1] * factor if fired else p[WITH1]
            without_eu = p[WITHOUT1] * factor if fired else p[WITHOUT1]
            peace = 1.0 if at_war else aacs

            # Support (cost: the group's planned aid flow after the peace factor).
            elapsed_us = month - p[CHANGE_MONTH]
            policy = p[POLICY]
            if policy == 0.0:
                us_share = 1.0
            elif policy == 1.0:
                us_share = _bounded(1.0 - elapsed_us / wind, 0.0, 1.0)
            else:
                us_share = 0.0 if elapsed_us >= 0 else 1.0
            planned_us = us_share * p[WITH0] + (1.0 - us_share) * p[WITHOUT0]
            planned_eu = us_share * with_eu + (1.0 - us_share) * without_eu
            planned_other = us_share * p[WITH2] + (1.0 - us_share) * p[WITHOUT2]
            progress = front - front_trend
            support_us = _support(
                support_us, p[BASE_US], planned_us * peace, progress, normals[d, month, 1], p
            )
            support_eu = _support(
                support_eu, p[BASE_EU], planned_eu * peace, progress, normals[d, month, 2], p
            )

            # Aid budgets, delivery, capacities.
            mult_us = _aid_share(support_us, p, p[MSTART_US], capped_us)
            mult_eu = _aid_share(support_eu, p, p[MSTART_EU], capped_eu)
            aid_us = planned_us * mult_us * peace
            aid_eu = planned_eu * mult_eu * peace
            aid_other = planned_other * mult_eu * peace
            aid_total = aid_us + aid_eu + aid_other
            delivered = delivered + (aid_total - delivered) / lag
            # At peace the front, the beliefs and the talks rest: the step computes them
            # there too but keeps the old values (np.where on at_war), so skipping is exact.
            ceasefire = False
            frozen = False
            ends = ONGOING
            if at_war:
                capacity_u = p[OWN_U] + delivered * usd_per_eur * p[AID_EFF]
                capacity_r = p[RUSSIA_START] * _power(growth_base, month / 12.0)
                # The front and beliefs.
                share = _contest_share(capacity_u, capacity_r, p[DECISIVENESS])
                drift = p[MAX_DRIFT] * (2.0 * share - 1.0)
                old_front = front
                front = _bounded(
                    old_front + (drift + volatility * normals[d, month, 0]), 0.0, 100.0
                )
                change = front - old_front
                prior = precision * p[MEMORY]
                new_precision = prior + noise_precision
                belief_u = (prior * belief_u + noise_precision * change) / new_precision
                belief_r = (prior * belief_r + noise_precision * change) / new_precision
                precision = new_precision
                front_gain = front - front_start
                share_now = 1.0 - share

                # Settlement test, where talks happen this month (else nothing is agreed,
                # whatever the values: the step's "agreed" needs all three).
                if uniforms[d, month, 0] < talks_chance:
                    horizon = p[HORIZON]
                    held_u = _bounded(front + horizon * belief_u, 0.0, 100.0) / 100.0
                    held_r = 1.0 - _bounded(front + horizon * belief_r, 0.0, 100.0) / 100.0
                    value_u = held_u - horizon * p[COST_U]
                    value_r = held_r - horizon * p[COST_R]
                    value_r = value_r - (p[RELIEF_VALUE] if relief else 0.0)
                    if territory_index >= 0:
                        shift = terms_shift[territory_index]
                        territory = _bounded(
                            base_terms[b, territory_index] + shift * front_gain, 0.0, 100.0
                        )
                        deal = _bounded(100.0 + territory / shift, 0.0, 100.0) / 100.0
                    else:
                        deal = front / 100.0
                    deal = deal - (p[SIDELINING] if us_russia else 0.0)
                    peace_capacity_u = (
                        p[OWN_U] + aid_total / peace * p[AACS] * usd_per_eur * p[AID_EFF]
                    )
                    future_russia = capacity_r * rearm_factor
                    share_future = 1.0 - _contest_share(
                        peace_capacity_u, future_russia, p[DECISIVENESS]
                    )
                    gap = _max(share_future - share_now, 0.0) * (1.0 - deterred) - p[RENEWAL_COST]
                    low = value_u + _max(gap, 0.0)
                    high = 1.0 - value_r
                    if (low <= deal) and (deal <= high):
                        credible = (gap <= 0.0) or not credible_required
                        ceasefire = credible
                        frozen = not credible

                # How the war ends this month.
                if ceasefire:
                    ends = CEASEFIRE
                elif frozen:
                    ends = FREEZE
                else:
                    elapsed = month - war_started
                    # accord.models.war.duration_survival (log-logistic) now and a month
                    # on; this month's "now" is often last month's "later" (same argument).
                    z_now = _max(elapsed, 0.0) / dur_scale
                    z_later = _max(elapsed + 1.0, 0.0) / dur_scale
                    power_now = cached_power if z_now == cached_arg else _power(z_now, dur_shape)
                    cached_arg = z_later
                    cached_power = _power(z_later, dur_shape)
                    now = 1.0 / (1.0 + power_now)
                    later = 1.0 / (1.0 + cached_power)
                    base = p[END_SCALE] * _bounded(1.0 - later / _max(now, 1e-300), 0.0, 1.0)
                    dominance = abs(2.0 * share_now - 1.0)
                    strain = _max(
                        p[CAP_U_START] / _max(capacity_u, 1e-9),
                        p[RUSSIA_START] / _max(capacity_r, 1e-9),
                    )
                    tilt = math.exp(p[DOMINANCE_EFFECT] * (dominance - p[DOM_START]))
                    decision = base * victory * (1.0 - p[COLLAPSE_SHARE]) * tilt
                    collapse = (
                        base
                        * victory
                        * p[COLLAPSE_SHARE]
                        * _power(_max(strain, 1e-9), p[STRAIN_EFFECT])
                    )
                    freeze = base * p[FREEZE_SHARE] / tilt
                    total = decision + collapse + freeze
                    scale = 1.0 / _max(total, 1e-300) if total > 1.0 else 1.0
                    decision = decision * scale
                    collapse = collapse * scale
                    freeze = freeze * scale
                    u = end_uniforms[d, month, 0]
                    second = decision + collapse
                    third = second + freeze
                    if u < decision:
                        ends = DECISION
                    elif u < second:
                        ends = COLLAPSE
                    elif u < third:
                        ends = FREEZE
            else:
                front_gain = front - front_start
            ended = ends != ONGOING

            # Renewal of war at peace.
            renewed = False
            if not at_war:
                if has_first_year and peace_by_ceasefire and months_at_peace < 12.0:
                    # accord.models.durability.first_year_monthly_probability
                    # (the same for every month of the spell: kept by its log hazard ratio)
                    if log_hr != first_year_lhr:
                        p1 = _bounded(p[FIRST_YEAR], 0.0, 1.0 - 1e-12)
                        first_year_p = -math.expm1(math.exp(log_hr) * math.log1p(-p1) / 12.0)
                        first_year_lhr = log_hr
                    renewed = uniforms[d, month, 1] < first_year_p
                else:  # accord.models.durability.monthly_renewal_probability
                    if log_hr != hazard_lhr:  # exp(log_hr), kept while the peace's ratio holds
                        hazard_ratio = math.exp(log_hr)
                        hazard_lhr = log_hr
                        hazard_bound = hazard_ratio * increment_bound
                    u = uniforms[d, month, 1]
                    # The month's renewal probability is below its hazard h = ratio *
                    # increment (-expm1(-h) < h), and h below hazard_bound (the largest
                    # increment of the spell, with a margin of 1e-6 over rounding): where u
                    # reaches the bound there is no renewal, as the full test would find.
                    if u < hazard_bound or hazard_bound != hazard_bound:
                        t = _max(months_at_peace, 0.0)
                        a_next = (t + 1.0) / cf_scale
                        a_now = t / cf_scale
                        power_now = (
                            renewal_power if a_now == renewal_arg else _power(a_now, cf_shape)
                        )
                        renewal_arg = a_next
                        renewal_power = _power(a_next, cf_shape)
                        hazard = hazard_ratio * (renewal_power - power_now)
                        # -expm1(-h) is below h by more than h**2 / 3: beyond 1e-12 far more
                        # than its rounding, so u >= h means no renewal without expm1.
                        if hazard > 1e-12 and u >= hazard:
                            renewed = False
                        else:
                            renewed = u < -math.expm1(-hazard)
            new_at_war = (at_war and not ended) or renewed
            no_ceasefire_yet = ceasefire_month != ceasefire_month
            first_ceasefire = ceasefire and no_ceasefire_yet
            first_end = ended and war_end_month != war_end_month
            first_renewal = renewed and renewed_month != renewed_month

            # Escalation (the force comes with a ceasefire) and European defence spending.
            deployed = (not no_ceasefire_yet) or ceasefire
            war_intensity = 1.0 if new_at_war else 0.0
            case = (1 if new_at_war else 0) + (2 if deployed else 0)
            risk = risks[case]
            if risk != risk:  # first month in this case: the rate of accord.models.escalation
                troops = _max(p[FORCE_K] if deployed else 0.0, 0.0)
                presence = _min(troops / p[ESC_SCALE], 1.0)
                log_ratio = p[ESC_WAR] * war_intensity + p[ESC_FORCE] * presence * (
                    1.0 - p[ESC_BACKSTOP] * backstop
                )
                rate = p[ESC_BASE] * math.exp(log_ratio)
                risk = -math.expm1(-_max(rate, 0.0))
                risks[case] = risk
            u = uniforms[d, month, 2]
            event = u < risk
            fatal = u < risk * p[ESC_FATAL]
            europe_defence = europe_defence + p[DEF_RATE] * (p[DEF_TARGET] - europe_defence)

            # The new state.
            front_trend = front_trend + TREND_WEIGHT * (front - front_trend)
            if new_at_war or ended:
                months_at_peace = 0.0
            else:
                months_at_peace = months_at_peace + 1
            if ends == CEASEFIRE:
                log_hr = p[CF_LHR]
            elif ends == FREEZE:
                log_hr = p[FREEZE_LHR]
            elif ends != ONGOING:
                log_hr = p[DECISION_LHR]
            if ended:
                peace_by_ceasefire = ceasefire
            if first_renewal and not no_ceasefire_yet:
                renewed_month = float(month)
            if first_ceasefire:
                ceasefire_month = float(month)
                front_at_ceasefire = front
                for k in range(n_terms):
                    terms[b, k] = _bounded(
                        base_terms[b, k] + terms_shift[k] * front_gain, 0.0, 100.0
                    )
            if renewed:
                war_started = float(month)
            if first_end:
                war_end_month = float(month)
                war_end_type = float(ends)
            if not new_at_war:
                months_of_peace = months_of_peace + 1.0
            if event:
                events_total = events_total + 1.0
            if fatal:
                fatal_total = fatal_total + 1.0
            aid_us_total = aid_us_total + aid_us
            aid_eu_total = aid_eu_total + aid_eu
            aid_other_total = aid_other_total + aid_other
            at_war = new_at_war

            values[0] = war_intensity  # in the order of outcomes.SERIES
            values[1] = front
            values[2] = aid_us
            values[3] = aid_eu
            values[4] = support_us
            values[5] = support_eu
            values[6] = risk
            values[7] = europe_defence
            for i in range(N_SERIES):
                series[i, b, month] = values[i]

            # The adaptive rule observes the month (it acts from the next one).
            if which >= 0:
                code = rule_signal[which]
                signal = values[code] if code < N_SERIES else front - front_start
                if rule_below[which]:
                    met = signal < rule_threshold[which]
                else:
                    met = signal > rule_threshold[which]
                run_length = run_length + 1 if met else 0
                if not fired and run_length >= rule_months[which]:
                    fired = True

        out = state[:, b]  # in the order of STATE
        out[0], out[1], out[2] = (1.0 if at_war else 0.0), front, front_trend
        out[3], out[4], out[5] = belief_u, belief_r, precision
        out[6], out[7], out[8], out[9] = support_us, support_eu, delivered, europe_defence
        out[10], out[11], out[12] = months_at_peace, log_hr, 1.0 if peace_by_ceasefire else 0.0
        out[13], out[14], out[15] = ceasefire_month, renewed_month, front_at_ceasefire
        out[16], out[17], out[18] = war_started, war_end_month, war_end_type
        out[19], out[20], out[21] = months_of_peace, events_total, fatal_total
        out[22], out[23], out[24] = aid_us_total, aid_eu_total, aid_other_total


def pack(inputs: Any) -> np.ndarray:
    """``[B, len(INPUTS)]`` float64: the per-experiment inputs of an :class:`Inputs`."""
    size = inputs.capacity_ukraine_own.shape[0]
    out = np.empty((size, len(INPUTS)))
    for j, name in enumerate(INPUTS):
        if name in inputs.params:
            out[:, j] = inputs.params[name]
        elif name == "ceasefire_first_year_failure":
            out[:, j] = np.nan
        elif name[:-2] in ("aid_with_us", "aid_without_us"):
            out[:, j] = getattr(inputs, name[:-2])[:, int(name[-1])]
        else:
            out[:, j] = getattr(inputs, name)
    return out


class Chunk:
    """A chunk's packed inputs and outputs, run a block of experiments at a time.

    ``inputs`` is an :class:`Inputs` whose ``base_terms`` may still be unfilled:
    :attr:`base_terms` (``[B, K]``, a copy) is read by :meth:`run`, so the caller can fill a
    block's rows just before running it. ``state0`` is :meth:`State.as_dict` of the initial
    state; ``rules`` an :class:`~accord.simulation.adaptive.AdaptiveRules` or None.
    """

    def __init__(
        self,
        inputs: Any,
        state0: dict[str, np.ndarray],
        rules: Any,
        months: int,
        usd_per_eur: float,
    ) -> None:
        self.x = pack(inputs)
        size = self.x.shape[0]
        self.base_terms = np.array(inputs.base_terms, dtype=float, order="C")
        self.terms_shift = np.ascontiguousarray(inputs.terms_front_shift, dtype=float)
        self.territory_index = int(inputs.territory_index)
        self.front_start = float(inputs.front_start)
        self.usd_per_eur = float(usd_per_eur)
        self.has_first_year = "ceasefire_first_year_failure" in inputs.params
        self.state0 = np.empty((len(STATE), size))
        for i, name in enumerate(STATE):
            self.state0[i] = state0[name]
        self.terms0 = np.ascontiguousarray(state0["terms_at_ceasefire"], dtype=float)
        self.rules = _packed_rules(rules, size)
        self.state = np.empty_like(self.state0)
        self.terms = np.empty_like(self.terms0)
        self.series = small_pages((N_SERIES, size, months), np.float32)

    def run(
        self, first: int, normals: np.ndarray, uniforms: np.ndarray, end_uniforms: np.ndarray
    ) -> None:
        """Every month of rows ``first ..`` (as many as the draws have rows)."""
        rows, months = normals.shape[0], normals.shape[1]
        size = self.x.shape[0]
        # The kernel does not check its indices: a block outside the chunk would write
        # outside its arrays.
        if not (0 <= first and first + rows <= size and months == self.series.shape[2]):
            raise ValueError(
                f"draws of {rows} experiments x {months} months from row {first} do not fit "
                f"a chunk of {size} x {self.series.shape[2]}"
            )
        which, signal, threshold, below, need, factor = self.rules
        _run(
            self.x,
            self.base_terms,
            self.terms_shift,
            self.territory_index,
            self.front_start,
            self.usd_per_eur,
            self.has_first_year,
            np.ascontiguousarray(normals, dtype=float),
            np.ascontiguousarray(uniforms, dtype=float),
            np.ascontiguousarray(end_uniforms, dtype=float),
            which,
            signal,
            threshold,
            below,
            need,
            factor,
            self.state0,
            self.terms0,
            self.state,
            self.terms,
            self.series,
            int(first),
        )

    def result(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The final state ``{field: [B]}`` and the series ``[len(SERIES), B, T]`` float32."""
        final = {name: self.state[i] for i, name in enumerate(STATE)}
        final["at_war"] = final["at_war"] != 0.0
        final["peace_by_ceasefire"] = final["peace_by_ceasefire"] != 0.0
        final["terms_at_ceasefire"] = self.terms
        return final, self.series


def _packed_rules(rules: Any, size: int) -> tuple[np.ndarray, ...]:
    """The adaptive rules as the kernel reads them: which rule per experiment (-1: none),
    then per rule its signal's code, threshold, direction, months and aid factor."""
    if rules is None:
        return (
            np.full(size, -1, dtype=np.int64),
            np.zeros(1, dtype=np.int64),
            np.zeros(1),
            np.zeros(1, dtype=np.bool_),
            np.ones(1, dtype=np.int64),
            np.ones(1),
        )
    return (
        np.ascontiguousarray(rules.which, dtype=np.int64),
        np.array([SIGNALS.index(r.signal) for r in rules.rules], dtype=np.int64),
        np.array([float(r.threshold) for r in rules.rules]),
        np.array([r.when == "below" for r in rules.rules], dtype=np.bool_),
        np.array([int(r.months) for r in rules.rules], dtype=np.int64),
        np.array([float(r.europe_aid_factor) for r in rules.rules]),
    )
