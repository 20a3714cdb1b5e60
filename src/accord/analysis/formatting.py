"""The one number formatter of accord's faces (CLI, report, dashboard).

* :func:`fmt` — a number for a table, by unit: probabilities and shares as percentages with
  one decimal (``"61.8 %"``, :func:`probability`), ``"pp"`` (percentage points) with one
  decimal, months as whole months, money and other amounts with a precision that depends on
  the magnitude;
* :func:`outcome_text`, :func:`unit_for` — a value of a named outcome, formatted by the
  outcome registry's kind and unit (:mod:`accord.spec.outcomes`), and :func:`compare_text`,
  the comparison table of two runs as text (the CLI's and the dashboard's);
* :func:`percent`, :func:`signed_points` — a share (``"61.8 %"``, the same as in tables) and
  a difference of shares (``"+4.2 pp"``) in sentences;
* :func:`money` — an amount with its unit (``"1,234 EUR bn"``);
* :func:`interval_text` — an estimate with its interval, saying "the same in every future"
  for a degenerate interval instead of a false "91.0 % (91.0–91.0 %)".

A probability prints the same way on every face: ``probability(0.618) == "61.8 %"``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.spec.outcomes import outcome

if TYPE_CHECKING:
    import pandas as pd

PROBABILITY_UNITS = ("probability", "share", "share of futures")
#: Kinds of the outcome registry whose values (or means) are probabilities.
PROBABILITY_KINDS = ("probability", "indicator")
#: Statistics of :func:`accord.analysis.compare.compare_runs` that are probabilities.
PROBABILITY_STATISTICS = ("probability", "share observed")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _points(value: float) -> str:
    """A share in percent, without the sign: ``0.618`` -> ``"61.8"``."""
    return f"{100 * value:.1f}"


def probability(value: Any) -> str:
    """A probability or share as a percentage with one decimal: ``"61.8 %"`` (a dash when
    missing). Every face prints probabilities through this."""
    if _missing(value) or math.isnan(float(value)):
        return "–"
    return f"{_points(float(value))} %"


def fmt(value: Any, unit: str = "") -> str:
    """Format a number for a table (NaN and None print as a dash)."""
    if value is None:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if not isinstance(value, (int, float, np.floating, np.integer)):
        return str(value)
    v = float(value)
    if math.isnan(v):
        return "–"
    if unit in PROBABILITY_UNITS:
        return probability(v)
    if unit == "pp":
        return f"{v:.1f}"
    if unit.startswith("months") and abs(v) >= 1:
        return f"{v:.0f}"
    magnitude = abs(v)
    if magnitude == 0:
        return "0"
    if magnitude >= 1e6 or magnitude < 1e-3:
        return f"{v:.2e}"
    if magnitude >= 1000:
        return f"{v:,.0f}"
    if magnitude >= 10:
        return f"{v:.1f}"
    if magnitude >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def number(value: Any) -> str:
    """A number in a sentence, with a precision that suits its size."""
    if _missing(value) or math.isnan(float(value)):
        return "–"
    value = float(value)
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def money(value: Any, unit: str) -> str:
    """An amount with its unit: ``"1,234 EUR bn"`` (a dash when missing)."""
    text = fmt(value, unit)
    return text if text == "–" else f"{text} {unit}".rstrip()


def percent(value: Any) -> str:
    """A share in a sentence: ``"61.8 %"``, as in the tables (:func:`probability`)."""
    return probability(value)


def unit_for(name: str, statistic: str | None = None) -> str:
    """The unit a value of outcome ``name`` is formatted by: ``"probability"`` for the
    registry's probabilities and indicators and for the statistics that are shares (``statistic``
    from :func:`accord.analysis.compare.compare_runs`), else the registry's unit."""
    entry = outcome(name)
    if (
        statistic in PROBABILITY_STATISTICS
        or str(statistic or "").startswith("share")  # "share: ceasefire" of a category
        or entry.kind in PROBABILITY_KINDS
    ):
        return "probability"
    return entry.unit


def outcome_text(value: Any, name: str, statistic: str | None = None) -> str:
    """A value of outcome ``name`` for a table, by the registry's kind and unit."""
    return fmt(value, unit_for(name, statistic))


def compare_text(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison of two runs (:func:`accord.analysis.compare.compare_runs`) as text:
    ``outcome, statistic, n_a, n_b, A, B, A − B, 95 % interval``, each value formatted by its
    outcome and statistic."""
    import pandas as pd

    units = [unit_for(o, s) for o, s in zip(table["outcome"], table["statistic"], strict=True)]

    def column(name: str) -> list[str]:
        return [fmt(v, u) for v, u in zip(table[name], units, strict=True)]

    lows, highs = column("ci_low"), column("ci_high")
    return pd.DataFrame(
        {
            "outcome": table["outcome"],
            "statistic": table["statistic"],
            "n_a": table["n_a"],
            "n_b": table["n_b"],
            "A": column("mean_a"),
            "B": column("mean_b"),
            "A − B": column("difference"),
            "95 % interval": [f"{lo} … {hi}" for lo, hi in zip(lows, highs, strict=True)],
        }
    )


def signed_points(value: Any) -> str:
    """A difference of shares in percentage points: ``"+4.2 pp"``."""
    if _missing(value) or math.isnan(float(value)):
        return "–"
    value = float(value)
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{_points(abs(value))} pp"


def interval_text(estimate: Any, unit: str = "probability") -> str:
    """``"61.8 % (95 % interval 58.0–66.1 %)"``; degenerate: ``"91.0 % (in every future
    alike)"``.

    ``estimate`` has ``value``, ``low`` and ``high`` (an
    :class:`accord.analysis.intervals.Interval`).
    """
    value, low, high = float(estimate.value), float(estimate.low), float(estimate.high)
    if math.isnan(value):
        return "–"
    is_probability = unit in PROBABILITY_UNITS
    shown = probability(value) if is_probability else number(value)
    if math.isnan(low) or math.isnan(high):
        return f"{shown} (no interval: too few futures)"
    if high - low <= 1e-12 * max(1.0, abs(value)):
        return f"{shown} (in every future alike)"
    if is_probability:
        return f"{shown} (95 % interval {_points(low)}–{probability(high)})"
    return f"{shown} (95 % interval {number(low)}–{number(high)})"


def month_label(start: Any, month: float) -> str:
    """Run month ``month`` as its calendar month (``"Mar 2026"``); the month number without
    a ``start``."""
    from datetime import date

    from accord.analysis.questions import add_months

    if start is None:
        return f"month {month:g}"
    first = date.fromisoformat(start) if isinstance(start, str) else start
    return add_months(first, round(month)).strftime("%b %Y")


def calendar_axis(axes: Any, start: Any) -> None:
    """Label a matplotlib axis of run months with calendar months from the scenario's ``start``
    (a date or ISO string); without one, the axis says "month from start". The data stay in
    run months, so figures of runs with and without a calendar are drawn the same way."""
    if start is None:
        axes.set_xlabel("month from start")
        return
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 3, 6, 10], integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda month, _: month_label(start, month)))
    axes.set_xlabel("")
