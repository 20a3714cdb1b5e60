"""Figures of the report, drawn with matplotlib's Agg renderer and returned as PNG bytes.

Figures are ``matplotlib.figure.Figure`` objects saved straight to PNG, which uses the Agg
renderer whatever the session's backend; pyplot is never imported, so there is no global
figure state, no display is needed and the caller's backend is left alone. Colours follow the
Okabe & Ito (2008) colour-blind-safe palette; every axis carries a label with its unit.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from accord.analysis.formatting import calendar_axis
from accord.analysis.summary import ecdf, outcome_label
from accord.spec.outcomes import NAN_MEANS_NEVER

#: Okabe & Ito (2008), "Color Universal Design", colour-blind-safe qualitative palette.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
DPI = 96
MAX_PLOT_POINTS = 4000


def colour(index: int) -> str:
    """The ``index``-th palette colour (cycling)."""
    return PALETTE[index % len(PALETTE)]


def to_png(figure: Figure) -> bytes:
    """Render a figure to PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _new_figure(width: float, height: float, ncols: int = 1, *, sharey: bool = False):
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.subplots(1, ncols, sharey=sharey, squeeze=False)[0]
    for ax in axes:
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
    return figure, axes


def _axis_label(name: str) -> str:
    label, unit = outcome_label(name)
    return f"{label} ({unit})" if unit else label


def distribution_figure(
    values_by_variant: Mapping[str, np.ndarray],
    name: str,
    *,
    count_nan: bool = False,
    start: Any = None,
) -> bytes:
    """Histogram and empirical CDF of one scalar outcome, one colour per variant; an outcome
    that is a month from the start (NaN: never) is drawn on calendar months from ``start``.

    With ``count_nan=True`` (e.g. ``ceasefire_month``), experiments without a value stay in
    the denominator: the ECDF ends at the share of futures that have one, and the histogram
    shows shares of all futures.
    """
    figure, (ax_hist, ax_cdf) = _new_figure(10.5, 3.6, 2)
    label, unit = outcome_label(name)
    finite = [np.asarray(v, dtype=float) for v in values_by_variant.values()]
    pooled = np.concatenate([v[~np.isnan(v)] for v in finite]) if finite else np.empty(0)
    if pooled.size == 0:
        figure.suptitle(f"{label}: no values")
        return to_png(figure)
    low, high = np.quantile(pooled, [0.0, 1.0])
    if high <= low:
        high = low + 1.0
    discrete = np.allclose(pooled, np.round(pooled)) and high - low <= 60
    bins = np.arange(low - 0.5, high + 1.5) if discrete else np.linspace(low, high, 41)
    for i, (variant, values) in enumerate(values_by_variant.items()):
        values = np.asarray(values, dtype=float)
        valid = values[~np.isnan(values)]
        denominator = values.size if count_nan else valid.size
        if denominator == 0:
            continue
        counts, edges = np.histogram(valid, bins=bins)
        ax_hist.stairs(counts / denominator, edges, color=colour(i), linewidth=1.6, label=variant)
        xs, ys = ecdf(values, count_nan=count_nan)
        if xs.size > MAX_PLOT_POINTS:
            keep = np.linspace(0, xs.size - 1, MAX_PLOT_POINTS).astype(int)
            xs, ys = xs[keep], ys[keep]
        suffix = f" ({valid.size / values.size:.0%} with a value)" if count_nan else ""
        ax_cdf.step(
            xs, ys, where="post", color=colour(i), linewidth=1.6, label=f"{variant}{suffix}"
        )
    axis = f"{label} ({unit})" if unit else label
    ax_hist.set_xlabel(axis)
    ax_hist.set_ylabel("share of futures" + (" (all)" if count_nan else ""))
    ax_hist.set_title("Distribution")
    ax_cdf.set_xlabel(axis)
    if start is not None and name in NAN_MEANS_NEVER:  # a month number: show its date
        for ax in (ax_hist, ax_cdf):
            calendar_axis(ax, start)
            ax.set_xlabel(label)
    ax_cdf.set_ylabel("cumulative share of futures")
    ax_cdf.set_ylim(0, 1.02)
    ax_cdf.set_title("Empirical CDF")
    ax_hist.legend(fontsize=8, frameon=False)
    ax_cdf.legend(fontsize=8, frameon=False, loc="lower right")
    figure.suptitle(label, fontweight="bold")
    return to_png(figure)


def fan_chart_figure(
    bands_by_variant: Mapping[str, pd.DataFrame], name: str, start: Any = None
) -> bytes:
    """Fan chart of one monthly series: one panel per variant, shared y axis; calendar months
    on the time axis from the scenario's ``start`` (run months without one).

    Bands: 5-95 % (light) and 25-75 % (dark) of futures, line: median, dashed: mean.
    ``bands_by_variant`` values come from :func:`accord.analysis.summary.fan_bands`.
    """
    n = max(1, len(bands_by_variant))
    figure, axes = _new_figure(min(3.2 * n + 1.0, 14.0), 3.4, n, sharey=True)
    label, unit = outcome_label(name)
    for i, (ax, (variant, bands)) in enumerate(zip(axes, bands_by_variant.items(), strict=False)):
        months = bands.index.to_numpy(dtype=float)
        c = colour(i)
        ax.fill_between(
            months, bands["q05"], bands["q95"], color=c, alpha=0.18, linewidth=0, label="5-95 %"
        )
        ax.fill_between(
            months, bands["q25"], bands["q75"], color=c, alpha=0.40, linewidth=0, label="25-75 %"
        )
        ax.plot(months, bands["q50"], color=c, linewidth=1.8, label="median")
        if "mean" in bands:
            ax.plot(
                months, bands["mean"], color="#333333", linewidth=1.0, linestyle="--", label="mean"
            )
        ax.set_title(variant)
        calendar_axis(ax, start)
    axes[0].set_ylabel(textwrap.fill(f"{label} ({unit})" if unit else label, 32), fontsize=9)
    axes[0].legend(fontsize=7, frameon=False, loc="best")
    figure.suptitle(label, fontweight="bold")
    return to_png(figure)


def share_figure(shares_by_variant: Mapping[str, pd.Series], name: str, start: Any = None) -> bytes:
    """Share of futures in a state (a 0/1 series such as ``at_war``) by month, all variants
    (calendar months from ``start``, as in :func:`fan_chart_figure`).

    Quantile bands of a 0/1 variable carry no information; its mean over futures is the
    share of futures in the state.
    """
    figure, (ax,) = _new_figure(8.0, 3.6)
    label, _ = outcome_label(name)
    for i, (variant, share) in enumerate(shares_by_variant.items()):
        ax.plot(
            share.index.to_numpy(dtype=float),
            share.to_numpy(dtype=float),
            color=colour(i),
            linewidth=2.0,
            label=variant,
            linestyle=["-", "--", "-.", ":"][i % 4],
        )
    ax.set_ylim(-0.02, 1.02)
    calendar_axis(ax, start)
    ax.set_ylabel("share of futures")
    ax.set_title(label, fontweight="bold")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return to_png(figure)


def lever_effect_figure(effects: pd.DataFrame, outcome: str) -> bytes:
    """Forest plot: mean difference of each lever option against its reference, per variant.

    ``effects`` is :func:`accord.analysis.sensitivity.lever_effects` output with a ``variant``
    column, filtered to one outcome.
    """
    rows = effects[effects["outcome"] == outcome]
    keys = list(
        dict.fromkeys(f"{r.lever} = {r.option}\n(vs {r.reference})" for r in rows.itertuples())
    )
    variants = list(dict.fromkeys(rows["variant"]))
    height = 1.2 + 0.45 * max(1, len(keys)) * max(1, min(len(variants), 3)) ** 0.5
    figure, (ax,) = _new_figure(8.5, height)
    offsets = np.linspace(-0.25, 0.25, len(variants)) if len(variants) > 1 else [0.0]
    for i, variant in enumerate(variants):
        sub = rows[rows["variant"] == variant]
        labels = [f"{r.lever} = {r.option}\n(vs {r.reference})" for r in sub.itertuples()]
        ypos = np.array([keys.index(k) for k in labels], dtype=float) + offsets[i]
        diff = sub["difference"].to_numpy(dtype=float)
        err = np.vstack(
            [diff - sub["low"].to_numpy(dtype=float), sub["high"].to_numpy(dtype=float) - diff]
        )
        ax.errorbar(
            diff,
            ypos,
            xerr=np.abs(err),
            fmt="o",
            color=colour(i),
            markersize=5,
            capsize=3,
            label=variant,
        )
    ax.axvline(0.0, color="#555555", linewidth=1.0)
    ax.set_yticks(range(len(keys)))
    ax.set_yticklabels(keys, fontsize=8)
    ax.invert_yaxis()
    label, unit = outcome_label(outcome)
    ax.set_xlabel(f"difference in mean {label}" + (f" ({unit})" if unit else ""))
    ax.set_title(f"Levers' effect on {label} (95 % bootstrap interval)", fontsize=10)
    if len(variants) > 1:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return to_png(figure)


def ranked_indices(indices: list[dict], outcome: str, *, key: str = "S1", top: int = 15) -> Figure:
    """The ranked chart of a sensitivity analysis: the ``top`` inputs by ``key`` (an entry of
    :func:`accord.analysis.gsa.sensitivity_table`'s ``indices``), each labelled by its
    description, with its 95 % interval (``key_conf`` half-width) as an error bar."""
    shown = sorted(indices, key=lambda e: -e[key] if np.isfinite(e[key]) else np.inf)[:top]
    figure, (ax,) = _new_figure(8.0, 1.2 + 0.34 * max(1, len(shown)))
    values = np.array([e[key] for e in shown], dtype=float)
    errors = np.array([e.get(f"{key}_conf", np.nan) for e in shown], dtype=float)
    ypos = np.arange(len(shown))
    ax.barh(ypos, values, xerr=np.nan_to_num(errors), color=colour(0), capsize=3)
    ax.set_yticks(ypos)
    ax.set_yticklabels([textwrap.shorten(str(e["label"]), 60) for e in shown], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0.0, color="#555555", linewidth=0.8)
    ax.set_xlabel(f"{key}: first-order index with its 95 % interval")
    ax.set_title(f"Which uncertainties drive {_axis_label(outcome)}", fontsize=10)
    return figure


def importance_figure(
    importance_by_variant: Mapping[str, pd.DataFrame], outcome: str, *, top: int = 12
) -> bytes:
    """Horizontal bars of input importance for one outcome, one colour per variant."""
    order: list[str] = []
    for frame in importance_by_variant.values():
        for name in frame["input"].head(top):
            if name not in order:
                order.append(name)
    order = order[:top]
    n_var = max(1, len(importance_by_variant))
    figure, (ax,) = _new_figure(7.5, 1.2 + 0.32 * max(1, len(order)) * (1 + 0.3 * (n_var - 1)))
    width = 0.8 / n_var
    method = ""
    for i, (variant, frame) in enumerate(importance_by_variant.items()):
        lookup = dict(zip(frame["input"], frame["importance"], strict=True))
        values = [lookup.get(name, np.nan) for name in order]
        ypos = np.arange(len(order)) + (i - (n_var - 1) / 2) * width
        ax.barh(ypos, values, height=width, color=colour(i), label=variant)
        method = str(frame["method"].iloc[0]) if len(frame) else method
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order, fontsize=8)
    ax.invert_yaxis()
    xlabel = {
        "extra_trees": "extra-trees importance (share, sums to 1)",
        "regression": "|standardised regression coefficient|",
    }.get(method, "importance")
    ax.set_xlabel(xlabel)
    label, _ = outcome_label(outcome)
    ax.set_title(f"What drives {label}", fontsize=10)
    if n_var > 1:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return to_png(figure)


def prim_trajectory_figure(
    trajectory: pd.DataFrame,
    chosen_step: int,
    target: str,
    pasted: tuple[float, float] | None = None,
) -> bytes:
    """PRIM peeling trajectory: density against coverage, coloured by restricted inputs.

    ``pasted`` = (coverage, density) of the chosen box after pasting, marked when given.
    """
    figure, (ax,) = _new_figure(6.0, 4.0)
    points = ax.scatter(
        trajectory["coverage"],
        trajectory["density"],
        c=trajectory["n_restricted"],
        cmap="viridis",
        s=18,
    )
    chosen = trajectory.iloc[chosen_step]
    ax.scatter(
        [chosen["coverage"]],
        [chosen["density"]],
        s=140,
        facecolors="none",
        edgecolors=PALETTE[5],
        linewidths=2,
        label=f"chosen box (step {chosen_step})",
    )
    if pasted is not None:
        ax.scatter(
            [pasted[0]],
            [pasted[1]],
            s=140,
            marker="*",
            color=PALETTE[5],
            label="chosen box after pasting",
        )
    colourbar = figure.colorbar(points, ax=ax, ticks=MaxNLocator(integer=True))
    colourbar.set_label("inputs restricted")
    ax.set_xlabel("coverage (share of all cases of interest inside the box)")
    ax.set_ylabel("density (share of cases in the box)")
    label, _ = outcome_label(target)
    ax.set_title(f"PRIM peeling trajectory: {label}", fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="lower left")
    return to_png(figure)


def war_end_figure(shares_by_variant: Mapping[str, Mapping[str, float]]) -> bytes:
    """Stacked bars: how each variant's futures' wars first end (shares of all futures)."""
    variants = list(shares_by_variant)
    figure, (ax,) = _new_figure(8.0, 0.6 + 0.55 * max(len(variants), 1))
    left = np.zeros(len(variants))
    kinds = list(next(iter(shares_by_variant.values()))) if variants else []
    for i, kind in enumerate(kinds):
        widths = np.array([shares_by_variant[v].get(kind, 0.0) for v in variants])
        ax.barh(variants, widths, left=left, color=colour(i), label=kind)
        left += widths
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("share of futures")
    ax.invert_yaxis()
    ax.set_title("How the war first ends", fontweight="bold")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return to_png(figure)
