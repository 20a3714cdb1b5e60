"""Fitting one of accord's fitted models (see :mod:`accord.fits`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.fits import FitResult


def fit(name: str, **options: Any) -> FitResult:
    """Estimate the fitted model ``name`` on its shipped data (``accord fit NAME``).

    Returns a :class:`accord.fits.FitResult` (estimates with intervals, the sample, fit
    statistics; ``.to_dict()`` for JSON). An unknown name raises ScenarioError. A fit that
    draws takes ``seed=`` or ``rng=`` (numpy SPEC 7, :func:`accord.workflows.seeds.resolve_seed`);
    the fit receives the resolved ``seed``.
    """
    from accord.fits import run_fit

    if options.get("rng") is not None:
        from accord.workflows.seeds import resolve_seed

        options["seed"] = resolve_seed(options.pop("seed", None), options.pop("rng"))
    options.pop("rng", None)

    return run_fit(name, **options)
