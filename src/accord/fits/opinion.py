"""Public support for aiding Ukraine: the partial-adjustment fit as ``accord fit opinion``.

A thin wrapper: the model and its calibration are :func:`accord.models.opinion.fit_opinion`
(nonlinear least squares on the Pew/Gallup and Eurobarometer series, Wald intervals from the
Gauss-Newton covariance; see ``docs/models/opinion.md``). This module only states it in the
common :class:`~accord.fits.FitResult` shape, with the leave-one-out check as its out-of-sample
statistic.
"""

from __future__ import annotations

from accord.fits import DataSample, Estimate, FitResult

UNITS = {
    "adjustment_rate": "share of the gap closed per month",
    "cost_sensitivity": "support points per EUR bn a month",
    "baseline_US": "support points (0-100)",
    "baseline_Europe": "support points (0-100)",
}


def fit(fit_cost: bool = False) -> FitResult:
    """Fit the support model on the packaged polls (and Kiel aid flows for the cost term)."""
    from accord.data import load
    from accord.models import opinion

    polls = load("public_opinion").frame
    aid = load("kiel_by_year_group").frame
    result = opinion.fit_opinion(polls, aid, fit_cost=fit_cost)
    loo = opinion.leave_one_out(polls, aid, fit_cost=fit_cost)
    estimates = []
    for name, value in result.params.items():
        if name == "cost_sensitivity" and not fit_cost:
            continue  # fixed at 0, not estimated (see the notes)
        low, high = result.ci[name]
        estimates.append(Estimate(name, value, low, high, UNITS.get(name, "")))
    months = [int(m) for months, _ in result.series.values() for m in months]
    first_year = opinion.CLOCK_START[0] + (opinion.CLOCK_START[1] - 1 + min(months)) // 12
    last_year = opinion.CLOCK_START[0] + (opinion.CLOCK_START[1] - 1 + max(months)) // 12
    return FitResult(
        model="opinion",
        description="public support for aiding Ukraine: partial adjustment toward a baseline",
        method="nonlinear least squares, Wald intervals from s^2 (J'J)^-1",
        library="scipy.optimize.least_squares",
        data=DataSample(
            source="public_opinion_ukraine_aid.csv (Pew, Gallup, Eurobarometer)"
            + (" + kiel_ukraine_support_by_year_group_r28.csv" if fit_cost else ""),
            n=result.n,
            years=(first_year, last_year),
            description="poll points after each series' first (the initial condition)",
        ),
        estimates=tuple(estimates),
        statistics={
            "rmse_in_sample": round(result.rmse, 3),
            "loo_rmse_model": round(loo["model_rmse"], 3),
            "loo_rmse_constant_mean": round(loo["constant_mean_rmse"], 3),
            "loo_points": loo["n"],
            "reference_flow_eur_bn_month": {
                k: round(v, 3) for k, v in result.reference_flow.items()
            },
        },
        notes=(
            "Cost sensitivity is not identified by these data (fit_cost=True: interval spans "
            "zero, worse out of sample); the default fit fixes it at 0 and the scenario keeps "
            "it as analyst judgement.",
            "Progress sensitivity cannot be estimated: no monthly progress series in the data.",
        ),
    )
