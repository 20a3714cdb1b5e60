"""Russia-NATO escalation events, month by month, at the rates fitted on COW MID 5.0.

**What an event is** (``accord.fits.escalation``): a militarized interstate dispute in which
Russia and a NATO member state are on opposite sides and one of them uses force (COW hostility
level >= 4: a blockade, seizure, clash or attack); a *fatal* event is one in which Russia or the
NATO state loses at least one soldier. A war between Russia and NATO is not in the data the rates
come from, so it is not what these events measure.

Events are Poisson in each month with the rate, vectorised over the batch axis ``B``,

    rate = base_rate * exp(war_effect * war_intensity
                           + force_effect * presence * (1 - backstop_deterrence * backstop))
    presence = min(troops_thousand / force_scale_thousand, 1)

* ``base_rate``: the post-Cold War (1992-2013) rate of use-of-force disputes, per month, with no
  NATO-state force in Ukraine and no war (fit escalation: ``rate_use_of_force_post_cold_war``).
* ``war_effect``: log rate ratio while Russia is at war in Ukraine (fit escalation: 2014 against
  1992-2013, ``log_rr_use_of_force_war_in_ukraine_2014_vs_post_cold_war``).
* ``force_effect``: log rate ratio of a NATO-state force in contact with Russian forces at full
  size; by analogy, the Cold War's forces in contact along the inner-German border against
  1992-2013 (fit escalation: ``log_rr_use_of_force_cold_war_vs_post_cold_war``). The analogy is
  analyst judgement; the numbers are the fit's.
* ``backstop_deterrence``: the share of the force's effect a US backstop removes (analyst
  judgement: the Cold War rate already includes the US presence, so the data cannot separate it).

The probability of at least one event in a month is ``1 - exp(-rate)``; one uniform per month
decides both the event (``u < p``) and whether it is fatal (``u < p * fatal_share``, with
``fatal_share`` the fitted share of use-of-force disputes that were fatal), so a fatal event is
always also a use-of-force event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.models.war import bounded, parameter


@dataclass(frozen=True)
class EscalationParameters:
    """Parameters of the escalation model (fields may hold arrays [B]); values from the fit."""

    base_rate: float = parameter(
        0.0347,
        "fit escalation (accord fit escalation): rate_use_of_force_post_cold_war 0.417 a year "
        "(95 % 0.202-0.747; 9 disputes in 1992-2013) / 12",
        "monthly rate of Russia-NATO use-of-force disputes with no war and no force deployed",
    )
    war_effect: float = parameter(
        1.04,
        "fit escalation: log_rr_use_of_force_war_in_ukraine_2014_vs_post_cold_war, 95 % "
        "interval (2014: 1 dispute in 1 year against 9 in 22)",
        "log rate ratio while Russia is at war in Ukraine (war_intensity = 1)",
    )
    force_effect: float = parameter(
        0.553,
        "fit escalation: log_rr_use_of_force_cold_war_vs_post_cold_war, 95 % interval; the "
        "analogy (a force in contact ~ the Cold War's forces in contact) is analyst judgement",
        "log rate ratio of a NATO-state force in Ukraine at full size",
    )
    force_scale_thousand: float = parameter(
        10.0,
        "analyst judgement: a force of this size (thousand troops) is in contact along the line",
        "force size at which the force's effect is complete",
    )
    backstop_deterrence: float = parameter(
        0.5,
        "analyst judgement: a US backstop deters attacks on the force; the Cold War rate "
        "already includes the US presence, so the data cannot separate it",
        "share of the force's effect removed by a full US backstop (backstop = 1)",
    )
    fatal_share: float = parameter(
        0.197,
        "fit escalation: fatal_share_of_use_of_force (8 of 41 use-of-force disputes 1949-2014)",
        "share of use-of-force events in which Russia or the NATO state lost a soldier",
    )


DEFAULTS = EscalationParameters()


def escalation_rate(
    war_intensity: np.ndarray,
    troops_thousand: np.ndarray,
    backstop: np.ndarray,
    *,
    base_rate: np.ndarray | float = DEFAULTS.base_rate,
    war_effect: np.ndarray | float = DEFAULTS.war_effect,
    force_effect: np.ndarray | float = DEFAULTS.force_effect,
    force_scale_thousand: np.ndarray | float = DEFAULTS.force_scale_thousand,
    backstop_deterrence: np.ndarray | float = DEFAULTS.backstop_deterrence,
) -> np.ndarray:
    """Monthly rate of Russia-NATO use-of-force disputes, ``[B]`` >= 0.

    Parameters
    ----------
    war_intensity : ndarray [B]
        1 while Russia fights in Ukraine, 0 during a ceasefire (fractions allowed).
    troops_thousand : ndarray [B]
        NATO-state troops deployed in Ukraine (the reassurance force), thousands, >= 0.
    backstop : ndarray [B]
        Strength of the US backstop, 0-1.
    base_rate, war_effect, ... : float or ndarray [B]
        See :class:`EscalationParameters`.

    Returns
    -------
    ndarray [B]
        Equal to ``base_rate`` with no war and no force; log-linear in the war and the force's
        presence (a Poisson rate model, Cameron & Trivedi 2013, ch. 3).
    """
    war = bounded(np.asarray(war_intensity, float), 0.0, 1.0)
    troops = np.maximum(np.asarray(troops_thousand, float), 0.0)
    backstop = bounded(np.asarray(backstop, float), 0.0, 1.0)
    presence = np.minimum(troops / np.asarray(force_scale_thousand, float), 1.0)
    log_ratio = np.asarray(war_effect, float) * war + np.asarray(force_effect, float) * presence * (
        1.0 - np.asarray(backstop_deterrence, float) * backstop
    )
    return np.asarray(base_rate, float) * np.exp(log_ratio)


def event_probability(rate: np.ndarray) -> np.ndarray:
    """Probability of at least one event in the month, ``1 - exp(-rate)`` (Poisson)."""
    return -np.expm1(-np.maximum(np.asarray(rate, float), 0.0))


def escalation_events(probability: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Whether a use-of-force event happens this month: ``uniform < probability``."""
    return np.asarray(uniform) < probability


def fatal_events(
    probability: np.ndarray, fatal_share: np.ndarray | float, uniform: np.ndarray
) -> np.ndarray:
    """Whether a fatal event happens: ``uniform < probability * fatal_share`` (same uniform)."""
    return np.asarray(uniform) < np.asarray(probability) * np.asarray(fatal_share, float)
