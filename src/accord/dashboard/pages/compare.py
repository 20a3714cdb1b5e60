"""Compare: A − B of each outcome's mean with a bootstrap interval, for any two runs."""

from __future__ import annotations

from typing import Any

import pandas as pd
from htmltools import Tag
from shiny import module, reactive, render, ui

from accord.dashboard import data
from accord.dashboard.state import Background, Selection, Store
from accord.dashboard.widgets import fmt, guarded, html_table, interval, message


@module.ui
def page_ui() -> Any:
    return ui.TagList(
        ui.layout_columns(
            ui.input_select("a", "Run A", choices=[]), ui.input_select("b", "Run B", choices=[])
        ),
        ui.p(
            "A − B of each outcome's mean with a 95 % bootstrap interval; 'observed' rows "
            "are the share of futures where the outcome happens.",
            class_="text-muted",
        ),
        ui.output_ui("table"),
    )


def compared(store: Store, runs: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """The comparison table as shown (in a worker thread)."""
    table = data.compare(store.read(runs, a), store.read(runs, b))
    return pd.DataFrame(
        {
            "outcome": [data.label(o) for o in table["outcome"]],
            "statistic": table["statistic"],
            "A": [fmt(v) for v in table["mean_a"]],
            "B": [fmt(v) for v in table["mean_b"]],
            "A − B": [fmt(v) for v in table["difference"]],
            "95 % interval": [
                interval(lo, hi) for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)
            ],
        }
    )


@module.server
def page_server(
    input: Any,
    output: Any,
    session: Any,  # noqa: A002 - Shiny's names
    store: Store,
    selection: Selection,
    study: Any,
) -> None:
    task = Background(store)

    @reactive.effect
    def _choices() -> None:
        runs = selection.listing()
        name = study()
        ids = runs[runs["study"] == name]["id"].tolist() if name else []
        everything = {i: i for i in runs["id"]}
        ui.update_select("a", choices=everything, selected=ids[0] if ids else None)
        ui.update_select("b", choices=everything, selected=ids[-1] if ids else None)

    @render.ui
    def table() -> Any:
        a, b = input.a(), input.b()
        if not a or not b:
            return message("Pick two runs.", "info")
        if a == b:
            return message("Pick two different runs to compare.")
        runs = selection.listing()

        def build() -> Tag:
            shown = task.call(("compare", selection.stamp(), a, b), compared, store, runs, a, b)
            return html_table(shown, "compare", numeric={"A", "B", "A − B", "95 % interval"})

        return guarded(build)
