"""How futures' wars end: shares by end type, and the war-duration hazards the calibration uses.

Plain functions of a run's ``scalars`` (``war_end_month``, ``war_end_type``: the code of
:data:`accord.models.war.WAR_END_TYPES`, 0 = still at war after the first war) and, for the
share at war in the last month, its ``series``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Labels of the ``war_end_type`` codes (same order as accord.models.war.WAR_END_TYPES).
END_TYPES: tuple[str, ...] = ("ongoing", "ceasefire", "decision", "collapse", "freeze")
#: Windows of the calibration targets, months after the scenario's start: year 1, years 2-3,
#: years 4-10.
WINDOWS: tuple[tuple[str, int, int], ...] = (
    ("year_1", 0, 12),
    ("years_2_3", 12, 36),
    ("years_4_10", 36, 120),
)


def end_type_shares(scalars: pd.DataFrame) -> dict[str, float]:
    """Share of all futures whose war first ended in each way (``ongoing``: it never did)."""
    codes = scalars["war_end_type"].to_numpy(dtype=float)
    return {
        label: float(np.mean(codes == code)) if codes.size else float("nan")
        for code, label in enumerate(END_TYPES)
    }


def window_hazard(war_end_month: np.ndarray | pd.Series, start: int, stop: int) -> float:
    """Share of the futures still at war at month ``start`` whose war ends before ``stop``.

    The discrete analogue of ``1 - S(stop) / S(start)`` for the first war (NaN = not ended).
    """
    months = np.asarray(war_end_month, dtype=float)
    at_war = np.isnan(months) | (months >= start)
    if not at_war.any():
        return float("nan")
    ended = ~np.isnan(months) & (months >= start) & (months < stop)
    return float(ended.sum() / at_war.sum())


def window_hazards(scalars: pd.DataFrame, horizon: int | None = None) -> dict[str, float]:
    """:func:`window_hazard` for each of :data:`WINDOWS` that fits in the horizon."""
    months = scalars["war_end_month"]
    return {
        name: window_hazard(months, start, stop)
        for name, start, stop in WINDOWS
        if horizon is None or stop <= horizon
    }


def ceasefire_failure_rate(
    scalars: pd.DataFrame, horizon: int, years: float = 5.0
) -> tuple[float, int]:
    """Share of first ceasefires (early enough to watch ``years``) renewed within ``years``.

    Returns the rate and the number of ceasefires it is computed on.
    """
    window = 12.0 * years
    ceasefire = scalars["ceasefire_month"].to_numpy(dtype=float)
    renewed = scalars["war_renewed_month"].to_numpy(dtype=float)
    watched = ~np.isnan(ceasefire) & (ceasefire + window <= horizon)
    if not watched.any():
        return float("nan"), 0
    failed = ~np.isnan(renewed[watched]) & (renewed[watched] - ceasefire[watched] <= window)
    return float(failed.mean()), int(watched.sum())


def at_war_last_month(series: pd.DataFrame) -> float:
    """Share of futures at war in the last simulated month (NaN without series)."""
    if series is None or not len(series) or "at_war" not in series:
        return float("nan")
    last = series["month"].max()
    return float(series.loc[series["month"] == last, "at_war"].astype(float).mean())


def ended_share(scalars: pd.DataFrame, kinds: tuple[str, ...]) -> tuple[float, int]:
    """Share of the futures whose war ended (first end) that ended in one of ``kinds``.

    ``kinds`` are labels of :data:`END_TYPES` (e.g. ``("decision", "collapse")`` for a
    decisive end). Returns the share and the number of ended futures it is computed on.
    """
    codes = scalars["war_end_type"].to_numpy(dtype=float)
    ended = codes > 0
    if not ended.any():
        return float("nan"), 0
    wanted = np.isin(codes[ended], [END_TYPES.index(kind) for kind in kinds])
    return float(wanted.mean()), int(ended.sum())


def ceasefire_later_failure_rate(
    scalars: pd.DataFrame, horizon: int, after_years: float = 1.0, by_years: float = 5.0
) -> tuple[float, int]:
    """Share of first ceasefires that held ``after_years`` and failed by ``by_years``.

    Of the first ceasefires early enough to be watched ``by_years`` and not renewed within
    ``after_years``, the share renewed within ``by_years`` (the second stage of durability).
    """
    ceasefire = scalars["ceasefire_month"].to_numpy(dtype=float)
    renewed = scalars["war_renewed_month"].to_numpy(dtype=float)
    gap = renewed - ceasefire
    watched = ~np.isnan(ceasefire) & (ceasefire + 12.0 * by_years <= horizon)
    held = watched & ~(~np.isnan(gap) & (gap <= 12.0 * after_years))
    if not held.any():
        return float("nan"), 0
    failed = ~np.isnan(gap[held]) & (gap[held] <= 12.0 * by_years)
    return float(failed.mean()), int(held.sum())
