"""Public support for aiding Ukraine: partial adjustment toward a cost- and progress-set target.

Each donor's support ``support[B, D]`` (0-100, share of the public backing aid) moves every month
a fraction ``adjustment_rate`` of the way toward a target (the partial-adjustment model of
Nerlove 1958; applied to war support by Mueller 1973, *War, Presidents and Public Opinion*, and
Gartner & Segura 1998 (costs) and Gelpi, Feaver & Reifler 2009 (perceived success)):

    target  = baseline - cost_sensitivity * cost + progress_sensitivity * progress
    support' = support + adjustment_rate * (target - support),      inertia = 1 - adjustment_rate

``cost`` is the donor's aid flow (EUR bn per month) and ``progress`` a perceived-success index
(e.g. the front's change over the last months, pp of territory). Below a threshold, governments
cut aid: :func:`aid_multiplier` maps support to a multiplier in [0, 1], a logistic ramp (or a hard
step when ``width == 0``).

:func:`fit_opinion` calibrates the adjustment rate, the cost sensitivity and each series'
baseline and initial level on the dated poll series (Pew, Gallup, Eurobarometer) against the
Kiel Institute's yearly aid allocations. The data cannot identify ``progress_sensitivity`` (no
monthly progress series in the data): it stays an analyst-judgement uncertainty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from accord.models.war import parameter

#: First month of the model clock used in the calibration (month 0 = March 2022).
CLOCK_START = (2022, 3)


@dataclass(frozen=True)
class OpinionParameters:
    """Parameters of the support model, with ranges and sources (fields may hold arrays [B])."""

    adjustment_rate: float = parameter(
        0.08,
        0.02,
        0.3,
        "fit_opinion on Pew/Gallup/Eurobarometer 2022-25 (see docs/models/opinion.md); range "
        "widened to cover the fit's interval",
        "share of the gap to the target closed each month (inertia = 1 - rate)",
    )
    cost_sensitivity: float = parameter(
        1.0,
        0.0,
        4.0,
        "fit_opinion (weakly identified; see docs/models/opinion.md); Gartner & Segura 1998 "
        "for the sign",
        "support points lost per EUR bn a month of the donor's aid",
    )
    progress_sensitivity: float = parameter(
        1.0,
        0.0,
        3.0,
        "analyst judgement: Gelpi, Feaver & Reifler 2009 (perceived success raises support); "
        "not identifiable from the poll data here",
        "support points gained per pp of territory regained over the recent months",
    )
    aid_threshold: float = parameter(
        50.0,
        40.0,
        60.0,
        "analyst judgement: governments cut aid when less than about half the public backs it; "
        "corpus nato-support-coalition-of-the-willing-faq.txt line 9 (public opinion shapes "
        "decisions)",
        "support level (0-100) below which aid is cut",
    )
    aid_cut_width: float = parameter(
        3.0,
        0.0,
        8.0,
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
    return np.clip(target, 0.0, 100.0)


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
    (``support >= threshold``) where ``width == 0``.
    """
    support = np.asarray(support, float)
    width = np.asarray(width, float)
    safe_width = np.where(width > 0, width, 1.0)
    z = np.clip((support - threshold) / safe_width, -700.0, 700.0)
    smooth = 1.0 / (1.0 + np.exp(-z))
    return np.where(width > 0, smooth, (support >= threshold).astype(float))


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
        month = next((m for key, m in _SEASON_MONTH.items() if key in lowered), None)
        if month is None:
            raise ValueError(f"unreadable fieldwork date {text!r}")
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
    """
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
    initial: float, baseline: float, cost: np.ndarray, adjustment_rate: float, cost_sensitivity: float
) -> np.ndarray:
    """Support path over the months of ``cost`` (no progress term), month 0 = ``initial``."""
    path = np.empty(len(cost))
    level = initial
    for m in range(len(cost)):
        path[m] = level
        target = min(max(baseline - cost_sensitivity * cost[m], 0.0), 100.0)
        level = level + adjustment_rate * (target - level)
    return path


@dataclass(frozen=True)
class OpinionFit:
    """Least-squares calibration of the support model.

    ``params`` maps ``adjustment_rate``, ``cost_sensitivity``, ``baseline_<group>`` and
    ``initial_<group>`` to estimates; ``ci`` to (low, high) 95 % Wald intervals from the
    Gauss-Newton covariance ``s^2 (J'J)^-1``. ``rmse`` is the in-sample root mean squared error
    (support points); ``n`` the number of poll points.
    """

    params: dict[str, float]
    ci: dict[str, tuple[float, float]]
    rmse: float
    n: int
    groups: tuple[str, ...]

    def predict(self, group: str, months: np.ndarray, flows: Mapping[str, np.ndarray]) -> np.ndarray:
        """Fitted support of ``group`` at the given clock months."""
        path = simulate_path(
            self.params[f"initial_{group}"],
            self.params[f"baseline_{group}"],
            flows[group],
            self.params["adjustment_rate"],
            self.params["cost_sensitivity"],
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
    series: Mapping[str, tuple[np.ndarray, np.ndarray]], flows: Mapping[str, np.ndarray]
) -> OpinionFit:
    from scipy.optimize import least_squares

    groups = tuple(series)
    names = ["adjustment_rate", "cost_sensitivity"]
    start = [0.1, 0.5]
    low = [1e-3, -10.0]
    high = [1.0, 10.0]
    for g in groups:
        values = series[g][1]
        names += [f"baseline_{g}", f"initial_{g}"]
        start += [float(np.mean(values)), float(values[0])]
        low += [0.0, 0.0]
        high += [150.0, 100.0]

    def residuals(theta):
        out = []
        for i, g in enumerate(groups):
            months, values = series[g]
            path = simulate_path(theta[2 + 2 * i + 1], theta[2 + 2 * i], flows[g], theta[0], theta[1])
            out.append(path[months] - values)
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
    return OpinionFit(params, ci, float(np.sqrt(np.mean(res**2))), n, groups)


def fit_opinion(polls, aid_by_year) -> OpinionFit:
    """Calibrate the support model on the poll series (see :func:`support_series`).

    Parameters
    ----------
    polls : pandas.DataFrame
        ``public_opinion_ukraine_aid.csv``.
    aid_by_year : pandas.DataFrame
        ``kiel_ukraine_support_by_year_group_r28.csv`` (columns ``year, group,
        total_allocation``), the cost driver.

    Shared across the US and Europe: adjustment rate and cost sensitivity; per group: baseline
    and the initial level in March 2022. Nonlinear least squares (scipy ``least_squares``).
    """
    series = support_series(polls)
    horizon = max(int(m.max()) for m, _ in series.values()) + 1
    return _fit_series(series, monthly_aid_flows(aid_by_year, horizon))


def leave_one_out(polls, aid_by_year) -> dict[str, float]:
    """Leave-one-out RMSE of the model vs a constant per-series mean (support points).

    Each poll point is predicted by the model refitted without it and by the mean of the other
    points of its series.
    """
    series = support_series(polls)
    horizon = max(int(m.max()) for m, _ in series.values()) + 1
    flows = monthly_aid_flows(aid_by_year, horizon)
    model_err, mean_err = [], []
    for g, (months, values) in series.items():
        for i in range(len(values)):
            keep = np.arange(len(values)) != i
            reduced = dict(series)
            reduced[g] = (months[keep], values[keep])
            fit = _fit_series(reduced, flows)
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
