"""The one interval method of accord: shares, means and differences between runs.

Every face (report summary and comparison table, dashboard, ``accord compare``, the API's
``Study.compare``) takes its intervals from here, so that they agree.

* A share (a 0/1 outcome) gets the Wilson score interval (Wilson 1927; Brown, Cai & DasGupta
  2001 recommend it for every n).
* A mean gets the normal interval mean ± z·s/√n (central limit theorem; the runs have
  hundreds to tens of thousands of futures).
* A difference A − B between two runs:

  - *paired* when the runs share their futures (common random numbers: same seed, same
    experiments, same uncertainty draws): the normal interval of the per-future differences
    (for a mean over the futures where the outcome is observed, of their linearised
    differences: the delta method, Cochran 1977 §6.4), which removes the noise common to both;
  - *independent* otherwise: Newcombe's hybrid score interval for two shares (Newcombe 1998,
    method 10), and the Welch normal interval for two means.

The bootstrap is not needed for these statistics (means and shares of hundreds of futures or
more); :func:`accord.analysis.summary.bootstrap_means` stays for the levers' effects of small
subgroups. An interval whose ends coincide (every future gives the same value or the same
difference) is *degenerate*: :attr:`Interval.degenerate` says so and the formatter says
"the same in every future" instead of a false "91 % (91–91 %)".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

LEVEL = 0.95


@dataclass(frozen=True)
class Interval:
    """An estimate with its interval at ``level``, from ``n`` futures, by ``method``."""

    value: float
    low: float
    high: float
    n: int
    method: str
    level: float = LEVEL

    @property
    def degenerate(self) -> bool:
        """True when the interval has no width (no sampling variation at all)."""
        return (
            not math.isnan(self.low)
            and not math.isnan(self.high)
            and self.high - self.low <= 1e-12 * max(1.0, abs(self.value))
        )

    @property
    def excludes_zero(self) -> bool:
        """True when the interval lies wholly on one side of zero (a detectable difference)."""
        if math.isnan(self.low) or math.isnan(self.high):
            return False
        return self.low > 0 or self.high < 0


def z_value(level: float) -> float:
    """The two-sided normal quantile of a ``level`` interval (1.96 for 0.95): the one inverse
    normal CDF of the analyses (the standard library's: importing scipy.stats for it cost a
    dashboard's first summary more than a second)."""
    return float(NormalDist().inv_cdf(0.5 + level / 2.0))


def _observed(values: Any) -> np.ndarray:
    """The non-NaN ``values`` as floats."""
    array = np.asarray(values, dtype=float)
    return array[~np.isnan(array)]


def is_indicator(values: np.ndarray) -> bool:
    """True when the non-NaN values are all 0 or 1 (and there is at least one)."""
    values = np.asarray(values, dtype=float)
    observed = values[~np.isnan(values)]
    return observed.size > 0 and bool(np.isin(observed, (0.0, 1.0)).all())


def _wilson(successes: float, n: int, z: float) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def share_interval(values: Any, *, level: float = LEVEL) -> Interval:
    """Share of 1s among the non-NaN 0/1 ``values``, with the Wilson score interval."""
    array = _observed(values)
    n = int(array.size)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, "wilson", level)
    low, high = _wilson(float(array.sum()), n, z_value(level))
    return Interval(float(array.mean()), low, high, n, "wilson", level)


def mean_interval(values: Any, *, level: float = LEVEL) -> Interval:
    """Mean of the non-NaN ``values``: Wilson for a 0/1 outcome, normal otherwise."""
    array = _observed(values)
    n = int(array.size)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, "normal", level)
    if is_indicator(array):
        return share_interval(array, level=level)
    mean = float(array.mean())
    if n < 2:
        return Interval(mean, math.nan, math.nan, n, "normal", level)
    half = z_value(level) * float(array.std(ddof=1)) / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n, "normal", level)


def difference_interval(a: Any, b: Any, *, paired: bool, level: float = LEVEL) -> Interval:
    """Mean of ``a`` minus mean of ``b`` (each over its non-NaN values), with its interval.

    ``paired=True`` needs ``a[i]`` and ``b[i]`` to be the same future (common random
    numbers); the interval is then the normal interval of the per-future differences.
    """
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    if paired and len(a) != len(b):
        raise ValueError("a paired comparison needs the same experiments in both runs")
    z = z_value(level)
    obs_a, obs_b = ~np.isnan(a), ~np.isnan(b)
    n_a, n_b = int(obs_a.sum()), int(obs_b.sum())
    if n_a == 0 or n_b == 0:
        return Interval(math.nan, math.nan, math.nan, min(n_a, n_b), "none", level)
    mean_a, mean_b = float(a[obs_a].mean()), float(b[obs_b].mean())
    value = mean_a - mean_b
    if paired:
        n = len(a)
        if obs_a.all() and obs_b.all():
            d = a - b
            method = "paired normal"
        else:
            # Linearised (delta-method) per-future contributions of two ratio means
            # sum(x·o)/sum(o): o·(x − mean)/share, their difference per future.
            share_a, share_b = n_a / n, n_b / n
            contrib_a = np.where(obs_a, np.nan_to_num(a) - mean_a, 0.0) / share_a
            contrib_b = np.where(obs_b, np.nan_to_num(b) - mean_b, 0.0) / share_b
            d = contrib_a - contrib_b
            method = "paired normal (delta method)"
        if n < 2:
            return Interval(value, math.nan, math.nan, n, method, level)
        half = z * float(np.std(d, ddof=1)) / math.sqrt(n)
        return Interval(value, value - half, value + half, n, method, level)
    n = min(n_a, n_b)
    if is_indicator(a[obs_a]) and is_indicator(b[obs_b]):
        low_a, high_a = _wilson(float(a[obs_a].sum()), n_a, z)
        low_b, high_b = _wilson(float(b[obs_b].sum()), n_b, z)
        low = value - math.sqrt((mean_a - low_a) ** 2 + (high_b - mean_b) ** 2)
        high = value + math.sqrt((high_a - mean_a) ** 2 + (mean_b - low_b) ** 2)
        return Interval(value, low, high, n, "newcombe", level)
    if n_a < 2 or n_b < 2:
        return Interval(value, math.nan, math.nan, n, "welch normal", level)
    se = math.sqrt(float(a[obs_a].var(ddof=1)) / n_a + float(b[obs_b].var(ddof=1)) / n_b)
    return Interval(value, value - z * se, value + z * se, n, "welch normal", level)


def tables_are_paired(
    table_a: pd.DataFrame,
    table_b: pd.DataFrame,
    *,
    uncertainties: list[str] | None = None,
    meta_a: dict | None = None,
    meta_b: dict | None = None,
) -> bool:
    """True when two scalars tables are the same futures (common random numbers).

    Same experiments in the same order, the same seed where the metadata give one, and the
    same values of the uncertainty columns (default: the columns the metadata's design names).
    """
    meta_a, meta_b = meta_a or {}, meta_b or {}
    if meta_a.get("seed") is not None and meta_a.get("seed") != meta_b.get("seed"):
        return False
    if "experiment" not in table_a or "experiment" not in table_b:
        return False
    if not np.array_equal(table_a["experiment"].to_numpy(), table_b["experiment"].to_numpy()):
        return False
    if uncertainties is None:
        names_a = (meta_a.get("design") or {}).get("uncertainties")
        names_b = (meta_b.get("design") or {}).get("uncertainties")
        if not names_a or names_a != names_b:
            return False
        uncertainties = list(names_a)
    if not uncertainties or any(c not in table_a or c not in table_b for c in uncertainties):
        return False
    return bool(
        table_a[uncertainties]
        .reset_index(drop=True)
        .equals(table_b[uncertainties].reset_index(drop=True))
    )
