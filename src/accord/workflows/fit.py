"""Fitting one of accord's fitted models (see :mod:`accord.fits`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.fits import FitResult


def fit(name: str, **options: Any) -> FitResult:
    """Estimate the fitted model ``name`` on its shipped data (``accord fit NAME``).

    Returns a :class:`accord.fits.FitResult` (estimates with intervals, the sample, fit
    statistics; ``.to_dict()`` for JSON). An unknown name raises ScenarioError.
    """
    from accord.fits import run_fit

    return run_fit(name, **options)
