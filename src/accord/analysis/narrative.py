"""Sentences that answer the corpus's questions from the results of a run's variants.

The report's summary and the dashboard's Overview both say, in words and numbers, what the runs
mean: when a ceasefire comes, whether it holds, who pays, how often Russia and NATO clash, and
what the variants and levers change. Every figure comes with an interval:

* a share or mean over futures gets a 95 % interval of that mean (Wilson for a share, normal for
  a mean: :mod:`accord.analysis.intervals`), i.e. how precisely the runs pin down the model's
  answer;
* a median over futures gets the 5-95 % range of futures (the spread of outcomes, not a
  confidence interval);
* a difference between variants gets the 95 % interval of
  :func:`accord.analysis.intervals.difference_interval`, paired when the variants share their
  futures (the same one ``accord compare`` uses), and is called "distinguishable from sampling
  noise" only when that interval excludes zero; a lever's effect keeps the bootstrap interval
  of :func:`accord.analysis.sensitivity.lever_effects`.

Nothing here draws or writes; the functions take plain tables and return :class:`Finding`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from accord.analysis import intervals
from accord.analysis.formatting import interval_text, number, percent, signed_points
from accord.analysis.summary import outcome_label, quantile_summary
from accord.spec.outcomes import with_derived

#: The horizon of "a ceasefire soon" in the sentences (months): "within 24 months" is month
#: indices 0-23, as in accord.analysis.summary.probability_ceasefire_within.
CEASEFIRE_SOON_MONTHS = 24
#: Outcomes whose lever effects the summary reports.
LEVER_OUTCOMES = ("ceasefire_reached", "peace_holds_5y")
TOPICS = ("ceasefire", "durability", "who pays", "escalation", "variants", "levers", "how sure")


@dataclass(frozen=True)
class Finding:
    """One answer: a topic ("ceasefire", "durability", ...), a title and a sentence."""

    topic: str
    title: str
    sentence: str


#: A mean over futures with its 95 % interval (kept name: the estimate type of this module).
Estimate = intervals.Interval


def mean_interval(
    values: np.ndarray | pd.Series, *, n_boot: int | None = None, seed: int | None = None
) -> intervals.Interval:
    """Mean of the non-NaN ``values`` with its 95 % interval (Wilson for 0/1, else normal).

    ``n_boot`` and ``seed`` are accepted for callers of the former bootstrap and ignored:
    the interval is closed-form (:func:`accord.analysis.intervals.mean_interval`).
    """
    return intervals.mean_interval(values)


def percent_interval(estimate: intervals.Interval) -> str:
    """``"61.8 % (95 % interval 58.0–66.1 %)"``, or ``"91.0 % (in every future alike)"``."""
    return interval_text(estimate, "probability")


def _by_variant(parts: Sequence[str]) -> str:
    return "; ".join(parts)


def findings(
    scalars_by_variant: dict[str, pd.DataFrame],
    *,
    effects: pd.DataFrame | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    paired: bool | Mapping[str, bool] = False,
) -> list[Finding]:
    """The summary's answers, one :class:`Finding` per topic that the data can answer.

    Parameters
    ----------
    scalars_by_variant : dict of DataFrame
        One scalars table per variant (first = reference of the comparisons), with the
        engine's outcome columns (``ceasefire_month``, ``peace_holds_5y``, ``aid_total_*``,
        ``escalation_use_of_force_events``, ...) and, for the lever sentence, the lever columns.
    effects : DataFrame, optional
        Levers' effects as returned by :func:`accord.analysis.sensitivity.lever_effects`, with
        a ``variant`` column; without it the levers are not discussed.
    n_boot, seed : int
        Kept for callers; the intervals are closed-form (:mod:`accord.analysis.intervals`).
    paired : bool or dict
        Whether each variant shares its futures with the first (common random numbers), one
        flag for all or one per variant; the report passes what
        :func:`accord.analysis.intervals.tables_are_paired` finds.
    """
    tables = {v: with_derived(t) for v, t in scalars_by_variant.items()}
    out: list[Finding] = []
    for build in (_ceasefire, _durability, _who_pays, _escalation):
        finding = build(tables, n_boot, seed)
        if finding is not None:
            out.append(finding)
    variants = _variants(tables, paired)
    if variants is not None:
        out.append(variants)
    levers = _levers(effects)
    if levers is not None:
        out.append(levers)
    sizes = ", ".join(f"{v} {len(t):,}" for v, t in tables.items())
    out.append(
        Finding(
            "how sure",
            "How sure",
            f"Futures simulated per variant: {sizes}. Intervals in brackets are 95 % "
            "intervals of a share or mean (Wilson or normal; differences between variants paired "
            "when they share their futures): how precisely these runs pin down the model's answer, "
            "not whether the model is right. Ranges of futures (5–95 %) show how much the "
            "outcome itself varies across the uncertainties.",
        )
    )
    return out


def _ceasefire(tables: dict[str, pd.DataFrame], n_boot: int, seed: int) -> Finding | None:
    parts = []
    for variant, table in tables.items():
        if "ceasefire_month" not in table:
            continue
        months = table["ceasefire_month"].to_numpy(dtype=float)
        soon = mean_interval(
            np.nan_to_num(months, nan=np.inf) < CEASEFIRE_SOON_MONTHS, n_boot=n_boot, seed=seed
        )
        ever = mean_interval(~np.isnan(months), n_boot=n_boot, seed=seed)
        spread = quantile_summary(months)
        text = (
            f"{variant}: {percent_interval(soon)} within {CEASEFIRE_SOON_MONTHS} months, "
            f"{percent(ever.value)} within the horizon"
        )
        if spread["n"]:
            text += (
                f", at a median month {spread['q50']:.0f} when it comes (5–95 % of futures:"
                f" {spread['q05']:.0f}–{spread['q95']:.0f})"
            )
        parts.append(text)
    if not parts:
        return None
    return Finding(
        "ceasefire", "Ceasefire", "Share of futures with a ceasefire — " + _by_variant(parts) + "."
    )


def _durability(tables: dict[str, pd.DataFrame], n_boot: int, seed: int) -> Finding | None:
    parts = []
    for variant, table in tables.items():
        if "peace_holds_5y_given_ceasefire" not in table or "peace_holds_5y" not in table:
            continue
        given = mean_interval(table["peace_holds_5y_given_ceasefire"], n_boot=n_boot, seed=seed)
        overall = mean_interval(table["peace_holds_5y"], n_boot=n_boot, seed=seed)
        if given.n == 0:
            parts.append(f"{variant}: no ceasefire, so no peace to hold")
            continue
        parts.append(
            f"{variant}: {percent_interval(given)} once a ceasefire is reached, "
            f"{percent(overall.value)} of all futures"
        )
    if not parts:
        return None
    return Finding(
        "durability",
        "Durability",
        "Probability that peace holds five years — " + _by_variant(parts) + ".",
    )


def _who_pays(tables: dict[str, pd.DataFrame], n_boot: int, seed: int) -> Finding | None:
    parts = []
    unit = ""
    for variant, table in tables.items():
        donors = [c for c in table.columns if c.startswith("aid_total_")]
        if "aid_total_europe" not in donors:
            continue
        unit = outcome_label("aid_total_europe")[1]
        europe = quantile_summary(table["aid_total_europe"])
        text = (
            f"{variant}: Europe {number(europe['q50'])} (5–95 % of futures "
            f"{number(europe['q05'])}–{number(europe['q95'])})"
        )
        if "aid_total_us" in donors:
            text += f", the US {number(quantile_summary(table['aid_total_us'])['q50'])}"
        total = table[donors].to_numpy(dtype=float).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(
                total > 0, table["aid_total_europe"].to_numpy(dtype=float) / total, np.nan
            )
        europe_share = mean_interval(share, n_boot=n_boot, seed=seed)
        text += f"; Europe's share {percent_interval(europe_share)}"
        if "europe_defence_pct_gdp_end" in table:
            spend = quantile_summary(table["europe_defence_pct_gdp_end"])
            text += f"; European defence at {number(spend['q50'])} % of GDP at the end"
        parts.append(text)
    if not parts:
        return None
    return Finding(
        "who pays",
        "Who pays",
        f"Median aid to Ukraine over the horizon ({unit}) — " + _by_variant(parts) + ".",
    )


def _escalation(tables: dict[str, pd.DataFrame], n_boot: int, seed: int) -> Finding | None:
    parts = []
    for variant, table in tables.items():
        if "escalation_use_of_force_events" not in table:
            continue
        events = table["escalation_use_of_force_events"].to_numpy(dtype=float)
        any_event = mean_interval(
            np.where(np.isnan(events), np.nan, events > 0), n_boot=n_boot, seed=seed
        )
        mean = mean_interval(events, n_boot=n_boot, seed=seed)
        parts.append(
            f"{variant}: {percent_interval(any_event)}, {number(mean.value)} events "
            f"on average ({number(mean.low)}–{number(mean.high)})"
        )
    if not parts:
        return None
    return Finding(
        "escalation",
        "Escalation",
        "Share of futures with at least one Russia–NATO use-of-force dispute (a "
        "militarized incident at COW MID hostility level 4 or more, as fitted on "
        "1949-2014; not a Russia–NATO war, which is not in the data) — " + _by_variant(parts) + ".",
    )


def _variants(tables: dict[str, pd.DataFrame], paired: bool | Mapping[str, bool]) -> Finding | None:
    names = list(tables)
    if len(names) < 2:
        return None
    reference = names[0]
    outcomes = [o for o in LEVER_OUTCOMES if o in tables[reference]]
    if not outcomes:
        return None
    parts = []
    for variant in names[1:]:
        common = [o for o in outcomes if o in tables[variant]]
        if not common:
            continue
        pair = bool(paired.get(variant, False) if isinstance(paired, Mapping) else paired)
        texts = []
        for outcome in common:
            d = variant_difference(tables[variant], tables[reference], outcome, paired=pair)
            texts.append(f"{_short(outcome)} {_difference(d.value, d.low, d.high)}")
        parts.append(f"{variant}: " + ", ".join(texts))
    if not parts:
        return None
    return Finding(
        "variants", "What the variants change", f"Against {reference} — " + _by_variant(parts) + "."
    )


def variant_difference(
    table: pd.DataFrame, reference: pd.DataFrame, outcome: str, *, paired: bool
) -> intervals.Interval:
    """Difference of ``outcome``'s mean, ``table`` − ``reference``, with its interval."""
    return intervals.difference_interval(
        table[outcome].to_numpy(dtype=float),
        reference[outcome].to_numpy(dtype=float),
        paired=paired,
    )


def _short(outcome: str) -> str:
    return {
        "ceasefire_reached": "a ceasefire within the horizon",
        "peace_holds_5y": "peace holding five years (all futures)",
    }.get(outcome, outcome_label(outcome)[0])


def _difference(value: float, low: float, high: float) -> str:
    if not math.isnan(low) and high - low <= 1e-12:
        return f"{signed_points(value)} (the same in every future)"
    text = f"{signed_points(value)} ({signed_points(low)} … {signed_points(high)})"
    if math.isnan(low) or low <= 0 <= high:
        return text + ", not distinguishable from sampling noise"
    return text


def _levers(effects: pd.DataFrame | None) -> Finding | None:
    if effects is None or effects.empty:
        return None
    parts = []
    for outcome in LEVER_OUTCOMES:
        rows = effects[effects["outcome"] == outcome]
        if rows.empty:
            continue
        clear = rows[(rows["low"] > 0) | (rows["high"] < 0)]
        if clear.empty:
            parts.append(
                f"no lever option moves {_short(outcome)} distinguishably from sampling noise"
            )
            continue
        best = clear.loc[clear["difference"].abs().idxmax()]
        where = f" in {best['variant']}" if "variant" in best else ""
        parts.append(
            f"{_short(outcome)} moves most with {best['lever']} = {best['option']} "
            f"instead of {best['reference']}{where}: "
            f"{_difference(best['difference'], best['low'], best['high'])}"
        )
    if not parts:
        return None
    return Finding(
        "levers",
        "What the levers change",
        _by_variant(parts)[0].upper() + _by_variant(parts)[1:] + ".",
    )
