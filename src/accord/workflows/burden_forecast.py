"""Workflows of issue 20: the rolling backtest and the 2025 forecast of the allies' shares.

Thin composition of :mod:`accord.fits.burden_backtest` for the faces (CLI, report,
dashboard), which call these and nothing below them.
"""

from __future__ import annotations

from typing import Any


def rolling_backtest() -> dict[str, Any]:
    """Scores per horizon over the origins 2000-2021 and the shock origins (see fits)."""
    from accord.fits.burden_backtest import rolling

    return rolling()


def forecast(year: int = 2025) -> dict[str, Any]:
    """Each ally's share of GDP in ``year`` from data to ``year - 1``, by the backtest's choice,
    with NATO's unverified 2025 headlines beside as a check (changes only)."""
    from accord.fits.burden_backtest import forecast_year, nato_check

    result = forecast_year(year)
    result["nato_2025_unverified_check"] = nato_check(result)
    return result
