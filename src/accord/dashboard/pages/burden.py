"""Burden: each ally's defence spending in the new equilibrium after a US cut.

The page gives the answer `accord burden equilibrium` and the report give (one workflow,
``accord.workflows.burden_answer.answer_of``): the model used and the data vintage, its
rolling-backtest score beside the number, Europe's total and each ally's gap to 2, 3.5 and
5 % of GDP, and the sentence on what the data can and cannot tell.
"""

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
        ui.output_ui("answer"),
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
            **{
                f"gap to {column[len('gap_to_') : -len('_pct_pp')]} % (pp)": [
                    fmt(v) for v in table[column]
                ]
                for column in table.columns
                if column.startswith("gap_to_") and column.endswith("_pct_pp")
            },
        }
    )
    return html_table(shown, "burden", numeric=set(shown.columns) - {"ally"})


def answer_block(found: dict[str, Any]) -> Any:
    """The answer's lines (the report prints the same, ``answer_lines``): Europe's total and
    gaps with the model used, the backtest score, the data vintage and what the data can
    tell."""
    from accord.workflows.burden_answer import answer_lines

    lines = answer_lines(found)
    return ui.div(
        *[ui.p(line, class_="answer-line") for line in lines[:-1]],
        ui.p(ui.tags.strong(lines[-1]), class_="answer-line"),
        id="burden-answer-lines",
    )


@module.server
def page_server(
    input: Any,
    output: Any,
    session: Any,  # noqa: A002 - Shiny's names
    store: Store,
) -> None:
    task = Background(store)

    @reactive.calc
    def found() -> dict[str, Any]:
        cut = input.cut()
        cut = float(cut) if cut is not None else float("nan")
        return task.call(("burden-answer", repr(cut)), data.burden_answer, cut)

    def result() -> pd.DataFrame:
        return found()["table"]

    @output(id="message")
    @render.ui
    def message_() -> Any:
        return explained(
            result,
            "Each ally's defence spending in the new equilibrium: "
            "median and 5–95 % over the calibration draws.",
        )

    @render.ui
    def answer() -> Any:
        return shown_with(found, lambda both: answer_block(both["answer"]))

    @render.plot(alt="Change of each ally's defence spending")
    def plot() -> Any:
        return shown_with(result, lambda table: figures.burden(table, float(input.cut())))

    @render.ui
    def table() -> Any:
        return shown_with(result, burden_table)
