"""Compare two runs outcome by outcome, with intervals of the differences.

For each scalar outcome the comparison reports the mean in run A, the mean in run B, the
difference A - B and its 95 % interval from :mod:`accord.analysis.intervals` (the one method
shared with the report and the dashboard; a percentile bootstrap on request).
Missing values carry meaning (``ceasefire_month`` is NaN when there is
no ceasefire), so an outcome with NaN gets two rows: the mean where observed, and the share
of experiments where it is observed (the probability of a ceasefire within the horizon). The
share-observed row is given once per set of outcomes observed in the same futures
(``ceasefire_month``, the terms and ``peace_holds_5y_given_ceasefire`` are all observed exactly
when there is a ceasefire: one row, under the first). An indicator outcome (only 0 and 1) is
reported as a probability. A nominal outcome (registry kind "category": ``war_end_type``) is
reported as the share of futures in each category ("share: ceasefire", ...), never as a mean
of its codes; those shares always take the closed-form interval.

Runs of the same design and seed (variants that differ only in fixed levers or in the
scenario's policy choices) share their uncertainty draws experiment by experiment: the
comparison is then *paired* (common random numbers), experiment by experiment,
which gives tighter intervals (the normal interval of the per-future differences).
``paired="auto"`` detects this from the runs' designs.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from accord.analysis.intervals import difference_interval
from accord.spec.errors import ScenarioError

RESULT_COLUMNS = [
    "outcome",
    "statistic",
    "n_a",
    "n_b",
    "mean_a",
    "mean_b",
    "difference",
    "ci_low",
    "ci_high",
]
_BLOCK_ELEMENTS = 4_000_000  # resampled values held at once


def numeric_outcomes(scalars: pd.DataFrame) -> list[str]:
    """Numeric (or boolean) columns of a scalars table, other than ``experiment``."""
    return [
        column
        for column in scalars.columns
        if column != "experiment"
        and (
            pd.api.types.is_numeric_dtype(scalars[column])
            or pd.api.types.is_bool_dtype(scalars[column])
        )
    ]


def _is_indicator(values: np.ndarray) -> bool:
    observed = values[~np.isnan(values)]
    return observed.size > 0 and bool(np.isin(observed, (0.0, 1.0)).all())


def _statistics(sample: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column (last axis): mean over observed values and share observed, over axis -2."""
    observed = ~np.isnan(sample)
    count = observed.sum(axis=-2)
    total = np.where(observed, sample, 0.0).sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    return mean, count / sample.shape[-2]


def _bootstrap(
    values_a: np.ndarray,
    values_b: np.ndarray,
    n_bootstrap: int,
    rng: np.random.Generator,
    paired: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap replicates of (mean difference, share-observed difference), each [R, m]."""
    n_a, n_b, m = len(values_a), len(values_b), values_a.shape[1]
    block = max(1, _BLOCK_ELEMENTS // max(1, (n_a + n_b) * m))
    mean_diffs, share_diffs = [], []
    for start in range(0, n_bootstrap, block):
        replicates = min(block, n_bootstrap - start)
        index_a = rng.integers(0, n_a, size=(replicates, n_a))
        index_b = index_a if paired else rng.integers(0, n_b, size=(replicates, n_b))
        mean_a, share_a = _statistics(values_a[index_a])
        mean_b, share_b = _statistics(values_b[index_b])
        mean_diffs.append(mean_a - mean_b)
        share_diffs.append(share_a - share_b)
    return np.concatenate(mean_diffs), np.concatenate(share_diffs)


def compare_scalars(
    scalars_a: pd.DataFrame,
    scalars_b: pd.DataFrame,
    *,
    outcomes: Sequence[str] | None = None,
    n_bootstrap: int = 2000,
    seed: int = 0,
    level: float = 0.95,
    paired: bool = False,
    method: Literal["closed", "bootstrap"] = "closed",
) -> pd.DataFrame:
    """Differences A - B of each outcome's mean, with 95 % intervals.

    ``method="closed"`` (default) takes every interval from
    :func:`accord.analysis.intervals.difference_interval` (paired normal, Newcombe or Welch),
    the same as the report's summary; ``"bootstrap"`` uses a percentile bootstrap instead.

    Parameters
    ----------
    scalars_a, scalars_b
        Scalar outcomes of the two runs, one row per experiment.
    outcomes
        Columns to compare (default: the numeric columns both tables share).
    n_bootstrap
        Bootstrap replicates (``method="bootstrap"`` only).
    seed
        Seed of the bootstrap resampling.
    level
        Coverage of the interval (0.95: the 2.5 % and 97.5 % percentiles).
    paired
        Resample experiments jointly (rows must be the same experiments in the same order).

    Returns
    -------
    pandas.DataFrame
        Columns ``outcome, statistic, n_a, n_b, mean_a, mean_b, difference, ci_low, ci_high``;
        ``statistic`` is "mean", "probability" (indicators), "mean where observed" or
        "share observed" (outcomes with missing values: the share with a value, e.g. the
        probability of a ceasefire for ``ceasefire_month``).
    """
    if outcomes is None:
        shared = set(numeric_outcomes(scalars_b))
        outcomes = [c for c in numeric_outcomes(scalars_a) if c in shared]
    missing = [c for c in outcomes if c not in scalars_a.columns or c not in scalars_b.columns]
    if missing:
        raise ScenarioError(
            None,
            f"unknown outcome(s) {missing}",
            field="outcomes",
            expected=f"one of {numeric_outcomes(scalars_a)}",
        )
    if not outcomes:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    if len(scalars_a) == 0 or len(scalars_b) == 0:
        raise ScenarioError(None, "cannot compare a run without experiments")
    ids_a, ids_b = scalars_a["experiment"].to_numpy(), scalars_b["experiment"].to_numpy()
    if paired and not np.array_equal(ids_a, ids_b):
        raise ValueError("a paired comparison needs the same experiments in both runs")
    try:
        values_a = scalars_a[list(outcomes)].to_numpy(dtype=np.float64)
        values_b = scalars_b[list(outcomes)].to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ScenarioError(None, f"outcomes must be numeric: {error}", field="outcomes") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean_a, share_a = _statistics(values_a)
        mean_b, share_b = _statistics(values_b)
        if method == "bootstrap":
            rng = np.random.default_rng(seed)
            boot_mean, boot_share = _bootstrap(values_a, values_b, n_bootstrap, rng, paired)
            tail = (1.0 - level) / 2.0
            mean_low, mean_high = np.nanquantile(boot_mean, [tail, 1.0 - tail], axis=0)
            share_low, share_high = np.nanquantile(boot_share, [tail, 1.0 - tail], axis=0)
        elif method == "closed":
            m = values_a.shape[1]
            mean_low, mean_high = np.full(m, np.nan), np.full(m, np.nan)
            share_low, share_high = np.full(m, np.nan), np.full(m, np.nan)
            for column in range(m):
                column_a, column_b = values_a[:, column], values_b[:, column]
                d = difference_interval(column_a, column_b, paired=paired, level=level)
                mean_low[column], mean_high[column] = d.low, d.high
                s = difference_interval(
                    ~np.isnan(column_a), ~np.isnan(column_b), paired=paired, level=level
                )
                share_low[column], share_high[column] = s.low, s.high
        else:
            raise ValueError(f"method must be 'closed' or 'bootstrap', got {method!r}")

    rows: list[dict[str, Any]] = []
    shown_masks: list[tuple[np.ndarray, np.ndarray]] = []
    for column, outcome in enumerate(outcomes):
        labels = category_labels(outcome)
        if labels is not None:
            rows.extend(_category_rows(outcome, labels, values_a, values_b, column, paired, level))
            continue
        has_missing = share_a[column] < 1.0 or share_b[column] < 1.0
        both = np.concatenate([values_a[:, column], values_b[:, column]])
        if has_missing:
            statistic = "mean where observed"
        elif _is_indicator(both):
            statistic = "probability"
        else:
            statistic = "mean"
        rows.append(
            _row(
                outcome, statistic, values_a, values_b, column, mean_a, mean_b, mean_low, mean_high
            )
        )
        if has_missing and _first_with_mask(values_a, values_b, column, shown_masks):
            rows.append(
                _row(
                    outcome,
                    "share observed",
                    values_a,
                    values_b,
                    column,
                    share_a,
                    share_b,
                    share_low,
                    share_high,
                )
            )
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


def category_labels(name: str) -> tuple[str, ...] | None:
    """The labels of a nominal outcome's codes (code ``k`` is ``labels[k]``), None when the
    outcome is not nominal (its registry kind is not "category")."""
    from accord.spec.outcomes import outcome

    if outcome(name).kind != "category":
        return None
    from accord.analysis.war_end import END_TYPES

    return {"war_end_type": END_TYPES}.get(name, ())


def _category_rows(
    outcome: str,
    labels: tuple[str, ...],
    values_a: np.ndarray,
    values_b: np.ndarray,
    column: int,
    paired: bool,
    level: float,
) -> list[dict[str, Any]]:
    """One "share: <category>" row per code seen in either run: a mean of codes means nothing."""
    column_a, column_b = values_a[:, column], values_b[:, column]
    seen = np.union1d(column_a[~np.isnan(column_a)], column_b[~np.isnan(column_b)])
    rows = []
    for code in seen:
        name = labels[int(code)] if float(code).is_integer() and 0 <= code < len(labels) else None
        share_a = np.where(np.isnan(column_a), np.nan, column_a == code)
        share_b = np.where(np.isnan(column_b), np.nan, column_b == code)
        d = difference_interval(share_a, share_b, paired=paired, level=level)
        rows.append(
            {
                "outcome": outcome,
                "statistic": f"share: {name or f'code {code:g}'}",
                "n_a": len(values_a),
                "n_b": len(values_b),
                "mean_a": float(np.nanmean(share_a)) if share_a.size else np.nan,
                "mean_b": float(np.nanmean(share_b)) if share_b.size else np.nan,
                "difference": d.value,
                "ci_low": d.low,
                "ci_high": d.high,
            }
        )
    return rows


def _first_with_mask(
    values_a: np.ndarray,
    values_b: np.ndarray,
    column: int,
    shown: list[tuple[np.ndarray, np.ndarray]],
) -> bool:
    """True when no earlier outcome had the same futures observed in both runs (its "share
    observed" row would repeat the same numbers); records this outcome's masks."""
    mask_a, mask_b = ~np.isnan(values_a[:, column]), ~np.isnan(values_b[:, column])
    for seen_a, seen_b in shown:
        if np.array_equal(seen_a, mask_a) and np.array_equal(seen_b, mask_b):
            return False
    shown.append((mask_a, mask_b))
    return True


def _row(
    outcome: str,
    statistic: str,
    values_a: np.ndarray,
    values_b: np.ndarray,
    column: int,
    stat_a: np.ndarray,
    stat_b: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "statistic": statistic,
        "n_a": len(values_a),
        "n_b": len(values_b),
        "mean_a": float(stat_a[column]),
        "mean_b": float(stat_b[column]),
        "difference": float(stat_a[column] - stat_b[column]),
        "ci_low": float(low[column]),
        "ci_high": float(high[column]),
    }


def runs_are_paired(run_a: Any, run_b: Any) -> bool:
    """True when two runs share seed, experiments and uncertainty draws (common random numbers)."""
    meta_a, meta_b = run_a.meta, run_b.meta
    if meta_a.get("seed") != meta_b.get("seed"):
        return False
    if meta_a.get("n_experiments") != meta_b.get("n_experiments"):
        return False
    names_a = meta_a.get("design", {}).get("uncertainties")
    names_b = meta_b.get("design", {}).get("uncertainties")
    if not names_a or names_a != names_b:
        return False
    design_a, design_b = run_a.design(), run_b.design()
    if len(design_a) != len(design_b):
        return False
    try:
        return bool(
            design_a[names_a]
            .reset_index(drop=True)
            .equals(design_b[names_b].reset_index(drop=True))
        )
    except KeyError:
        return False


def compare_runs(
    run_a: Any,
    run_b: Any,
    *,
    outcomes: Sequence[str] | None = None,
    n_bootstrap: int = 2000,
    seed: int = 0,
    level: float = 0.95,
    paired: bool | Literal["auto"] = "auto",
    method: Literal["closed", "bootstrap"] = "closed",
) -> pd.DataFrame:
    """Compare two stored runs (:class:`accord.store.runs.Run`); see :func:`compare_scalars`.

    ``paired="auto"`` pairs the experiments when :func:`runs_are_paired`. The result's
    ``attrs["paired"]`` says which was done. The table is kept beside run A
    (:mod:`accord.store.summaries`) and read back while neither run changes.
    """
    from accord.analysis.summary import cached_frame

    parameters = {
        "outcomes": None if outcomes is None else list(outcomes),
        "n_bootstrap": int(n_bootstrap),
        "seed": int(seed),
        "level": float(level),
        "paired": paired,
        "method": method,
    }
    folders = [getattr(run_a, "path", None), getattr(run_b, "path", None)]
    return cached_frame(
        folders,
        "compare",
        parameters,
        lambda: _compare_runs(run_a, run_b, outcomes, n_bootstrap, seed, level, paired, method),
    )


def _compare_runs(
    run_a: Any,
    run_b: Any,
    outcomes: Sequence[str] | None,
    n_bootstrap: int,
    seed: int,
    level: float,
    paired: bool | Literal["auto"],
    method: Literal["closed", "bootstrap"],
) -> pd.DataFrame:
    if paired == "auto":
        paired = runs_are_paired(run_a, run_b)
    scalars_a, scalars_b = run_a.scalars(), run_b.scalars()
    if paired and not np.array_equal(
        scalars_a["experiment"].to_numpy(), scalars_b["experiment"].to_numpy()
    ):
        paired = False  # an incomplete run: fall back to independent resampling
    table = compare_scalars(
        scalars_a,
        scalars_b,
        outcomes=outcomes,
        n_bootstrap=n_bootstrap,
        seed=seed,
        level=level,
        paired=bool(paired),
        method=method,
    )
    table.attrs["paired"] = bool(paired)
    return table
