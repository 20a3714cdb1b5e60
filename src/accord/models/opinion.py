"""Public support for aiding Ukraine: partial adjustment toward a cost- and progress-set target.

Each donor's support ``support[B, D]`` (0-100, share of the public backing aid) moves every month
a fraction ``adjustment_rate`` of the way toward a target (the partial-adjustment model of
Nerlove 1958; applied to war support by Mueller 1973, *War, Presidents and Public Opinion*, and
Gartner & Segura 1998 (costs) and Gelpi, Feaver & Reifler 2009 (perceived success)):

    target  = baseline - cost_sensitivity * cost + progress_sensitivity * progress
    support' = support + adjustment_rate * (target - support),      inertia = 1 - adjustment_rate

``cost`` is the donor's aid flow above its calibration-period reference (EUR bn per month;
the fitted baselines hold at the reference flow, ``OpinionFit.reference_flow``) and
``progress`` a perceived-success index (e.g. the front's change over the last months, pp of
territory). Below a threshold, governments
cut aid: :func:`aid_multiplier` maps support to a multiplier in [0, 1], a logistic ramp (or a hard
step when ``width == 0``).

:func:`fit_opinion` calibrates the adjustment rate, the cost sensitivity and each series'
baseline on the dated poll series (Pew, Gallup, Eurobarometer), optionally with the Kiel
Institute's yearly aid allocations as the cost driver. The data support the partial adjustment
(it beats a constant mean in leave-one-out) but not a cost effect (interval spans zero, and it
does worse out of sample), so the default fit has no cost term and ``cost_sensitivity`` stays
an analyst-judgement uncertainty; ``progress_sensitivity`` cannot be identified at all (no
monthly progress series in the data).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from accord.models.war import bounded, parameter

#: First month of the model clock used in the calibration (month 0 = March 2022).
CLOCK_START = (2022, 3)


@dataclass(frozen=True)
class OpinionParameters:
    """Parameters of the support model: defaults and their sources (fields may hold arrays
    [B]); the ranges the experiments draw from are the scenario's uncertainties."""

    adjustment_rate: float = parameter(
        0.16,
        "fit_opinion on Pew/Gallup/Eurobarometer 2022-25: 0.16, 95 % CI 0.04-0.28 "
        "(docs/models/opinion.md)",
        "share of the gap to the target closed each month (inertia = 1 - rate)",
    )
    baseline_us: float = parameter(
        69.5,
        "fit_opinion: US series (100 - share saying 'too much', Pew/Gallup), 95 % CI",
        "US support level the public settles at with aid at its 2022-25 level",
    )
    baseline_europe: float = parameter(
        59.9,
        "fit_opinion: Eurobarometer EU27 approval of financing military equipment, 95 % CI",
        "European support level the public settles at with aid at its 2022-25 level",
    )
    cost_sensitivity: float = parameter(
        1.0,
        "analyst judgement: sign from Gartner & Segura 1998 (costs lower support); the poll "
        "data do not identify it (fit 1.7, 95 % CI -3.4 to 6.8; docs/models/opinion.md)",
        "support points lost per EUR bn a month of aid above the 2022-25 reference flow",
    )
    progress_sensitivity: float = parameter(
        1.0,
        "analyst judgement: Gelpi, Feaver & Reifler 2009 (perceived success raises support); "
        "not identifiable from the poll data here",
        "support points gained per pp of territory regained over the recent months",
    )
    aid_threshold: float = parameter(
        50.0,
        "analyst judgement: governments cut aid when less than about half the public backs it; "
        "corpus nato-support-coalition-of-the-willing-faq.txt line 9 (public opinion shapes "
        "decisions)",
        "support level (0-100) below which aid is cut",
    )
    aid_cut_width: float = parameter(
        3.0,
        "analyst judgement: 0 = hard cut at the threshold, larger = gradual cut",
        "width (support points) of the logistic ramp of the aid multiplier",
    )


DEFAULTS = OpinionParameters()


def support_target(
    baseline: np.ndarray,
    cost: np.ndarray,
    progress: np.ndarray,
    cost_sensitivity: np.ndarray | float,
    progress_sensitivity: np.ndarray | float,
) -> np.ndarray:
    """Support level the public moves toward, clipped to [0, 100].

    ``baseline - cost_sensitivity * cost + progress_sensitivity * progress``; arrays broadcast
    over ``[B, D]`` (pass per-experiment sensitivities as ``[B, 1]``).
    """
    target = baseline - cost_sensitivity * cost + progress_sensitivity * progress
    return bounded(target, 0.0, 100.0)


def step_support(
    support: np.ndarray, target: np.ndarray, adjustment_rate: np.ndarray | float
) -> np.ndarray:
    """One month of partial adjustment: ``support + rate * (target - support)`` (Nerlove 1958)."""
    return support + adjustment_rate * (target - support)


def aid_multiplier(
    support: np.ndarray, threshold: np.ndarray | float, width: np.ndarray | float
) -> np.ndarray:
    """Multiplier in [0, 1] on a donor's aid given its public support.

    Logistic ramp ``1 / (1 + exp(-(support - threshold) / width))``; a hard step
    (``support >= threshold``) where ``width`` is 0 (below 1e-9).
    """
    support = np.asarray(support, float)
    width = np.asarray(width, float)
    if width.ndim == 0 and width <= 1e-9:
        return (support >= threshold).astype(float)
    smooth_ramp = width > 1e-9
    safe_width = np.where(smooth_ramp, width, 1.0) if width.ndim else width
    z = bounded((support - threshold) / safe_width, -700.0, 700.0)
    smooth = 1.0 / (1.0 + np.exp(-z))
    if width.ndim == 0:
        return smooth
    return np.where(smooth_ramp, smooth, (support >= threshold).astype(float))


# ---------------------------------------------------------------- calibration on the poll series

_SEASON_MONTH = {"spring": 4, "early": 2, "winter": 1, "nov election": 10}


def fieldwork_month(text: str) -> int:
    """Month index on the model clock (0 = March 2022) of a poll's fieldwork string.

    The first ``YYYY-MM`` gives the month (start of fieldwork). Otherwise: ``YYYY-YY winter`` is
    January of the second year; ``YYYY (spring...)`` April; ``YYYY (early...)`` February;
    ``YYYY (just before Nov election)`` October.
    """
    text = str(text)
    month_match = re.match(r"^(\d{4})-(\d{2})(?!\d)", text)
    if month_match and "winter" not in text:
        year, month = int(month_match.group(1)), int(month_match.group(2))
    else:
        year_match = re.match(r"^(\d{4})(?:-(\d{2}))?", text)
        if year_match is None:
            raise ValueError(f"unreadable fieldwork date {text!r}")
        year = int(year_match.group(1))
        lowered = text.lower()
        season = next((m for key, m in _SEASON_MONTH.items() if key in lowered), None)
        if season is None:
            raise ValueError(f"unreadable fieldwork date {text!r}")
        month = season
        if "winter" in lowered and year_match.group(2):
            year += 1
    return (year - CLOCK_START[0]) * 12 + (month - CLOCK_START[1])


def support_series(frame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Comparable support series from the poll table: ``{group: (month, support)}``.

    * ``US``: Pew and Gallup, all adults, share saying the US gives Ukraine "too much";
      support = 100 - that share (the share not opposed: "right amount", "not enough", no
      answer). Both pollsters ask the same three-way question.
    * ``Europe``: Standard/Flash Eurobarometer, EU27, share approving EU financing of military
      equipment for Ukraine (the one question asked in every wave here).
    """
    polls = frame
    population = polls["population"].astype(str)
    question = polls["question_short"].astype(str).str.lower()
    response = polls["response"].astype(str).str.lower()
    us = polls[
        polls["pollster"].isin(["Pew", "Gallup"])
        & (polls["geography"] == "US")
        & population.str.startswith("adults")
        & (response == "too much")
        & question.str.contains("ukraine")
    ]
    europe = polls[
        polls["pollster"].astype(str).str.contains("Eurobarometer")
        & (polls["geography"] == "EU27")
        & question.str.contains("military equipment")
    ]
    out = {}
    for group, rows, values in (
        ("US", us, 100.0 - us["pct"].to_numpy(float)),
        ("Europe", europe, europe["pct"].to_numpy(float)),
    ):
        months = np.array([fieldwork_month(t) for t in rows["fieldwork"]])
        order = np.argsort(months, kind="stable")
        out[group] = (months[order], values[order])
    return out


def monthly_aid_flows(aid_by_year, months: int) -> dict[str, np.ndarray]:
    """Monthly aid flow (EUR bn) per group on the model clock from Kiel yearly allocations.

    Each year's ``total_allocation`` is spread evenly over its months (2022 over March to
    December, the clock starting in March 2022); months after the last year repeat zero.
    ``aid_by_year=None`` gives zero flows (for the fit without a cost term).
    """
    if aid_by_year is None:
        return {group: np.zeros(months) for group in ("US", "Europe")}
    aid_by_year = getattr(aid_by_year, "frame", aid_by_year)
    flows = {}
    for group in ("US", "Europe"):
        rows = aid_by_year[aid_by_year["group"] == group].set_index("year")["total_allocation"]
        flow = np.zeros(months)
        for m in range(months):
            year = CLOCK_START[0] + (CLOCK_START[1] - 1 + m) // 12
            months_in_year = 10 if year == CLOCK_START[0] else 12
            flow[m] = float(rows.get(year, 0.0)) / months_in_year
        flows[group] = flow
    return flows


def simulate_path(
    initial: float,
    baseline: float,
    cost: np.ndarray,
    adjustment_rate: float,
    cost_sensitivity: float,
    start_month: int = 0,
) -> np.ndarray:
    """Support path on the clock (no progress term): ``initial`` at ``start_month``, then
    monthly partial adjustment driven by ``cost``; NaN before ``start_month``."""
    path = np.full(len(cost), np.nan)
    level = initial
    for m in range(start_month, len(cost)):
        path[m] = level
        target = min(max(baseline - cost_sensitivity * cost[m], 0.0), 100.0)
        level = level + adjustment_rate * (target - level)
    return path


@dataclass(frozen=True)
class OpinionFit:
    """Least-squares calibration of the support model.

    ``params`` maps ``adjustment_rate``, ``cost_sensitivity`` and ``baseline_<group>`` to
    estimates; ``ci`` to (low, high) 95 % Wald intervals from the Gauss-Newton covariance
    ``s^2 (J'J)^-1``. Each series starts from its first poll (conditioning on the initial
    observation, as for autoregressive models); ``rmse`` is the in-sample root mean squared
    error of the later points (support points) and ``n`` their number.
    """

    params: dict[str, float]
    ci: dict[str, tuple[float, float]]
    rmse: float
    n: int
    series: dict[str, tuple[np.ndarray, np.ndarray]]
    reference_flow: dict[str, float]

    def predict(
        self, group: str, months: np.ndarray, flows: Mapping[str, np.ndarray]
    ) -> np.ndarray:
        """Fitted support of ``group`` at the given clock months (>= its first poll)."""
        first_month, first_value = self.series[group][0][0], self.series[group][1][0]
        path = simulate_path(
            first_value,
            self.params[f"baseline_{group}"],
            flows[group],
            self.params["adjustment_rate"],
            self.params["cost_sensitivity"],
            int(first_month),
        )
        return path[np.asarray(months, int)]

    def table(self):
        """Parameters with intervals (pandas DataFrame)."""
        import pandas as pd

        return pd.DataFrame(
            [
                {"parameter": k, "estimate": v, "ci_low": self.ci[k][0], "ci_high": self.ci[k][1]}
                for k, v in self.params.items()
            ]
        )


def _fit_series(
    series: Mapping[str, tuple[np.ndarray, np.ndarray]],
    flows: Mapping[str, np.ndarray],
    fit_cost: bool = False,
) -> OpinionFit:
    from scipy.optimize import least_squares

    groups = tuple(series)
    names = ["adjustment_rate", "cost_sensitivity"] if fit_cost else ["adjustment_rate"]
    start = [0.1, 0.5] if fit_cost else [0.1]
    low = [1e-3, -10.0] if fit_cost else [1e-3]
    high = [1.0, 10.0] if fit_cost else [1.0]
    shared = len(names)
    for g in groups:
        names.append(f"baseline_{g}")
        start.append(float(np.mean(series[g][1])))
        low.append(0.0)
        high.append(150.0)

    def residuals(theta):
        out = []
        cost_sensitivity = theta[1] if fit_cost else 0.0
        for i, g in enumerate(groups):
            months, values = series[g]
            path = simulate_path(
                values[0], theta[shared + i], flows[g], theta[0], cost_sensitivity, int(months[0])
            )
            out.append(path[months[1:]] - values[1:])
        return np.concatenate(out)

    result = least_squares(residuals, start, bounds=(low, high), x_scale="jac")
    res = result.fun
    n, k = len(res), len(names)
    sigma2 = float(res @ res) / max(n - k, 1)
    cov = sigma2 * np.linalg.pinv(result.jac.T @ result.jac)
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    params = {name: float(v) for name, v in zip(names, result.x, strict=True)}
    ci = {
        name: (float(v - 1.96 * s), float(v + 1.96 * s))
        for name, v, s in zip(names, result.x, se, strict=True)
    }
    if not fit_cost:
        params["cost_sensitivity"] = 0.0
        ci["cost_sensitivity"] = (0.0, 0.0)
    reference_flow = {
        g: float(flows[g][series[g][0][0] : series[g][0][-1] + 1].mean()) for g in groups
    }
    rmse = float(np.sqrt(np.mean(res**2)))
    return OpinionFit(params, ci, rmse, n, dict(series), reference_flow)


def _series_and_flows(polls, aid_by_year):
    series = support_series(getattr(polls, "frame", polls))
    horizon = max(int(m.max()) for m, _ in series.values()) + 1
    return series, monthly_aid_flows(aid_by_year, horizon)


def fit_opinion(polls, aid_by_year=None, *, fit_cost: bool = False) -> OpinionFit:
    """Calibrate the support model on the poll series (see :func:`support_series`).

    Parameters
    ----------
    polls : pandas.DataFrame or accord.data.Table
        ``public_opinion_ukraine_aid.csv``.
    aid_by_year : pandas.DataFrame or accord.data.Table, optional
        ``kiel_ukraine_support_by_year_group_r28.csv`` (columns ``year, group,
        total_allocation``), the cost driver; needed for ``fit_cost`` and for
        ``reference_flow`` (zero without it).
    fit_cost : bool
        Also estimate ``cost_sensitivity`` (default: fixed at 0, pure partial adjustment; the
        cost term does not improve the leave-one-out error on these data).

    Shared across the US and Europe: adjustment rate and cost sensitivity; per group: the
    baseline. Each series starts from its first poll. Nonlinear least squares (scipy
    ``least_squares``).
    """
    if fit_cost and aid_by_year is None:
        raise ValueError("fit_cost=True needs the aid table (aid_by_year)")
    series, flows = _series_and_flows(polls, aid_by_year)
    return _fit_series(series, flows, fit_cost)


def leave_one_out(polls, aid_by_year=None, *, fit_cost: bool = False) -> dict[str, float]:
    """Leave-one-out RMSE of the model vs a constant per-series mean (support points).

    Every poll point after a series' first (the initial condition) is predicted by the model
    refitted without it, and by the mean of the other points of its series.
    """
    series, flows = _series_and_flows(polls, aid_by_year)
    model_err, mean_err = [], []
    for g, (months, values) in series.items():
        for i in range(1, len(values)):
            keep = np.arange(len(values)) != i
            reduced = dict(series)
            reduced[g] = (months[keep], values[keep])
            fit = _fit_series(reduced, flows, fit_cost)
            model_err.append(fit.predict(g, months[i : i + 1], flows)[0] - values[i])
            mean_err.append(values[keep].mean() - values[i])
    return {
        "model_rmse": float(np.sqrt(np.mean(np.square(model_err)))),
        "constant_mean_rmse": float(np.sqrt(np.mean(np.square(mean_err)))),
        "n": len(model_err),
    }


def fit_default() -> OpinionFit:
    """Fit on the packaged tables (``accord.data.load``: public opinion and Kiel by year)."""
    from accord.data import load

    return fit_opinion(load("public_opinion").frame, load("kiel_by_year_group").frame)
