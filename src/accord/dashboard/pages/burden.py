"""Burden: each ally's defence spending in the new equilibrium after a US cut."""

from __future__ import annotations

from typing import Any

import pandas as pd
from shiny import module, reactive, render, ui

from accord.dashboard import data, figures
from accord.dashboard.state import Background, Store
from accord.dashboard.widgets import explained, fmt, html_table, shown_with


@module.ui
def page_ui() -> Any:
    return ui.TagList(
        ui.input_slider(
            "cut", "US cut of its own defence spending", 0, 1, 0.5, step=0.05, width="30em"
        ),
        ui.output_ui("message"),
        ui.output_plot("plot", height="760px"),
        ui.output_ui("table"),
    )


def burden_table(table: pd.DataFrame) -> Any:
    shown = pd.DataFrame(
        {
            "ally": table["ally"],
            "spending now (% GDP)": [fmt(v) for v in table["base_pct_gdp"]],
            "after (% GDP)": [fmt(v) for v in table["pct_gdp"]],
            "5–95 %": [
                f"{fmt(lo)} – {fmt(hi)}"
                for lo, hi in zip(table["pct_gdp_p05"], table["pct_gdp_p95"], strict=True)
            ],
            "change (%)": [fmt(v) for v in table["change_pct"]],
        }
    )
    return html_table(shown, "burden", numeric=set(shown.columns) - {"ally"})


@module.server
def page_server(
    input: Any,
    output: Any,
    session: Any,  # noqa: A002 - Shiny's names
    store: Store,
) -> None:
    task = Background(store)

    @reactive.calc
    def result() -> pd.DataFrame:
        cut = input.cut()
        cut = float(cut) if cut is not None else float("nan")
        return task.call(("burden", repr(cut)), data.burden, cut)

    @output(id="message")
    @render.ui
    def message_() -> Any:
        return explained(
            result,
            "Each ally's defence spending in the new equilibrium: "
            "median and 5–95 % over the calibration draws.",
        )

    @render.plot(alt="Change of each ally's defence spending")
    def plot() -> Any:
        return shown_with(result, lambda table: figures.burden(table, float(input.cut())))

    @render.ui
    def table() -> Any:
        return shown_with(result, burden_table)
