"""Over time: a fan chart of one monthly series, the variants overlaid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shiny import module, reactive, render, ui

from accord.dashboard import data, figures
from accord.dashboard.state import Selection
from accord.dashboard.widgets import list_and_plot


@module.ui
def page_ui() -> Any:
    return list_and_plot("series", "Series")


@module.server
def page_server(
    input: Any,
    output: Any,
    session: Any,  # noqa: A002 - Shiny's names
    selection: Selection,
    series: Sequence[str],
) -> None:
    @reactive.effect
    def _choices() -> None:
        runs = selection.chosen()
        present = [v for v in series if any(v in r.series for r in runs)]
        ui.update_select("series", choices={v: data.label(v) for v in present})

    @render.plot(alt="Fan chart of the chosen series, variants overlaid")
    def plot() -> Any:
        from accord.analysis.summary import fan_bands, is_binary

        runs, name = selection.chosen(), input.series()
        if not runs or not name:
            return None
        shown = [r for r in runs if name in r.series]
        bands = {r.variant: fan_bands(r.series, name) for r in shown}
        binary = all(is_binary(r.series[name]) for r in shown)
        start = data.scenario_start(shown[0].meta) if shown else None
        return figures.fan(bands, data.label(name), start, binary=binary)
