"""The state of a batch of experiments at one month, and their per-experiment parameters.

Every field is a numpy array with the batch axis ``B`` first. The engine advances a
:class:`State` one month at a time with :func:`accord.simulation.step.step`; nothing else
mutates it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np


@dataclass(frozen=True)
class State:
    """Where each experiment stands at the end of a month.

    Attributes
    ----------
    at_war : bool [B]
    front : float [B]
        Share of Ukraine's pre-2014 territory Ukraine holds, %.
    front_trend : float [B]
        Exponentially smoothed front (about six months), the reference for "progress".
    belief_ukraine, belief_russia : float [B]
        Each side's mean belief about the monthly drift of the front (pp/month).
    belief_precision : float [B]
        Precision of those beliefs (common to both sides: same evidence, same noise).
    support_us, support_europe : float [B]
        Public support for aiding Ukraine, 0-100.
    delivered_aid : float [B]
        Aid (EUR bn per month) arriving at the front after the delivery lag.
    europe_defence : float [B]
        European allies' defence spending, US$ bn per year.
    months_at_peace_now : float [B]
        Months since the current ceasefire (0 at war).
    log_hazard_ratio : float [B]
        Renewal hazard of the current (or last) ceasefire against the reference case.
    peace_by_ceasefire : bool [B]
        The current (or last) peace began with a negotiated ceasefire (not a decision, a
        collapse or a freeze): its first year carries the first-year failure hazard.
    ceasefire_month, war_renewed_month : float [B]
        First ceasefire and first renewal of war (month index), NaN until they happen.
    front_at_ceasefire : float [B]
        Front at the first ceasefire, NaN before.
    war_started_month : float [B]
        Month the current (or last) war began, negative for the war under way at the start.
    war_end_month, war_end_type : float [B]
        First month the war ended by any means (NaN until then) and how
        (:data:`accord.models.war.WAR_END_TYPES` code, 0 = ongoing).
    terms_at_ceasefire : float [B, K]
        The terms accepted at the first ceasefire, NaN before.
    months_of_peace : float [B]
        Months at peace so far.
    escalation_use_of_force_events, escalation_fatal_events : float [B]
        Russia-NATO militarized disputes with use of force (COW hostility >= 4), and those with
        a Russian or NATO-state death, so far (``accord.fits.escalation``).
    aid_us_total, aid_europe_total, aid_other_total : float [B]
        Aid given so far, EUR bn.
    """

    at_war: np.ndarray
    front: np.ndarray
    front_trend: np.ndarray
    belief_ukraine: np.ndarray
    belief_russia: np.ndarray
    belief_precision: np.ndarray
    support_us: np.ndarray
    support_europe: np.ndarray
    delivered_aid: np.ndarray
    europe_defence: np.ndarray
    months_at_peace_now: np.ndarray
    log_hazard_ratio: np.ndarray
    peace_by_ceasefire: np.ndarray
    ceasefire_month: np.ndarray
    war_renewed_month: np.ndarray
    front_at_ceasefire: np.ndarray
    war_started_month: np.ndarray
    war_end_month: np.ndarray
    war_end_type: np.ndarray
    terms_at_ceasefire: np.ndarray
    months_of_peace: np.ndarray
    escalation_use_of_force_events: np.ndarray
    escalation_fatal_events: np.ndarray
    aid_us_total: np.ndarray
    aid_europe_total: np.ndarray
    aid_other_total: np.ndarray

    @property
    def size(self) -> int:
        return int(self.front.shape[0])

    def evolve(self, **changes: np.ndarray) -> State:
        """A new state with some fields replaced."""
        return replace(self, **changes)

    def as_dict(self) -> dict[str, np.ndarray]:
        return {item.name: getattr(self, item.name) for item in fields(self)}


@dataclass(frozen=True)
class Inputs:
    """Per-experiment inputs the monthly step reads (arrays [B] unless noted).

    Built once per chunk by :func:`accord.simulation.engine.prepare_inputs` from the design
    columns and the compiled specification; constant over the months.
    """

    params: dict[str, np.ndarray]
    aid_with_us: np.ndarray  # [B, 3] EUR bn/month by group (US, Europe, Other), US aid on
    aid_without_us: np.ndarray  # [B, 3] the same with US aid at zero
    aid_baseline_group: np.ndarray  # [3] recent monthly aid by group (observed)
    support_baseline_us: np.ndarray  # [B] target support at zero cost and no progress
    support_baseline_europe: np.ndarray
    multiplier_start_us: np.ndarray  # [B] aid multiplier at the starting support
    multiplier_start_europe: np.ndarray
    capacity_ukraine_own: np.ndarray  # [B] US$ bn/month
    capacity_russia_start: np.ndarray  # [B] effective, calibrated to the start drift
    europe_defence_target: np.ndarray  # [B] US$ bn/year, equilibrium for the US role chosen
    europe_gdp: float  # US$ bn/year
    us_aid_policy: np.ndarray  # int [B]: 0 continue, 1 wind down, 2 stop
    us_aid_change_month: np.ndarray
    guarantee_strength: np.ndarray
    reassurance_force_k: np.ndarray
    us_backstop: np.ndarray  # bool
    us_russia_talks: np.ndarray  # bool
    sanctions_relief: np.ndarray  # bool
    ceasefire_log_hr: np.ndarray  # [B] log hazard ratio of a ceasefire's features
    ceasefire_shape: np.ndarray  # [B] Weibull shape of the durability evidence used
    ceasefire_scale: np.ndarray  # [B] Weibull scale (months) of its reference case
    credible_commitment_required: np.ndarray  # bool [B]: hard (True) or soft commitment problem
    capacity_ukraine_start: np.ndarray  # [B] US$ bn/month at the start (strain reference)
    dominance_start: np.ndarray  # [B] |2p - 1| of the contest at the start
    decision_log_hr: np.ndarray  # [B] renewal log hazard ratio after a decision or collapse
    freeze_log_hr: np.ndarray  # [B] renewal log hazard ratio after a freeze
    base_terms: np.ndarray  # [B, K] the bargaining model's terms at the start line
    # Constants of the run (not sliced per experiment):
    terms_front_shift: np.ndarray  # [K] scale points per pp of front
    territory_index: int  # column of the territory issue in base_terms, -1 if none
    front_start: float
    war_elapsed_start: float  # months of war before the scenario's start
