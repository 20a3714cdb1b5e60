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
