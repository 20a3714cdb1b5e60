"""Distributions: one outcome over all futures, the variants overlaid."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from shiny import module, reactive, render, ui

from accord.dashboard import data, figures
from accord.dashboard.state import Selection
from accord.dashboard.widgets import list_and_plot


@module.ui
def page_ui() -> Any:
    return list_and_plot("outcome", "Outcome")


@module.server
def page_server(
    input: Any,
    output: Any,
    session: Any,  # noqa: A002 - Shiny's names
    selection: Selection,
    nan_means_never: Collection[str],
) -> None:
    @reactive.effect
    def _choices() -> None:
        names = selection.outcomes()
        current = input.outcome()
        ui.update_select(
            "outcome",
            choices={n: data.label(n) for n in names},
            selected=current if current in names else (names[0] if names else None),
        )

    @render.plot(alt="Distribution of the chosen outcome, variants overlaid")
    def plot() -> Any:
        runs, name = selection.chosen(), input.outcome()
        if not runs or not name:
            return None
        values = {
            r.variant: r.scalars[name].to_numpy(dtype=float) for r in runs if name in r.scalars
        }
        months = name in nan_means_never  # a month from the start: drawn on the calendar
        start = data.scenario_start(runs[0].meta) if months else None
        return figures.distribution(values, data.label(name), count_nan=months, start=start)
