"""Levers and sensitivity: each lever's effect, and which uncertainties matter for an outcome."""

from __future__ import annotations

from typing import Any

import pandas as pd
from shiny import module, reactive, render, ui

from accord.dashboard import data
from accord.dashboard.state import Background, Selection, Store
from accord.dashboard.widgets import (
    fmt,
    guarded,
    html_table,
    interval,
    message,
    run_and_outcome_lists,
    shown_with,
)


@module.ui
def page_ui() -> Any:
    return ui.TagList(
        ui.h4("Levers' effects"),
        ui.output_ui("effects"),
        ui.h4("Which uncertainties matter"),
        ui.layout_columns(
            ui.input_select("run", "Run", choices=[]),
            ui.input_select("outcome", "Outcome", choices=[]),
        ),
        ui.output_ui("importance_message"),
        ui.output_plot("importance_plot", height="420px"),
    )


def effects_table(effects: pd.DataFrame) -> Any:
    if effects.empty:
        return message(
            "No lever varies within these runs: compare the variants on the Compare page instead.",
            "info",
        )
    shown = pd.DataFrame(
        {
            "variant": effects["variant"],
            "lever": effects["lever"],
            "option": effects["option"].astype(str) + " vs " + effects["reference"].astype(str),
            "outcome": [data.label(o) for o in effects["outcome"]],
            "difference": [fmt(v) for v in effects["difference"]],
            "95 % interval": [
                interval(lo, hi) for lo, hi in zip(effects["low"], effects["high"], strict=True)
            ],
        }
    )
    return html_table(shown, "levers", numeric={"difference", "95 % interval"})


@module.server
def page_server(
    input: Any,
    output: Any,
    session: Any,  # noqa: A002 - Shiny's names
    store: Store,
    selection: Selection,
    study_runs: Any,
) -> None:
    effects_task, importance_task = Background(store), Background(store)

    run_and_outcome_lists(selection, study_runs)

    @render.ui
    def effects() -> Any:
        runs = selection.chosen()
        if not runs:
            return None
        return guarded(
            lambda: effects_table(
                effects_task.call(
                    Store.summary_key(data.lever_effects, runs), data.lever_effects, list(runs)
                )
            )
        )

    def importance(runs: pd.DataFrame, run_id: str, outcome: str) -> list[dict[str, Any]]:
        return data.sensitivity(store.read(runs, run_id), outcome)

    @reactive.calc
    def importance_table() -> list[dict[str, Any]]:
        run_id, outcome = input.run(), input.outcome()
        if not run_id or not outcome:
            raise data.FormError("Pick a run and an outcome.")
        runs = selection.listing()
        return importance_task.call(
            ("importance", selection.stamp(), run_id, outcome), importance, runs, run_id, outcome
        )

    @render.ui
    def importance_message() -> Any:
        try:
            importance_table()
        except data.FormError as error:
            return message(str(error), "info")
        return None

    @render.plot(alt="First-order sensitivity of the chosen outcome, with 95 % intervals")
    def importance_plot() -> Any:
        from accord.report.figures import ranked_indices

        return shown_with(
            importance_table, lambda indices: ranked_indices(indices, input.outcome())
        )
