"""Workflows of issue 20: the rolling backtest and the 2025 forecast of the allies' shares.

Thin composition of :mod:`accord.fits.burden_backtest` for the faces (CLI, report,
dashboard), which call these and nothing below them.
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=1)
def backtest_verdict() -> str:
    """One line for the faces: the rolling backtest's scores of the estimated model, the
    calibrated game and the best baseline (h = 1..3, all origins) and which one is chosen."""
    result = rolling_backtest()
    rows = result["horizons"]
    cells = ", ".join(
        f"{name} " + "/".join(f"{s['mae'][name]:.3f}" for s in rows)
        for name in ("model", "joint_product", "persistence", "drift_pooled"))
    return (f"rolling backtest {result['origins'][0]}-{result['origins'][-1]}, MAE of share of "
            f"GDP (pp) at h = 1/2/3: {cells} (model = estimated demand, covariates forecast "
            f"as of the origin). Verdict: {result['verdict']}.")


def aid_reaction(measure: str = "total") -> dict[str, Any]:
    """The donor-level aid reaction fit: predicted vs observed 2025 European replacement."""
    from accord.spec.errors import ScenarioError
    from accord.workflows.burden_aid_donor import fit

    if measure not in ("total", "military"):
        raise ScenarioError(None, "unknown aid measure", field="measure",
                            expected="total or military", found=measure)
    return fit(measure)
