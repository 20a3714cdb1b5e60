"""Compare: A − B of each outcome's mean with its 95 % interval, for any two runs."""

from __future__ import annotations

from typing import Any

import pandas as pd
from htmltools import Tag
from shiny import module, reactive, render, ui

from accord.dashboard import data
from accord.dashboard.state import Background, Selection, Store
from accord.dashboard.widgets import guarded, html_table, message


@module.ui
def page_ui() -> Any:
    return ui.TagList(
        ui.layout_columns(
            ui.input_select("a", "Run A", choices=[]), ui.input_select("b", "Run B", choices=[])
        ),
        ui.p(
            "A − B of each outcome's mean with its 95 % interval (paired when the runs share "
            "their futures, as accord compare and the report). 'share observed' is the share "
            "of futures where the outcome happens, given once for outcomes observed in the "
            "same futures; a nominal outcome (how the war ends) is given as the share of "
            "futures in each category.",
            class_="text-muted",
        ),
        ui.output_ui("table"),
    )


def compared(store: Store, runs: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """The comparison table as shown (in a worker thread): each value formatted by its
    outcome's unit and statistic, as ``accord compare`` prints it."""
    from accord.analysis.formatting import compare_text

    # Tables read only when the comparison is not kept beside run A.
    table = data.compare(store.read(runs, a, tables=False), store.read(runs, b, tables=False))
    shown = compare_text(table).drop(columns=["n_a", "n_b"])
    shown["outcome"] = [data.label(o) for o in table["outcome"]]
    return shown


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
