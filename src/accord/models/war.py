"""War termination: fighting while bargaining, with beliefs, costs and a commitment problem.

A compact rationalist model of war between Ukraine and Russia, one step a month, vectorised over
a batch axis ``B`` of experiments.

* The front ``front[B]`` (share of Ukraine's pre-2014 territory that Ukraine controls, 0-100)
  moves with a drift set by a contest success function of the two sides' fighting capacities
  (Tullock 1980; Hirshleifer 1989, ratio form with decisiveness ``m``) plus a normal shock.
* Each side holds a Normal belief about the drift and updates it from the observed front change,
  conjugate Normal-Normal (Slantchev 2003; Filson & Werner 2002: fighting reveals information).
  Optimism the other side does not share is what keeps the war going (Fearon 1995; Blainey 1973).
* Each side values fighting on for a horizon as the expected share of the stakes it holds at the
  end, minus fighting costs; a deal gives Ukraine ``deal_share`` and Russia ``1 - deal_share``.
  With common beliefs and positive costs a bargaining range always exists (Fearon 1995, sect. 2).
* Commitment (Powell 2006; Reiter 2009): if Russia expects its relative power to grow after a
  deal, it could attack again later. Security guarantees and a reassurance force deter part of
  that renewed-attack gain; what is left beyond the attacker's cost of renewing the war is the
  commitment gap. A positive gap makes the deal not credible for Ukraine, and its expected loss
  lowers the value of the deal to Ukraine.

Units: front and drift in percentage points of territory (per month); values, costs and power
shifts in shares of the stakes (0-1); reassurance troops in thousands.

Every function is pure and takes numpy arrays that broadcast over ``[B]``.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any

import numpy as np

ArrayLike = np.ndarray | float


def bounded(values, low: float, high: float) -> np.ndarray:
    """``min(max(values, low), high)`` elementwise; faster than ``np.clip`` on large arrays."""
    return np.minimum(np.maximum(values, low), high)


def parameter(default: float, source: str, description: str, *legacy: Any) -> Any:
    """A dataclass field: a model parameter's default, the source of that default and what it
    means (in ``metadata``).

    Where an experiment draws the parameter from is not said here: each engine parameter's
    range, distribution and source live in one place, the scenario's ``uncertainties``
    (a parameter is pinned there with ``constant``). The older form
    ``parameter(default, low, high, source, description)`` is refused with that explanation.
    """
    if legacy or not isinstance(source, str) or not isinstance(description, str):
        raise TypeError(
            "parameter(default, source, description): a range no longer goes into a model's "
            "parameters; give it in the scenario's uncertainties (the one place for ranges)"
        )
    return field(default=default, metadata={"source": source, "description": description})


def describe_parameters(parameters_class: type) -> list[dict[str, Any]]:
    """Rows ``name, default, source, description`` of a parameter dataclass (the ranges an
    experiment draws from are the scenario's uncertainties)."""
    rows = []
    for item in fields(parameters_class):
        default = None if item.default is MISSING else item.default
        rows.append({"name": item.name, "default": default, **item.metadata})
    return rows


@dataclass(frozen=True)
class WarParameters:
    """Parameters of the war model: defaults and their sources (fields may hold arrays [B]).
    The ranges the experiments draw from are the scenario's uncertainties."""

    decisiveness: float = parameter(
        1.0,
        "Hirshleifer 1989 (ratio-form contest success function, m = 1 is the standard case); "
        "range analyst judgement: attritional war is not winner-take-all",
        "exponent m of the ratio-form contest success function",
    )
    max_drift: float = parameter(
        1.0,
        "analyst judgement: at near parity in 2023-24 the front moved by well under 0.1 pp of "
        "territory a month; a side with overwhelming superiority could take a few pp a month",
        "front drift (pp of territory per month) when one side's capacity dominates completely",
    )
    front_volatility: float = parameter(
        0.3,
        "analyst judgement: month-to-month noise of the front of the order of the drift",
        "standard deviation of the monthly front change (pp), also the belief update's noise",
    )
    prior_sd: float = parameter(
        0.5,
        "analyst judgement: uncertainty about the drift at the scenario start",
        "prior standard deviation of each side's belief about the drift (pp/month)",
    )
    optimism_ukraine: float = parameter(
        0.2,
        "Fearon 1995; Blainey 1973 (mutual optimism); size analyst judgement",
        "Ukraine's prior bias of the drift in its own favour (pp/month)",
    )
    optimism_russia: float = parameter(
        0.3,
        "Fearon 1995; Blainey 1973 (mutual optimism); size analyst judgement",
        "Russia's prior bias of the drift in its own favour (pp/month)",
    )
    cost_ukraine: float = parameter(
        0.01,
        "Fearon 1995 (costs of war open the bargaining range); size analyst judgement",
        "Ukraine's fighting cost per month, share of the stakes",
    )
    cost_russia: float = parameter(
        0.006,
        "Fearon 1995; size analyst judgement (Russia's costs are a smaller share of its economy)",
        "Russia's fighting cost per month, share of the stakes",
    )
    horizon_months: float = parameter(
        12.0,
        "analyst judgement: the horizon over which leaders weigh fighting on",
        "months over which the expected value of fighting is computed",
    )
    guarantee_effect: float = parameter(
        0.5,
        "Fortna 2003 (third-party guarantees and agreement strength); Powell 2006; size "
        "analyst judgement",
        "share of the renewed-attack gain that full security guarantees (= 1) deter",
    )
    force_effect: float = parameter(
        0.6,
        "Fortna 2008 (peacekeepers); corpus: ceasefire-talks-security-guarantees.txt lines "
        "16, 23, 44 (European troops as a deterrent force); size analyst judgement",
        "share of the renewed-attack gain a large reassurance force deters",
    )
    force_scale_thousand: float = parameter(
        30.0,
        "analyst judgement: force size (thousand troops) at which the force's deterrent "
        "reaches 63 % of its maximum",
        "saturation scale of the reassurance force's deterrent effect",
    )
    renewal_cost: float = parameter(
        0.05,
        "Powell 2006 (the rising side's cost of renewed war); size analyst judgement",
        "the attacker's cost of renewing the war, share of the stakes",
    )


DEFAULTS = WarParameters()


def power(base: ArrayLike, exponent: ArrayLike) -> np.ndarray:
    """``base ** exponent``, computed as ``exp(exponent * log(base))`` where ``base`` is
    positive and finite and ``exponent`` finite (``numpy.power`` elsewhere).

    The C library's ``pow`` costs about four times its ``exp`` or ``log`` (issue 21); this form
    differs from it by a few ulps (``|exponent log base|`` of them), far below every model's
    precision. The fused month loop (:mod:`accord.simulation.kernel`) computes it the same
    way, so both engines agree.
    """
    x, y = np.broadcast_arrays(np.asarray(base, float), np.asarray(exponent, float))
    usual = (x > 0.0) & (x < np.inf) & (np.abs(y) < np.inf)
    with np.errstate(over="ignore"):
        out = np.exp(y * np.log(np.where(usual, x, 1.0)))
    if not usual.all():
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.where(usual, out, np.power(x, y))
    return out


def contest_share(capacity_ukraine: ArrayLike, capacity_russia: ArrayLike, decisiveness: ArrayLike):
    """Ukraine's contest success share, ratio form (Tullock 1980; Hirshleifer 1989, eq. 3).

    ``p = C_u^m / (C_u^m + C_r^m) = 1 / (1 + (C_r / C_u)^m)``; 0.5 when both capacities are
    zero. Computed from the log ratio for numerical stability (one ``log`` of ``C_r / C_u``;
    NaN where a capacity is negative).
    """
    cu = np.asarray(capacity_ukraine, float)
    cr = np.asarray(capacity_russia, float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_ratio = np.log(cr / cu)
    log_ratio = np.where((cu < 0) | (cr < 0), np.nan, log_ratio)
    log_ratio = np.where((cu == 0) & (cr == 0), 0.0, log_ratio)
    z = bounded(np.asarray(decisiveness, float) * log_ratio, -700.0, 700.0)
    return 1.0 / (1.0 + np.exp(z))


def front_drift(
    capacity_ukraine: ArrayLike,
    capacity_russia: ArrayLike,
    decisiveness: ArrayLike,
    max_drift: ArrayLike,
) -> np.ndarray:
    """Expected monthly front change (pp), ``max_drift * (2 p - 1)`` with ``p`` the contest share.

    Positive when Ukraine's capacity exceeds Russia's, zero at parity, bounded by ``max_drift``.
    """
    p = contest_share(capacity_ukraine, capacity_russia, decisiveness)
    return np.asarray(max_drift, float) * (2.0 * p - 1.0)


def front_step(
    front: ArrayLike, drift: ArrayLike, volatility: ArrayLike, shock: ArrayLike
) -> np.ndarray:
    """Next month's front: ``clip(front + drift + volatility * shock, 0, 100)``.

    ``shock[B]`` is a standard-normal draw supplied by the caller (per-experiment generators).
    """
    step = np.asarray(drift, float) + np.asarray(volatility, float) * np.asarray(shock, float)
    return bounded(np.asarray(front, float) + step, 0.0, 100.0)


def initial_beliefs(
    common_drift: ArrayLike,
    optimism_ukraine: ArrayLike,
    optimism_russia: ArrayLike,
    prior_sd: ArrayLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Prior beliefs: ``(mean_ukraine, mean_russia, precision)``, each [B].

    Both sides start from a common estimate of the drift, each biased in its own favour by its
    optimism (Ukraine upward, Russia downward; Fearon 1995's mutual optimism), with precision
    ``1 / prior_sd^2``.
    """
    common = np.asarray(common_drift, float)
    precision = 1.0 / np.square(np.asarray(prior_sd, float))
    mean_ukraine = common + optimism_ukraine
    mean_russia = common - np.asarray(optimism_russia, float)
    return mean_ukraine, mean_russia, np.broadcast_to(precision, np.shape(mean_ukraine)).copy()


def update_belief(
    mean: ArrayLike, precision: ArrayLike, observed_change: ArrayLike, noise_sd: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Conjugate Normal-Normal update of a belief about the drift (Slantchev 2003).

    Observation ``observed_change ~ N(drift, noise_sd^2)``; prior ``drift ~ N(mean, 1/precision)``.
    Posterior precision ``precision + 1/noise_sd^2`` and mean
    ``(precision * mean + observed_change / noise_sd^2) / posterior precision``
    (e.g. Gelman et al. 2013, *Bayesian Data Analysis*, eq. 2.12).
    """
    noise_precision = 1.0 / np.square(np.asarray(noise_sd, float))
    precision = np.asarray(precision, float)
    new_precision = precision + noise_precision
    new_mean = (
        precision * np.asarray(mean, float) + noise_precision * observed_change
    ) / new_precision
    return new_mean, new_precision


def expected_fighting_values(
    front: ArrayLike,
    belief_ukraine: ArrayLike,
    belief_russia: ArrayLike,
    cost_ukraine: ArrayLike,
    cost_russia: ArrayLike,
    horizon_months: ArrayLike,
) -> tuple[np.ndarray, np.ndarray]:
    """Each side's expected value of fighting on for ``horizon_months`` (shares of the stakes).

    Ukraine expects to hold ``clip(front + H * belief_ukraine, 0, 100) / 100`` at the horizon;
    Russia expects ``1 - clip(front + H * belief_russia, 0, 100) / 100``; each pays its monthly
    cost for ``H`` months (Fearon 1995, sect. 2: p - c_A and 1 - p - c_B).
    Beliefs are mean drifts in pp/month from Ukraine's side (positive = Ukraine gains).
    """
    front = np.asarray(front, float)
    horizon = np.asarray(horizon_months, float)
    held_ukraine = bounded(front + horizon * belief_ukraine, 0.0, 100.0) / 100.0
    held_by_russia = 1.0 - bounded(front + horizon * belief_russia, 0.0, 100.0) / 100.0
    return held_ukraine - horizon * cost_ukraine, held_by_russia - horizon * cost_russia


def deterrence(
    guarantees: ArrayLike,
    reassurance_troops_thousand: ArrayLike,
    guarantee_effect: ArrayLike,
    force_effect: ArrayLike,
    force_scale_thousand: ArrayLike,
) -> np.ndarray:
    """Share of a renewed-attack gain that guarantees and a reassurance force deter, in [0, 1].

    ``1 - (1 - g_eff * guarantees) * (1 - f_eff * (1 - exp(-troops / scale)))``: the two act
    as independent obstacles; the force's effect saturates with its size. Non-decreasing in
    ``guarantees`` (in [0, 1]) and in ``reassurance_troops_thousand`` (>= 0).
    """
    guarantees = bounded(np.asarray(guarantees, float), 0.0, 1.0)
    troops = np.maximum(np.asarray(reassurance_troops_thousand, float), 0.0)
    force = np.asarray(force_effect, float) * -np.expm1(-troops / force_scale_thousand)
    return 1.0 - (1.0 - np.asarray(guarantee_effect, float) * guarantees) * (1.0 - force)


def power_shift(russia_share_now: ArrayLike, russia_share_future: ArrayLike) -> np.ndarray:
    """Expected shift of power toward Russia after a deal, ``max(0, future - now)`` (Powell 2006).

    Arguments are Russia's contest shares (``1 - contest_share``) now and at the expected time of
    a renewed attack (e.g. after aid falls and Russia rearms).
    """
    return np.maximum(np.asarray(russia_share_future, float) - russia_share_now, 0.0)


def commitment_gap(
    expected_power_shift: ArrayLike, deterrence_share: ArrayLike, renewal_cost: ArrayLike
) -> np.ndarray:
    """Renewed-attack gain left after deterrence, net of the attacker's cost of renewing war.

    ``shift * (1 - deterrence) - renewal_cost``. Positive: Russia could not commit not to attack
    again, so the deal is not credible to Ukraine (Powell 2006, the commitment problem).
    """
    return (
        np.asarray(expected_power_shift, float) * (1.0 - np.asarray(deterrence_share))
        - renewal_cost
    )


def bargaining_range(
    value_fight_ukraine: ArrayLike,
    value_fight_russia: ArrayLike,
    commitment_gap_value: ArrayLike = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Deals (Ukraine's share) both prefer to fighting: ``[low, high]``, empty if ``low > high``.

    Ukraine accepts ``share - max(gap, 0) >= value_fight_ukraine``; Russia accepts
    ``1 - share >= value_fight_russia`` (Fearon 1995; Powell 2006 for the commitment penalty).
    """
    penalty = np.maximum(np.asarray(commitment_gap_value, float), 0.0)
    low = np.asarray(value_fight_ukraine, float) + penalty
    high = 1.0 - np.asarray(value_fight_russia, float)
    return low, high


def settlement_possible(
    value_fight_ukraine: ArrayLike,
    value_fight_russia: ArrayLike,
    deal_share_ukraine: ArrayLike,
    commitment_gap_value: ArrayLike,
    *,
    require_credible: bool = True,
) -> np.ndarray:
    """Whether the deal on the table settles the war this month, ``bool[B]``.

    True when each side values the deal at least as much as fighting on,
    ``low <= deal_share_ukraine <= high`` (see :func:`bargaining_range`), and, with
    ``require_credible`` (Powell 2006), the deal is credible: commitment gap <= 0. With
    ``require_credible=False`` a positive gap only lowers the deal's value to Ukraine (a soft
    commitment problem). Either way stronger guarantees or a larger reassurance force never make
    settlement less possible: they only shrink the gap.
    """
    gap = np.asarray(commitment_gap_value, float)
    low, high = bargaining_range(value_fight_ukraine, value_fight_russia, gap)
    share = np.asarray(deal_share_ukraine, float)
    acceptable = (low <= share) & (share <= high)
    return acceptable & (gap <= 0.0) if require_credible else acceptable


# ------------------------------------------------------------------ how a war ends (issue 11)

#: Codes of ``war_end_type`` (the index): how a future's war first ended.
WAR_END_TYPES: tuple[str, ...] = ("ongoing", "ceasefire", "decision", "collapse", "freeze")
ONGOING, CEASEFIRE, DECISION, COLLAPSE, FREEZE = range(5)


def duration_survival(
    elapsed_months: ArrayLike,
    shape: ArrayLike,
    scale_months: ArrayLike,
    loglogistic: ArrayLike = True,
) -> np.ndarray:
    """Survival of a fitted war-duration model at ``elapsed_months`` since the war began.

    Log-logistic ``1 / (1 + (t / scale)^shape)`` or Weibull ``exp(-(t / scale)^shape)``: the
    AFT families of :mod:`accord.fits.war_duration` (fitted on the COW inter-state wars).
    """
    z = power(
        np.maximum(np.asarray(elapsed_months, float), 0.0) / np.asarray(scale_months, float), shape
    )
    return np.where(loglogistic, 1.0 / (1.0 + z), np.exp(-z))


def duration_end_probability(
    elapsed_months: ArrayLike,
    shape: ArrayLike,
    scale_months: ArrayLike,
    loglogistic: ArrayLike = True,
) -> np.ndarray:
    """P(the war ends within the next month | still at war after ``elapsed_months``).

    ``1 - S(t + 1) / S(t)`` of the fitted duration model: the record's monthly hazard for a
    war of this age and these covariates (Box-Steffensmeier & Jones 2004, ch. 3).
    """
    now = duration_survival(elapsed_months, shape, scale_months, loglogistic)
    later = duration_survival(
        np.asarray(elapsed_months, float) + 1.0, shape, scale_months, loglogistic
    )
    return bounded(1.0 - later / np.maximum(now, 1e-300), 0.0, 1.0)


def end_type_probabilities(
    base_probability: ArrayLike,
    dominance: ArrayLike,
    dominance_start: ArrayLike,
    strain: ArrayLike,
    freeze_share: ArrayLike,
    collapse_share: ArrayLike,
    dominance_effect: ArrayLike,
    strain_effect: ArrayLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly probabilities of the three ends without agreement: decision, collapse, freeze.

    The record's non-negotiated monthly end probability ``base_probability`` is split by the
    shares of the record (UCDP interstate terminations: low activity vs victory; a share of
    victories as collapses) and tilted by the state of the war:

    * **decision** (one side wins militarily; UCDP "victory", COW "winner"): the share
      ``(1 - freeze_share)(1 - collapse_share)`` times ``exp(dominance_effect (d - d0))``,
      ``d = |2 p - 1|`` the dominance of the stronger side in the contest, ``d0`` its value at
      the start: wars end in decision when one side pulls ahead (Slantchev 2004; Reiter 2009);
    * **collapse** (one side's forces or government give way): the share
      ``(1 - freeze_share) collapse_share`` times ``strain^strain_effect``, ``strain`` the
      larger of the two sides' fall in fighting capacity since the start (start / now, >= 1
      when a side weakens), e.g. when aid stops (Goemans 2000, *War and Punishment*);
    * **freeze** (fighting falls below war level without an agreement; UCDP "low activity"):
      ``freeze_share`` times ``exp(-dominance_effect (d - d0))``: stalemates freeze.

    At the start state (``d = d0``, ``strain = 1``) the three sum to ``base_probability``, so
    the record's hazard is kept where the war stands now. The sum is capped at 1.
    """
    base = np.asarray(base_probability, float)
    tilt = np.exp(
        np.asarray(dominance_effect, float) * (np.asarray(dominance, float) - dominance_start)
    )
    victory = 1.0 - np.asarray(freeze_share, float)
    decision = base * victory * (1.0 - np.asarray(collapse_share, float)) * tilt
    collapse = (
        base
        * victory
        * collapse_share
        * power(np.maximum(np.asarray(strain, float), 1e-9), strain_effect)
    )
    freeze = base * np.asarray(freeze_share, float) / tilt
    total = decision + collapse + freeze
    scale = np.where(total > 1.0, 1.0 / np.maximum(total, 1e-300), 1.0)
    return decision * scale, collapse * scale, freeze * scale


def draw_end(
    uniform: ArrayLike, decision: ArrayLike, collapse: ArrayLike, freeze: ArrayLike
) -> np.ndarray:
    """Which end (if any) a uniform draw picks: ``DECISION``, ``COLLAPSE``, ``FREEZE`` or 0.

    ``u < decision`` -> decision, ``< decision + collapse`` -> collapse, ``< sum`` -> freeze.
    """
    u = np.asarray(uniform, float)
    first = np.asarray(decision, float)
    second = first + collapse
    third = second + freeze
    return np.where(
        u < first, DECISION, np.where(u < second, COLLAPSE, np.where(u < third, FREEZE, ONGOING))
    )


def deal_share_from_territory_terms(terms: ArrayLike, front_shift: ArrayLike) -> np.ndarray:
    """Ukraine's share of the stakes (0-1) under territorial terms ``terms`` (0-100 scale).

    The scenario's territory scale runs from the 1991 borders (0) to Russia's full claim
    (100) and one point of territory is ``-front_shift`` points of the scale, so the terms
    leave Ukraine ``100 + terms / front_shift`` % of its territory. The acceptance test and
    the report use this one quantity.
    """
    share = 100.0 + np.asarray(terms, float) / np.asarray(front_shift, float)
    return bounded(share, 0.0, 100.0) / 100.0
