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


def verdict_csv(result: dict[str, Any]) -> str:
    """The verdict table (which model every face and the engine use) as CSV text."""
    from accord.fits.burden_backtest import verdict_csv as text

    return text(result)


def chosen_model() -> str:
    """The counterfactual model the shipped verdict table chooses: ``estimated``,
    ``joint-product`` or ``persistence``."""
    from accord.fits.burden_backtest import chosen_face_model

    return chosen_face_model()


def verdict_line() -> str:
    """The shipped verdict in one line (scores at h = 1/2/3 and the method used)."""
    from accord.fits.burden_backtest import verdict_line as line

    return line()


def gaps(year: int | None = None) -> dict[str, Any]:
    """Each ally's and group's gap to 2, 3.5 and 5 % of GDP (``burden_runs.gaps``)."""
    from accord.workflows.burden_runs import gaps as run

    return run(year)


def aid_reaction(measure: str = "total") -> dict[str, Any]:
    """The donor-level aid reaction fit: predicted vs observed 2025 European replacement."""
    from accord.spec.errors import ScenarioError
    from accord.workflows.burden_aid_donor import fit

    if measure not in ("total", "military"):
        raise ScenarioError(
            None,
            "unknown aid measure",
            field="measure",
            expected="total or military",
            found=measure,
        )
    return fit(measure)
