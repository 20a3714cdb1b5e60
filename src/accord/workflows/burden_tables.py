"""The tables of the burden-sharing runs, shared by the calibrated game
(:mod:`accord.workflows.burden`) and the estimated model (:mod:`accord.workflows.burden_runs`):
5-95 % bands over draws, the per-ally table and the group totals."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from accord.data.alliance import NORTH_AMERICA

#: The band of every table: 5th percentile, median, 95th percentile over draws.
QUANTILES = (0.05, 0.5, 0.95)


def band(values: np.ndarray, prefix: str) -> dict[str, Any]:
    """``{prefix_p05, prefix, prefix_p95}``: the 5-95 % band of ``values`` over draws (axis 0),
    NaN ignored (an all-NaN column, an ally that left, gives NaN without a warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanquantile(values, QUANTILES, axis=0)
    return {f"{prefix}_p05": q[0], prefix: q[1], f"{prefix}_p95": q[2]}


def ally_groups(names: Sequence[str], present: np.ndarray) -> dict[str, np.ndarray]:
    """The groups of the totals table, as masks over ``names`` (allies still in)."""
    return {
        "European allies": np.array([nm not in NORTH_AMERICA for nm in names]) & present,
        "Europe and Canada": np.array([nm != "United States" for nm in names]) & present,
        "United States": np.array([nm == "United States" for nm in names]) & present,
        "NATO": present,
    }


def ally_table(
    names: Sequence[str],
    status: list[str],
    gdp: np.ndarray,
    base: np.ndarray,
    new: np.ndarray,
    change_pct: np.ndarray,
    present: np.ndarray,
    targets: Sequence[float],
) -> pd.DataFrame:
    """One row per ally: GDP, base spending (US$ m) and its share of GDP, then the bands of
    the new spending ``new`` ([draws, allies]), its share of GDP, ``change_pct``, the burden
    share (before and after) and the gap to each target share of GDP (pp)."""
    gdp_present = np.where(present, gdp, 0.0)
    share_new = new / np.nansum(new, axis=1, keepdims=True)
    base_share = np.where(present, base, 0.0) / np.sum(base * present)
    table: dict[str, Any] = {
        "ally": list(names),
        "status": status,
        "gdp_musd": gdp,
        "base_spending_musd": base,
        "base_pct_gdp": 100 * base / gdp,
    }
    table.update(band(new, "spending_musd"))
    table.update(band(100 * new / gdp, "pct_gdp"))
    table.update(band(change_pct, "change_pct"))
    table["base_burden_share_pct"] = 100 * np.where(present, base_share, np.nan)
    table.update(band(100 * share_new, "burden_share_pct"))
    table["gdp_share_pct"] = 100 * np.where(present, gdp_present / gdp_present.sum(), np.nan)
    for target in targets:
        table[f"gap_to_{target:g}_pct_pp"] = target - table["pct_gdp"]
    return pd.DataFrame(table)


def group_totals(
    groups: dict[str, np.ndarray],
    spending: np.ndarray,
    gdp: np.ndarray,
    new: np.ndarray,
    *,
    base_draws: np.ndarray | None = None,
    failed_as_nan: bool = False,
) -> list[dict[str, Any]]:
    """One row per non-empty group: base spending and its share of GDP, then the bands of the
    group's new spending, its share of GDP and its change (US$ m and %).

    The change is against ``base_draws`` ([draws, allies], the base as drawn) when given, else
    against the base ``spending``; with ``failed_as_nan`` a draw where any ally of the group has
    no solution (NaN) gives NaN for the group instead of a partial sum."""
    rows = []
    for group, mask in groups.items():
        if not mask.any():
            continue
        before = float(spending[mask].sum())
        reference = before if base_draws is None else base_draws[:, mask].sum(axis=1)
        after = np.nansum(new[:, mask], axis=1)
        if failed_as_nan:
            after[np.isnan(new[:, mask]).any(axis=1)] = np.nan
        total_gdp = float(gdp[mask].sum())
        row: dict[str, Any] = {
            "group": group,
            "base_spending_musd": before,
            "base_pct_gdp": 100 * before / total_gdp,
        }
        for key, values in (
            ("spending_musd", after),
            ("pct_gdp", 100 * after / total_gdp),
            ("change_musd", after - reference),
            ("change_pct", 100 * (after / reference - 1)),
        ):
            row.update(band(values, key))
        rows.append(row)
    return rows
