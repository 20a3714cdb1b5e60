"""Figures of the dashboard: matplotlib ``Figure`` objects, no pyplot, no backend change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

#: Okabe & Ito colour-blind-safe palette, as in the report.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def _figure(width: float = 9.0, height: float = 4.0, ncols: int = 1):
    from matplotlib.figure import Figure

    # No layout engine here: Shiny applies its own (tight) when it renders the figure.
    figure = Figure(figsize=(width, height))
    axes = figure.subplots(1, ncols)
    return figure, axes


def distribution(
    values: Mapping[str, np.ndarray], title: str, *, count_nan: bool, start: Any = None
):
    """Histogram (share of futures per bin) and ECDF of one outcome, variants overlaid; with a
    ``start``, the values are run months drawn on calendar months."""
    from accord.analysis.summary import ecdf

    figure, (left, right) = _figure(ncols=2)
    valid = [v[~np.isnan(v)] for v in values.values()]
    pooled = np.concatenate(valid) if valid else np.array([])
    bins = np.histogram_bin_edges(pooled, bins=30) if pooled.size else 10
    for colour, (variant, array) in zip(COLOURS, values.items(), strict=False):
        kept = array[~np.isnan(array)]
        if kept.size:
            left.hist(
                kept,
                bins=bins,
                weights=np.full(kept.size, 1 / max(array.size, 1)),
                histtype="step",
                linewidth=1.6,
                color=colour,
                label=variant,
            )
        x, y = ecdf(array, count_nan=count_nan)
        right.step(x, y, where="post", color=colour, label=variant)
    left.set_xlabel(title)
    left.set_ylabel("share of futures")
    right.set_xlabel(title)
    right.set_ylabel("cumulative share of futures")
    right.set_ylim(0, 1.02)
    if start is not None:
        from accord.analysis.formatting import calendar_axis

        for axes in (left, right):
            calendar_axis(axes, start)
            axes.set_xlabel(title)
    left.legend(fontsize=8)
    return figure


def fan(bands: Mapping[str, pd.DataFrame], title: str, start: Any = None, *, binary: bool = False):
    """Fan chart per month, variants overlaid: 5-95 % band, 25-75 % band, median line.

    A yes/no series (``binary``) is drawn as the share of futures in the state (the bands'
    mean), since quantile bands of a 0/1 variable are a filled rectangle. Calendar months on
    the time axis from the scenario's ``start``."""
    from accord.analysis.formatting import calendar_axis

    figure, axes = _figure()
    for colour, (variant, band) in zip(COLOURS, bands.items(), strict=False):
        months = band.index.to_numpy()
        if binary:
            axes.plot(months, band["mean"], color=colour, linewidth=2.0, label=variant)
            continue
        axes.fill_between(months, band["q05"], band["q95"], color=colour, alpha=0.12, linewidth=0)
        axes.fill_between(months, band["q25"], band["q75"], color=colour, alpha=0.25, linewidth=0)
        axes.plot(months, band["q50"], color=colour, label=f"{variant} (median)")
    calendar_axis(axes, start)
    if binary:
        axes.set_ylim(-0.02, 1.02)
        axes.set_ylabel(f"share of futures: {title}")
    else:
        axes.set_ylabel(title)
    axes.legend(fontsize=8)
    return figure


def trajectory(frame: pd.DataFrame, chosen: int | None, kept: list[int]):
    """PRIM peeling trajectory: coverage against density, one point per box."""
    figure, axes = _figure(width=7.0, height=4.5)
    points = axes.scatter(
        frame["coverage"], frame["density"], c=frame["n_restricted"], cmap="viridis", s=22
    )
    figure.colorbar(points, ax=axes, label="inputs restricted")
    for step in kept:
        if step in frame.index:
            axes.scatter(
                [frame.loc[step, "coverage"]],
                [frame.loc[step, "density"]],
                marker="s",
                s=90,
                facecolors="none",
                edgecolors="#E69F00",
            )
    if chosen is not None and chosen in frame.index:
        axes.scatter(
            [frame.loc[chosen, "coverage"]],
            [frame.loc[chosen, "density"]],
            s=160,
            facecolors="none",
            edgecolors="#D55E00",
            linewidths=2,
        )
    axes.set_xlabel("coverage")
    axes.set_ylabel("density")
    return figure


def settlements(table: pd.DataFrame, issue: str, low: float, high: float):
    """Each model's settlement before (hollow) and after (filled) the move."""
    figure, axes = _figure(width=8.0, height=3.2)
    y = np.arange(len(table))
    axes.scatter(table["before"], y, facecolors="none", edgecolors=COLOURS[0], s=70, label="before")
    axes.scatter(table["after"], y, color=COLOURS[5], s=40, label="after")
    for row, (b, a) in enumerate(zip(table["before"], table["after"], strict=True)):
        axes.annotate("", (a, row), (b, row), arrowprops={"arrowstyle": "->", "color": "#555"})
    axes.set_yticks(y, table["model"])
    axes.set_xlim(low, high)
    axes.set_xlabel(f"settlement on {issue}")
    axes.legend(fontsize=8, loc="lower right")
    return figure


def burden(table: pd.DataFrame, us_cut: float):
    """Change of each ally's spending, median and 5-95 % band."""
    shown = table.dropna(subset=["change_pct"]).sort_values("change_pct")
    figure, axes = _figure(width=8.0, height=max(4.0, 0.22 * len(shown)))
    y = np.arange(len(shown))
    axes.errorbar(
        shown["change_pct"],
        y,
        xerr=[
            shown["change_pct"] - shown["change_pct_p05"],
            shown["change_pct_p95"] - shown["change_pct"],
        ],
        fmt="o",
        color=COLOURS[0],
        ecolor="#999",
        markersize=4,
    )
    axes.axvline(0, color="#333", linewidth=0.8)
    axes.set_yticks(y, shown["ally"], fontsize=7)
    axes.set_xlabel(f"change of defence spending, % (US cut {100 * us_cut:.0f} %)")
    return figure


def headline_question(
    table: pd.DataFrame,
    groups: Mapping[str, list[str]],
    *,
    ylabel: str,
    positions: Mapping[str, object] | None = None,
    xlabel: str = "",
    percent: bool = False,
):
    """One headline question as points with their interval bars, one colour per variant.

    ``table`` is the headline table (long: ``key, label, unit, variant, value, low, high``,
    as :func:`accord.dashboard.data.headline`); ``groups`` names the lines of the figure and
    their rows' keys (for instance a ceasefire and any end of the war, each at three
    horizons). With ``positions`` (key -> x, e.g. the calendar date of a horizon) the points
    of a group are joined along that axis; without, each key is a category labelled by its
    row's label. Probabilities are drawn in % with ``percent``.
    """
    figure, axes = _figure(width=9.0, height=3.6)
    scale = 100.0 if percent else 1.0
    variants = list(dict.fromkeys(table["variant"]))
    keys = [k for ks in groups.values() for k in ks if k in set(table["key"])]
    categories = {k: i for i, k in enumerate(keys)}
    markers = ["o", "s", "^", "D"]
    styles = ["-", "--", ":", "-."]
    width = 0.6 / max(1, len(variants))
    for v_index, (colour, variant) in enumerate(zip(COLOURS, variants, strict=False)):
        rows = table[table["variant"] == variant].set_index("key")
        for g_index, (name, group) in enumerate(groups.items()):
            shown = [k for k in group if k in rows.index]
            if not shown:
                continue
            value = rows.loc[shown, "value"].to_numpy(dtype=float) * scale
            low = rows.loc[shown, "low"].to_numpy(dtype=float) * scale
            high = rows.loc[shown, "high"].to_numpy(dtype=float) * scale
            error = np.vstack([np.nan_to_num(value - low), np.nan_to_num(high - value)])
            if positions is not None:
                x: list | np.ndarray = [positions[k] for k in shown]
            else:
                x = (
                    np.array([categories[k] for k in shown])
                    + (v_index - (len(variants) - 1) / 2) * width
                )
            label = variant if len(groups) == 1 else f"{variant}: {name}"
            axes.errorbar(
                x,
                value,
                yerr=error,
                fmt=markers[g_index % len(markers)]
                + (styles[g_index % len(styles)] if positions is not None else ""),
                color=colour,
                capsize=3,
                markersize=5,
                label=label,
            )
    if positions is None:
        labels = table.drop_duplicates("key").set_index("key")["label"]
        axes.set_xticks(range(len(keys)), [_wrap(str(labels[k])) for k in keys], fontsize=7)
    if percent:
        axes.set_ylim(bottom=0)
    axes.set_ylabel(ylabel)
    if xlabel:
        axes.set_xlabel(xlabel)
    # Beside the axes: a legend inside would hide the points of a full figure.
    axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return figure


def _wrap(text: str, width: int = 28) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def png(figure, *, dpi: int = 96) -> bytes:
    """A figure as PNG bytes (matplotlib's Agg canvas; no pyplot)."""
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()
