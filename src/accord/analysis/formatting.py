"""The one number formatter of accord's faces (CLI, report, dashboard).

* :func:`fmt` — a number for a table, by unit: probabilities and shares as percentages,
  ``"pp"`` (percentage points) with one decimal, months as whole months, money and other
  amounts with a precision that depends on the magnitude;
* :func:`percent`, :func:`signed_points` — a share (``"62 %"``) and a difference of shares
  (``"+4.2 pp"``) in sentences;
* :func:`money` — an amount with its unit (``"1,234 EUR bn"``);
* :func:`interval_text` — an estimate with its interval, saying "the same in every future"
  for a degenerate interval instead of a false "91 % (91–91 %)".

The dashboard can import these (hook: ``accord.analysis.formatting.fmt``) so that all faces agree.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

PROBABILITY_UNITS = ("probability", "share", "share of futures")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


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
        return f"{100 * v:.1f} %"
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
    """A share as a whole percentage: ``"62 %"`` (the intervals show the precision)."""
    if _missing(value) or math.isnan(float(value)):
        return "–"
    return f"{100 * float(value):.0f} %"


def signed_points(value: Any) -> str:
    """A difference of shares in percentage points: ``"+4.2 pp"``."""
    if _missing(value) or math.isnan(float(value)):
        return "–"
    value = float(value)
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{abs(100 * value):.1f} pp"


def interval_text(estimate: Any, unit: str = "probability") -> str:
    """``"62 % (95 % interval 58–66 %)"``; degenerate: ``"91 % (in every future alike)"``.

    ``estimate`` has ``value``, ``low`` and ``high`` (an
    :class:`accord.analysis.intervals.Interval`).
    """
    value, low, high = float(estimate.value), float(estimate.low), float(estimate.high)
    if math.isnan(value):
        return "–"
    probability = unit in PROBABILITY_UNITS
    shown = percent(value) if probability else number(value)
    if math.isnan(low) or math.isnan(high):
        return f"{shown} (no interval: too few futures)"
    if high - low <= 1e-12 * max(1.0, abs(value)):
        return f"{shown} (in every future alike)"
    if probability:
        return f"{shown} (95 % interval {100 * low:.0f}–{100 * high:.0f} %)"
    return f"{shown} (95 % interval {number(low)}–{number(high)})"
