"""Outcome summaries of a run: headline probabilities, quantiles, ECDFs, fan-chart bands, bootstrap.

All functions take plain pandas/numpy data (the ``scalars`` and ``series`` tables of a run, see
contract 5 of the engine) and return plain data; nothing here draws or writes.

Conventions
-----------
* ``ceasefire_month`` is the index of the month in which the ceasefire is agreed, 0 being the
  scenario's start month, and NaN when no ceasefire happens within the horizon. "Ceasefire within
  m months" means in one of the months 0 to m - 1 (the first m months): it counts experiments
  with ``ceasefire_month < m`` over *all* experiments, so NaN counts as "no".
* ``peace_holds_5y`` is defined for every experiment: the probability that a ceasefire is reached
  within the horizon and holds five years (0 without a ceasefire), so its mean is a share of all
  futures. ``peace_holds_5y_given_ceasefire`` is the same probability given a ceasefire (NaN
  without one); its mean over the futures that have one is the conditional probability.
* Intervals written "5-95 %" are the 5th and 95th percentiles of the distribution over
  experiments (the spread of futures), not confidence intervals. Confidence intervals for mean
  differences come from the nonparametric bootstrap (Efron & Tibshirani 1993, *An Introduction to
  the Bootstrap*, ch. 13, percentile interval).
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from accord.spec.outcomes import REGISTRY, outcome

FAN_QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)

#: Human-readable label and unit of every known outcome or series variable (from the one
#: outcome registry, :mod:`accord.spec.outcomes`).
OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    name: (entry.label, entry.unit) for name, entry in REGISTRY.items()
}


def outcome_label(name: str) -> tuple[str, str]:
    """``(label, unit)`` of an outcome or series column (:func:`accord.spec.outcomes.outcome`)."""
    entry = outcome(name)
    return entry.label, entry.unit


def terms_columns(scalars: pd.DataFrame) -> list[str]:
    """The ``terms_<issue>`` columns of a scalars table, in table order."""
    return [c for c in scalars.columns if c.startswith("terms_")]


def aid_columns(scalars: pd.DataFrame) -> list[str]:
    """The ``aid_total_<donor>`` columns, US and Europe first."""
    cols = [c for c in scalars.columns if c.startswith("aid_total_")]
    first = [c for c in ("aid_total_us", "aid_total_europe") if c in cols]
    return first + [c for c in cols if c not in first]


def probability_ceasefire_within(ceasefire_month: np.ndarray | pd.Series, months: float) -> float:
    """Share of experiments with a ceasefire within the first ``months`` months (NaN = none).

    ``ceasefire_month`` counts from 0 (the start month), so "within 12 months" means months 0
    to 11: ``ceasefire_month < months``. Returns NaN for an empty input.
    """
    values = np.asarray(ceasefire_month, dtype=float)
    if values.size == 0:
        return float("nan")
    return float(np.mean(np.nan_to_num(values, nan=np.inf) < months))


def quantile_summary(
    values: np.ndarray | pd.Series, quantiles: Sequence[float] = (0.05, 0.5, 0.95)
) -> dict[str, float]:
    """Quantiles of the non-NaN values, plus their count and mean.

    Returns a dict with keys ``q05``, ``q50``, ... (two-digit percent), ``mean`` and ``n``; the
    quantiles are NaN when no value is valid. Quantiles use numpy's default linear interpolation.
    """
    array = np.asarray(values, dtype=float)
    valid = array[~np.isnan(array)]
    out: dict[str, float] = {"n": float(valid.size)}
    if valid.size == 0:
        out.update({_qkey(q): float("nan") for q in quantiles})
        out["mean"] = float("nan")
        return out
    qs = np.quantile(valid, quantiles)
    out.update({_qkey(q): float(v) for q, v in zip(quantiles, qs, strict=True)})
    out["mean"] = float(valid.mean())
    return out


def _qkey(q: float) -> str:
    return f"q{round(q * 100):02d}"


@dataclass(frozen=True)
class HeadlineRow:
    """One line of the headline table: a statistic with an optional 5-95 % range."""

    key: str
    label: str
    unit: str
    value: float
    low: float = float("nan")
    high: float = float("nan")
    n: int = 0


def headline(scalars: pd.DataFrame) -> list[HeadlineRow]:
    """Headline statistics of one run (one variant).

    Rows (only those whose columns exist): P(ceasefire by month 12/24/60), i.e. a negotiated
    ceasefire in months 0-11, 0-23, 0-59; P(war ends by month 12/24/60), any end of the war
    (ceasefire, decision, collapse or freeze) in the same months; median
    ceasefire month among futures with a ceasefire, with 5-95 %; P(peace holds 5 years)
    averaged over all futures (no ceasefire counts 0); median terms per issue with 5-95 %; aid
    totals per donor (median, 5-95 %); European defence % GDP at the end; escalation events
    (mean, with 5-95 %).
    """
    rows: list[HeadlineRow] = []
    n_total = len(scalars)
    if "ceasefire_month" in scalars:
        months = scalars["ceasefire_month"].to_numpy(dtype=float)
        for horizon in (12, 24, 60):
            rows.append(
                HeadlineRow(
                    f"p_ceasefire_{horizon}",
                    f"P(ceasefire by month {horizon}): a negotiated ceasefire in months "
                    f"0-{horizon - 1}",
                    "probability",
                    probability_ceasefire_within(months, horizon),
                    n=n_total,
                )
            )
        rows.append(
            _quantile_row("ceasefire_month", "Median ceasefire month (if any)", months, "months")
        )
    if "war_end_month" in scalars:
        # Side by side with the ceasefire rows (issue 22): any end of the war, not only a deal.
        ends = scalars["war_end_month"].to_numpy(dtype=float)
        for horizon in (12, 24, 60):
            rows.append(
                HeadlineRow(
                    f"p_war_ends_{horizon}",
                    f"P(war ends by month {horizon}): any end (ceasefire, decision, collapse or "
                    f"freeze) in months 0-{horizon - 1}",
                    "probability",
                    probability_ceasefire_within(ends, horizon),
                    n=n_total,
                )
            )
    if "peace_holds_5y" in scalars:
        # nan_to_num: runs made before peace_holds_5y was defined for every future had NaN.
        holds = np.nan_to_num(scalars["peace_holds_5y"].to_numpy(dtype=float), nan=0.0)
        rows.append(
            HeadlineRow(
                "peace_holds_5y",
                "P(peace holds 5 years), all futures",
                "probability",
                float(holds.mean()) if holds.size else float("nan"),
                n=n_total,
            )
        )
    for col in terms_columns(scalars):
        label, unit = outcome_label(col)
        rows.append(_quantile_row(col, f"{label} (median)", scalars[col], unit))
    for col in aid_columns(scalars):
        label, unit = outcome_label(col)
        rows.append(_quantile_row(col, f"{label} (median)", scalars[col], unit))
    if "europe_defence_pct_gdp_end" in scalars:
        rows.append(
            _quantile_row(
                "europe_defence_pct_gdp_end",
                "European defence spending at end (median)",
                scalars["europe_defence_pct_gdp_end"],
                "% of GDP",
            )
        )
    if "escalation_use_of_force_events" in scalars:
        events = scalars["escalation_use_of_force_events"].to_numpy(dtype=float)
        summary = quantile_summary(events)
        rows.append(
            HeadlineRow(
                "escalation_use_of_force_events",
                "Russia-NATO use-of-force disputes (mean)",
                "events",
                summary["mean"],
                summary["q05"],
                summary["q95"],
                int(summary["n"]),
            )
        )
        rows.append(
            HeadlineRow(
                "p_escalation",
                "P(at least one Russia-NATO use-of-force dispute)",
                "probability",
                float(np.mean(np.nan_to_num(events) > 0)) if events.size else np.nan,
                n=n_total,
            )
        )
    if "escalation_fatal_events" in scalars:
        summary = quantile_summary(scalars["escalation_fatal_events"].to_numpy(dtype=float))
        rows.append(
            HeadlineRow(
                "escalation_fatal_events",
                "Russia-NATO fatal disputes (mean)",
                "events",
                summary["mean"],
                summary["q05"],
                summary["q95"],
                int(summary["n"]),
            )
        )
    return rows


def _quantile_row(key: str, label: str, values: np.ndarray | pd.Series, unit: str) -> HeadlineRow:
    summary = quantile_summary(values)
    return HeadlineRow(
        key, label, unit, summary["q50"], summary["q05"], summary["q95"], int(summary["n"])
    )


def headline_table(scalars_by_variant: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Headline rows of several variants side by side (long format).

    Columns: ``key, label, unit, variant, value, low, high, n``; row order follows the first
    variant that has the row.
    """
    records = []
    for variant, scalars in scalars_by_variant.items():
        for row in headline(scalars):
            records.append(
                {
                    "key": row.key,
                    "label": row.label,
                    "unit": row.unit,
                    "variant": variant,
                    "value": row.value,
                    "low": row.low,
                    "high": row.high,
                    "n": row.n,
                }
            )
    return pd.DataFrame.from_records(
        records, columns=["key", "label", "unit", "variant", "value", "low", "high", "n"]
    )


def ecdf(
    values: np.ndarray | pd.Series, *, count_nan: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Empirical CDF: sorted valid values and the share of experiments at or below each.

    With ``count_nan=True`` NaN values stay in the denominator, so the curve ends below 1 at
    the share of experiments with a value (e.g. the cumulative incidence of a ceasefire).
    """
    array = np.asarray(values, dtype=float)
    valid = np.sort(array[~np.isnan(array)])
    denominator = array.size if count_nan else valid.size
    if denominator == 0:
        return valid, valid.copy()
    return valid, np.arange(1, valid.size + 1) / denominator


def _grid_codes(series: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Row codes of a long series table: experiment code, month code, #experiments, months.

    Fast path when the table is the complete grid sorted by experiment then month (as the
    engine writes it); otherwise integer codes from ``pandas.factorize``.
    """
    experiments = series["experiment"].to_numpy()
    months_column = series["month"].to_numpy()
    n_rows = experiments.size
    if n_rows:
        first = experiments[0]
        n_months = int(np.argmax(experiments != first)) or n_rows
        if n_rows % n_months == 0:
            months = months_column[:n_months]
            grid_months = months_column.reshape(-1, n_months)
            grid_experiments = experiments.reshape(-1, n_months)
            if (
                np.all(np.diff(months) > 0)
                and np.array_equal(grid_months, np.broadcast_to(months, grid_months.shape))
                and np.all(grid_experiments == grid_experiments[:, :1])
                and np.unique(grid_experiments[:, 0]).size == grid_experiments.shape[0]
            ):
                n_exp = grid_experiments.shape[0]
                return (
                    np.repeat(np.arange(n_exp), n_months),
                    np.tile(np.arange(n_months), n_exp),
                    n_exp,
                    np.asarray(months),
                )
    experiment_codes, uniques = pd.factorize(series["experiment"], sort=True)
    month_codes, months = pd.factorize(series["month"], sort=True)
    return experiment_codes, month_codes, len(uniques), np.asarray(months)


def series_matrix(series: pd.DataFrame, variable: str) -> tuple[np.ndarray, np.ndarray]:
    """Reshape one long series variable to ``values[B, T]`` and ``months[T]``.

    Missing (experiment, month) cells are NaN. Uses integer codes, no pivot.
    """
    experiment_codes, month_codes, n_exp, months = _grid_codes(series)
    values = np.full((n_exp, months.size), np.nan)
    values[experiment_codes, month_codes] = series[variable].to_numpy(dtype=float)
    return values, months


def nan_quantiles_along_rows(values: np.ndarray, quantiles: Sequence[float]) -> np.ndarray:
    """Quantiles of each row of ``values[T, B]`` ignoring NaN, as ``[len(quantiles), T]``.

    Same linear interpolation as ``numpy.nanquantile`` (Hyndman & Fan 1996, definition 7),
    computed by one sort along the contiguous axis, which is several times faster than
    ``numpy.quantile`` along a strided one. Rows without a valid value give NaN.
    """
    ordered = np.sort(values, axis=1)  # NaN sorts last
    counts = (~np.isnan(values)).sum(axis=1)
    q = np.asarray(quantiles, dtype=float)[:, None]
    position = q * np.maximum(counts - 1, 0)[None, :]
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, np.maximum(counts - 1, 0)[None, :])
    weight = position - below
    rows = np.arange(values.shape[0])[None, :]
    low_value = ordered[rows, below]
    high_value = ordered[rows, above]
    result = low_value + weight * (high_value - low_value)
    result[:, counts == 0] = np.nan
    return result


def is_binary(column: pd.Series) -> bool:
    """True for a yes/no series (every non-missing value 0 or 1): shown as the share of futures
    in the state, never as quantile bands."""
    values = column.to_numpy(dtype=float)
    values = values[~np.isnan(values)]
    return bool(values.size) and bool(np.all((values == 0.0) | (values == 1.0)))


def fan_bands(
    series: pd.DataFrame, variable: str, quantiles: Sequence[float] = FAN_QUANTILES
) -> pd.DataFrame:
    """Per-month quantiles across experiments of one series variable (a fan chart's bands).

    Returns a DataFrame indexed by ``month`` with one column per quantile (``q05``, ``q25``,
    ...) and ``mean``. NaN cells are ignored.
    """
    return fan_bands_many(series, [variable], quantiles)[variable]


def fan_bands_many(
    series: pd.DataFrame, variables: Sequence[str], quantiles: Sequence[float] = FAN_QUANTILES
) -> dict[str, pd.DataFrame]:
    """:func:`fan_bands` of several variables of one table, sharing the reshaping work."""
    experiment_codes, month_codes, n_exp, months = _grid_codes(series)
    columns = [_qkey(q) for q in quantiles]
    out = {}
    for variable in variables:
        values = np.full((months.size, n_exp), np.nan)  # [T, B]: sort along contiguous rows
        values[month_codes, experiment_codes] = series[variable].to_numpy(dtype=float)
        bands = nan_quantiles_along_rows(values, quantiles)
        frame = pd.DataFrame(bands.T, columns=columns, index=pd.Index(months, name="month"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            frame["mean"] = np.nanmean(values, axis=1) if n_exp else np.nan
        out[variable] = frame
    return out


def bootstrap_means(
    values: np.ndarray, n_boot: int, rng: np.random.Generator, *, chunk: int = 100
) -> np.ndarray:
    """Bootstrap distribution of the NaN-ignoring column means of ``values[n, m]``.

    Resamples rows with replacement (Efron & Tibshirani 1993, ch. 6) ``n_boot`` times; the same
    resampled rows serve every column. Returns ``means[n_boot, m]`` (NaN where a resample has no
    valid value in a column). Resamples are drawn in chunks to bound memory.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    n, m = values.shape
    out = np.full((n_boot, m), np.nan)
    if n == 0:
        return out
    valid = ~np.isnan(values)
    filled = np.where(valid, values, 0.0)
    valid_weight = valid.astype(float)
    for start in range(0, n_boot, chunk):
        stop = min(start + chunk, n_boot)
        replicates = stop - start
        # Resample counts: how often each row is drawn in each replicate (one bincount over
        # offset indices), then weighted sums by matrix products.
        index = rng.integers(0, n, size=(replicates, n))
        index += (np.arange(replicates) * n)[:, None]
        counts = np.bincount(index.ravel(), minlength=replicates * n)
        counts = counts.reshape(replicates, n).astype(float)
        sums = counts @ filled
        weights = counts @ valid_weight
        has_value = weights > 0
        out[start:stop] = np.where(has_value, sums / np.where(has_value, weights, 1.0), np.nan)
    return out


def bootstrap_mean_difference(
    a: np.ndarray,
    b: np.ndarray,
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int | np.random.Generator = 0,
) -> pd.DataFrame:
    """Mean of ``a`` minus mean of ``b`` per column, with a percentile bootstrap interval.

    ``a[n_a, m]`` and ``b[n_b, m]`` (or 1-D) are independent samples, resampled separately
    (Efron & Tibshirani 1993, ch. 13). NaN values are ignored. Returns one row per column
    with ``mean_a, mean_b, difference, low, high``.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    a2 = np.asarray(a, dtype=float).reshape(len(a), -1)
    b2 = np.asarray(b, dtype=float).reshape(len(b), -1)
    boot = bootstrap_means(a2, n_boot, rng) - bootstrap_means(b2, n_boot, rng)
    tail = (1.0 - level) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean_a = np.nanmean(a2, axis=0) if len(a2) else np.full(a2.shape[1], np.nan)
        mean_b = np.nanmean(b2, axis=0) if len(b2) else np.full(b2.shape[1], np.nan)
        low, high = np.nanquantile(boot, [tail, 1.0 - tail], axis=0)
    return pd.DataFrame(
        {
            "mean_a": mean_a,
            "mean_b": mean_b,
            "difference": mean_a - mean_b,
            "low": low,
            "high": high,
        }
    )


# ----------------------------------------------------------------------------- kept summaries


def frame_to_json(frame: pd.DataFrame) -> dict:
    """A table as JSON (columns, their dtypes, values by column, ``attrs``), for
    :mod:`accord.store.summaries`; :func:`frame_from_json` reads it back equal."""
    return {
        "columns": [str(c) for c in frame.columns],
        "dtypes": [str(t) for t in frame.dtypes],
        "data": [frame[c].tolist() for c in frame.columns],
        "attrs": dict(frame.attrs),
    }


def frame_from_json(value: dict) -> pd.DataFrame:
    """The table :func:`frame_to_json` wrote (raises on anything else)."""
    columns, dtypes, data = value["columns"], value["dtypes"], value["data"]
    if not (len(columns) == len(dtypes) == len(data)):
        raise ValueError("a kept table with columns, dtypes and data of different lengths")
    frame = pd.DataFrame(
        {c: pd.Series(v, dtype=t) for c, t, v in zip(columns, dtypes, data, strict=True)},
        columns=columns,
    )
    frame.attrs.update(value.get("attrs") or {})
    return frame


def cached_frame(
    run_dirs: Sequence[str | os.PathLike[str] | None] | None,
    name: str,
    parameters: dict,
    compute: Callable[[], pd.DataFrame],
) -> pd.DataFrame:
    """``compute()``, kept beside the runs ``run_dirs`` (the first one's ``summaries/``) by
    :func:`accord.store.summaries.cached_value` while the runs are unchanged; without folders
    (tables not read from a store) it is computed every time."""
    if not run_dirs or any(d is None for d in run_dirs):
        return compute()
    from accord.store.summaries import cached_value

    return cached_value(
        [d for d in run_dirs if d is not None],
        name,
        parameters,
        compute,
        encode=frame_to_json,
        decode=frame_from_json,
    )


def headline_indicator(scalars: pd.DataFrame, key: str) -> np.ndarray | None:
    """Per-future 0/1 values whose mean is the headline probability ``key`` (None: not one)."""
    if key.startswith("p_ceasefire_") or key.startswith("p_war_ends_"):
        # As probability_ceasefire_within: months 0..m-1.
        column = "ceasefire_month" if key.startswith("p_ceasefire_") else "war_end_month"
        months = scalars[column].to_numpy(dtype=float)
        return (np.nan_to_num(months, nan=np.inf) < float(key.rsplit("_", 1)[1])).astype(float)
    if key == "peace_holds_5y":
        return np.nan_to_num(scalars["peace_holds_5y"].to_numpy(dtype=float), nan=0.0)
    if key == "p_escalation":  # as headline
        column = "escalation_use_of_force_events"
        if column in scalars:
            return (np.nan_to_num(scalars[column].to_numpy(dtype=float)) > 0) * 1.0
    return None


HEADLINE_COLUMNS = ["key", "label", "unit", "value", "low", "high", "n", "interval"]


def headline_intervals(scalars: pd.DataFrame) -> pd.DataFrame:
    """The headline rows of one run, each with its interval.

    Columns ``key, label, unit, value, low, high, n, interval``: probability rows get the 95 %
    (Wilson) interval of the share (``interval`` = "95 %"), quantile rows keep their 5-95 %
    range of futures ("futures"), other rows none ("").
    """
    from accord.analysis.intervals import share_interval

    rows = []
    for row in headline(scalars):
        low, high, kind = row.low, row.high, "" if math.isnan(row.low) else "futures"
        values = headline_indicator(scalars, row.key)
        if values is not None:
            estimate = share_interval(values)
            low, high, kind = estimate.low, estimate.high, "95 %"
        rows.append([row.key, row.label, row.unit, row.value, low, high, row.n, kind])
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)
