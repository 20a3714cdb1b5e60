"""Risk of a direct Russia-NATO escalation event, month by month.

A logistic hazard, vectorised over the batch axis ``B``:

    logit p = logit(base_rate) + war_effect * war_intensity
              + force_coefficient * log(1 + exposure / force_scale)
                * (1 + war_force_interaction * war_intensity) * (1 - backstop_deterrence * backstop)
    exposure = troops_thousand * (1 + proximity_effect * proximity)

* ``base_rate``: the monthly probability with no NATO-state forces deployed in Ukraine and no
  active war (``war_intensity = 0``).
* Deployed forces raise the risk with diminishing returns (the log term), more so near the line
  of contact (``proximity`` in [0, 1]) and while the war is being fought (``war_intensity`` in
  [0, 1]); a US backstop (``backstop`` in [0, 1]) deters attacks on the force and so damps the
  force's contribution.

The articles in ``shared/corpus/`` discuss this risk in words, not numbers:
``nato-support-coalition-of-the-willing-faq.txt`` lines 5, 8, 9 (support to Ukraine "potentially
escalating the conflict"; European caution "due to fears of escalating conflict with Russia";
concerns about "casualties and escalation"); ``shifting-sands-of-support-military-options.txt``
lines 18, 26, 35 (reluctance to confront "a nuclear-armed power"; "potential for
miscalculation"; "any move towards direct military involvement ... carries significant risks
of escalation"); ``ceasefire-talks-security-guarantees.txt`` lines 16, 23, 44 (European troops
as "a deterrent force"); ``trump-putin-global-power-shift.txt`` line 19 (doubts about the US
nuclear umbrella, i.e. the backstop). Every number below is therefore analyst judgement, with
its reason, and enters the simulation as an uncertainty over its range. The logistic form for
a binary monthly event is the standard discrete-time hazard (Beck, Katz & Tucker 1998).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.models.war import bounded, parameter


@dataclass(frozen=True)
class EscalationParameters:
    """Parameters of the escalation model (fields may hold arrays [B])."""

    base_rate: float = parameter(
        0.002,
        0.0005,
        0.01,
        "analyst judgement: no direct Russia-NATO combat in the ~40 months from Feb 2022 to "
        "mid-2025 despite incidents (rule of three: 95 % upper bound 3/40 per month for zero "
        "events); direct clashes between nuclear powers are rarer still",
        "monthly probability of a direct escalation event with no NATO forces in Ukraine, no war",
    )
    war_effect: float = parameter(
        1.0,
        0.0,
        2.0,
        "analyst judgement: active fighting (strikes near NATO borders, incursions) raises "
        "the risk; corpus nato-support-coalition-of-the-willing-faq.txt line 5",
        "log-odds increase of the base rate while the war is fought (war_intensity = 1)",
    )
    force_coefficient: float = parameter(
        1.0,
        0.2,
        2.0,
        "analyst judgement: a NATO-state force in Ukraine is a target and a tripwire; "
        "corpus shifting-sands-of-support-military-options.txt lines 26, 35",
        "log-odds increase per unit of log(1 + exposure / force_scale)",
    )
    force_scale_thousand: float = parameter(
        10.0,
        5.0,
        30.0,
        "analyst judgement: a force of this size (thousand troops) adds log 2 of exposure",
        "scale of the diminishing-returns force term",
    )
    proximity_effect: float = parameter(
        1.0,
        0.0,
        3.0,
        "analyst judgement: troops on the line of contact are more exposed than a force "
        "in western Ukraine (training, logistics, air policing)",
        "relative increase of exposure when the force is at the line of contact (proximity 1)",
    )
    war_force_interaction: float = parameter(
        1.0,
        0.0,
        3.0,
        "analyst judgement: a force present when the war resumes is far more exposed",
        "relative increase of the force term while the war is fought",
    )
    backstop_deterrence: float = parameter(
        0.5,
        0.0,
        0.9,
        "analyst judgement: a US backstop deters attacks on the force; corpus "
        "trump-putin-global-power-shift.txt line 19 (its credibility is in doubt)",
        "share of the force term removed by a full US backstop (backstop = 1)",
    )


DEFAULTS = EscalationParameters()


def escalation_probability(
    war_intensity: np.ndarray,
    troops_thousand: np.ndarray,
    proximity: np.ndarray,
    backstop: np.ndarray,
    *,
    base_rate: np.ndarray | float = DEFAULTS.base_rate,
    war_effect: np.ndarray | float = DEFAULTS.war_effect,
    force_coefficient: np.ndarray | float = DEFAULTS.force_coefficient,
    force_scale_thousand: np.ndarray | float = DEFAULTS.force_scale_thousand,
    proximity_effect: np.ndarray | float = DEFAULTS.proximity_effect,
    war_force_interaction: np.ndarray | float = DEFAULTS.war_force_interaction,
    backstop_deterrence: np.ndarray | float = DEFAULTS.backstop_deterrence,
) -> np.ndarray:
    """Monthly probability of a direct Russia-NATO escalation event, ``[B]`` in [0, 1].

    Parameters
    ----------
    war_intensity : ndarray [B]
        1 while the war is fought, 0 during a ceasefire (fractions allowed).
    troops_thousand : ndarray [B]
        NATO-state troops deployed in Ukraine (the reassurance force), thousands, >= 0.
    proximity : ndarray [B]
        0 = far from the line of contact, 1 = on it.
    backstop : ndarray [B]
        Strength of the US backstop, 0-1.
    base_rate, war_effect, ... : float or ndarray [B]
        See :class:`EscalationParameters`.

    Returns
    -------
    ndarray [B]
        Non-decreasing in ``troops_thousand`` and ``proximity``; equal to the base rate (after
        the war effect) when no troops are deployed. Logistic discrete-time hazard (Beck, Katz
        & Tucker 1998).
    """
    war = bounded(np.asarray(war_intensity, float), 0.0, 1.0)
    troops = np.maximum(np.asarray(troops_thousand, float), 0.0)
    proximity = bounded(np.asarray(proximity, float), 0.0, 1.0)
    backstop = bounded(np.asarray(backstop, float), 0.0, 1.0)
    exposure = troops * (1.0 + np.asarray(proximity_effect, float) * proximity)
    force_term = (
        np.asarray(force_coefficient, float)
        * np.log1p(exposure / force_scale_thousand)
        * (1.0 + np.asarray(war_force_interaction, float) * war)
        * (1.0 - np.asarray(backstop_deterrence, float) * backstop)
    )
    base_rate = np.asarray(base_rate, float)
    log_odds = np.log(base_rate) - np.log1p(-base_rate) + war_effect * war + force_term
    return 1.0 / (1.0 + np.exp(-log_odds))


def escalation_events(probability: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Whether an event happens this month: ``uniform < probability`` (``uniform`` ~ U(0, 1))."""
    return np.asarray(uniform) < probability
