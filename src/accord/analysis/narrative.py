"""Sentences that answer the corpus's questions from the results of a run's variants.

The report's summary and the dashboard's Overview both say, in words and numbers, what the runs
mean: when a ceasefire comes, whether it holds, who pays, how often Russia and NATO clash, and
what the variants and levers change. Every figure comes with an interval:

* a share or mean over futures gets a 95 % percentile bootstrap interval of that mean (Efron &
  Tibshirani 1993, ch. 13), i.e. how precisely the runs pin down the model's answer;
* a median over futures gets the 5-95 % range of futures (the spread of outcomes, not a
  confidence interval);
* a difference between variants or lever options gets a 95 % bootstrap interval, and is called
  "distinguishable from sampling noise" only when that interval excludes zero.

Nothing here draws or writes; the functions take plain tables and return :class:`Finding`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from accord.analysis.summary import (
    bootstrap_mean_difference,
    bootstrap_means,
    outcome_label,
    quantile_summary,
)

#: The horizon of "a ceasefire soon" in the sentences (months): "within 24 months" is month
#: indices 0-23, as in accord.analysis.summary.probability_ceasefire_within.
CEASEFIRE_SOON_MONTHS = 24
#: Outcomes whose lever effects the summary reports.
LEVER_OUTCOMES = ("ceasefire_reached", "peace_holds_5y")
TOPICS = ("ceasefire", "durability", "who pays", "escalation", "variants", "levers",
          "how sure")


@dataclass(frozen=True)
class Finding:
    """One answer: a topic ("ceasefire", "durability", ...), a title and a sentence."""

    topic: str
    title: str
    sentence: str


@dataclass(frozen=True)
class Estimate:
    """A mean over futures with its 95 % bootstrap interval, over ``n`` futures."""

    value: float
    low: float
    high: float
    n: int


def mean_interval(values: np.ndarray | pd.Series, *, n_boot: int = 1000,
                  seed: int = 0) -> Estimate:
    """Mean of the non-NaN ``values`` with a 95 % percentile bootstrap interval."""
    array = np.asarray(values, dtype=float)
    array = array[~np.isnan(array)]
    if array.size == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    boot = bootstrap_means(array[:, None], n_boot, np.random.default_rng(seed))[:, 0]
    low, high = np.quantile(boot, [0.025, 0.975])
    return Estimate(float(array.mean()), float(low), float(high), int(array.size))


def percent(value: float) -> str:
    """A share as a whole percentage: ``"62 %"`` (the intervals show the precision)."""
    if value is None or math.isnan(value):
        return "–"
    return f"{100 * value:.0f} %"


def percent_interval(estimate: Estimate) -> str:
    """``"62 % (58–66 %)"``."""
    if math.isnan(estimate.value):
        return "–"
    return (f"{percent(estimate.value)} (95 % interval {100 * estimate.low:.0f}–"
            f"{100 * estimate.high:.0f} %)")


def number(value: float) -> str:
    """A number with a precision that suits its size."""
    if value is None or math.isnan(value):
        return "–"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def signed_points(value: float) -> str:
    """A difference of shares in percentage points: ``"+4.2 pp"``."""
    if math.isnan(value):
        return "–"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{abs(100 * value):.1f} pp"


def _derived(scalars: pd.DataFrame) -> pd.DataFrame:
    out = scalars
    if "ceasefire_month" in out and "ceasefire_reached" not in out:
        out = out.assign(ceasefire_reached=out["ceasefire_month"].notna().astype(float))
    return out


def _by_variant(parts: Sequence[str]) -> str:
    return "; ".join(parts)


def findings(
    scalars_by_variant: dict[str, pd.DataFrame],
    *,
    effects: pd.DataFrame | None = None,
    n_boot: int = 1000,
    seed: int = 0,
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
        Bootstrap replicates and seed of every interval.
    """
    tables = {v: _derived(t) for v, t in scalars_by_variant.items()}
    out: list[Finding] = []
    for build in (_ceasefire, _durability, _who_pays, _escalation):
        finding = build(tables, n_boot, seed)
        if finding is not None:
            out.append(finding)
    variants = _variants(tables, n_boot, seed)
    if variants is not None:
        out.append(variants)
    levers = _levers(effects)
    if levers is not None:
        out.append(levers)
    sizes = ", ".join(f"{v} {len(t):,}" for v, t in tables.items())
    out.append(Finding(
        "how sure", "How sure",
        f"Futures simulated per variant: {sizes}. Intervals in brackets are 95 % bootstrap "
        "intervals of a share or mean: how precisely these runs pin down the model's answer, "
        "not whether the model is right. Ranges of futures (5–95 %) show how much the "
        "outcome itself varies across the uncertainties.",
    ))
    return out


def _ceasefire(tables: dict[str, pd.DataFrame], n_boot: int, seed: int) -> Finding | None:
    parts = []
    for variant, table in tables.items():
        if "ceasefire_month" not in table:
            continue
        months = table["ceasefire_month"].to_numpy(dtype=float)
        soon = mean_interval(np.nan_to_num(months, nan=np.inf) < CEASEFIRE_SOON_MONTHS,
                             n_boot=n_boot, seed=seed)
        ever = mean_interval(~np.isnan(months), n_boot=n_boot, seed=seed)
        spread = quantile_summary(months)
        text = (f"{variant}: {percent_interval(soon)} within {CEASEFIRE_SOON_MONTHS} months, "
                f"{percent(ever.value)} within the horizon")
        if spread["n"]:
            text += (f", at a median month {spread['q50']:.0f} when it comes (5–95 % of futures:"
                     f" {spread['q05']:.0f}–{spread['q95']:.0f})")
        parts.append(text)
    if not parts:
        return None
    return Finding("ceasefire", "Ceasefire",
                   "Share of futures with a ceasefire — " + _by_variant(parts) + ".")


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
        parts.append(f"{variant}: {percent_interval(given)} once a ceasefire is reached, "
                     f"{percent(overall.value)} of all futures")
    if not parts:
        return None
    return Finding("durability", "Durability",
                   "Probability that peace holds five years — " + _by_variant(parts) + ".")


def _who_pays(tables: dict[str, pd.DataFrame], n_boot: int, seed: int) -> Finding | None:
    parts = []
    unit = ""
    for variant, table in tables.items():
        donors = [c for c in table.columns if c.startswith("aid_total_")]
        if "aid_total_europe" not in donors:
            continue
        unit = outcome_label("aid_total_europe")[1]
        europe = quantile_summary(table["aid_total_europe"])
        text = (f"{variant}: Europe {number(europe['q50'])} (5–95 % of futures "
                f"{number(europe['q05'])}–{number(europe['q95'])})")
        if "aid_total_us" in donors:
            text += f", the US {number(quantile_summary(table['aid_total_us'])['q50'])}"
        total = table[donors].to_numpy(dtype=float).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, table["aid_total_europe"].to_numpy(dtype=float) / total,
                             np.nan)
        europe_share = mean_interval(share, n_boot=n_boot, seed=seed)
        text += f"; Europe's share {percent_interval(europe_share)}"
        if "europe_defence_pct_gdp_end" in table:
            spend = quantile_summary(table["europe_defence_pct_gdp_end"])
            text += f"; European defence at {number(spend['q50'])} % of GDP at the end"
        parts.append(text)
    if not parts:
        return None
    return Finding("who pays", "Who pays",
                   f"Median aid to Ukraine over the horizon ({unit}) — "
                   + _by_variant(parts) + ".")


def _escalation(tables: dict[str, pd.DataFrame], n_boot: int, seed: int) -> Finding | None:
    parts = []
    for variant, table in tables.items():
        if "escalation_use_of_force_events" not in table:
            continue
        events = table["escalation_use_of_force_events"].to_numpy(dtype=float)
        any_event = mean_interval(np.where(np.isnan(events), np.nan, events > 0),
                                  n_boot=n_boot, seed=seed)
        mean = mean_interval(events, n_boot=n_boot, seed=seed)
        parts.append(f"{variant}: {percent_interval(any_event)}, {number(mean.value)} events "
                     f"on average ({number(mean.low)}–{number(mean.high)})")
    if not parts:
        return None
    return Finding("escalation", "Escalation",
                   "Share of futures with at least one Russia–NATO use-of-force dispute (a "
                   "militarized incident at COW MID hostility level 4 or more, as fitted on "
                   "1949-2014; not a Russia–NATO war, which is not in the data) — "
                   + _by_variant(parts) + ".")


def _variants(tables: dict[str, pd.DataFrame], n_boot: int, seed: int) -> Finding | None:
    names = list(tables)
    if len(names) < 2:
        return None
    reference = names[0]
    outcomes = [o for o in LEVER_OUTCOMES if o in tables[reference]]
    if not outcomes:
        return None
    rng = np.random.default_rng(seed)
    parts = []
    for variant in names[1:]:
        common = [o for o in outcomes if o in tables[variant]]
        if not common:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            diff = bootstrap_mean_difference(tables[variant][common].to_numpy(dtype=float),
                                             tables[reference][common].to_numpy(dtype=float),
                                             n_boot=n_boot, seed=rng)
        texts = []
        for outcome, row in zip(common, diff.itertuples(), strict=True):
            texts.append(f"{_short(outcome)} {_difference(row.difference, row.low, row.high)}")
        parts.append(f"{variant}: " + ", ".join(texts))
    if not parts:
        return None
    return Finding("variants", "What the variants change",
                   f"Against {reference} — " + _by_variant(parts) + ".")


def _short(outcome: str) -> str:
    return {"ceasefire_reached": "a ceasefire within the horizon",
            "peace_holds_5y": "peace holding five years (all futures)"}.get(
        outcome, outcome_label(outcome)[0])


def _difference(value: float, low: float, high: float) -> str:
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
            parts.append(f"no lever option moves {_short(outcome)} distinguishably from "
                         "sampling noise")
            continue
        best = clear.loc[clear["difference"].abs().idxmax()]
        where = f" in {best['variant']}" if "variant" in best else ""
        parts.append(f"{_short(outcome)} moves most with {best['lever']} = {best['option']} "
                     f"instead of {best['reference']}{where}: "
                     f"{_difference(best['difference'], best['low'], best['high'])}")
    if not parts:
        return None
    return Finding("levers", "What the levers change",
                   _by_variant(parts)[0].upper() + _by_variant(parts)[1:] + ".")
