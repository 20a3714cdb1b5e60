"""Forecast explorer: move one actor's stance and see each bargaining model's settlement."""

from __future__ import annotations

from typing import Any

import pandas as pd
from shiny import module, reactive, render, ui

from accord.dashboard import data, figures
from accord.dashboard.state import Background, Store
from accord.dashboard.widgets import explained, html_table, shown_with

#: The scenario the explorer opens on when it is shipped.
DEFAULT_SCENARIO = "ukraine-2025"


@module.ui
def page_ui() -> Any:
    return ui.TagList(
        ui.layout_columns(
            ui.input_select("scenario", "Scenario", choices=[]),
            ui.input_select("actor", "Actor", choices=[]),
            ui.input_select("issue", "Issue", choices=[]),
        ),
        ui.layout_columns(
            ui.input_slider("position", "Position", 0, 100, 50, step=1),
            ui.input_slider("salience", "Salience", 0, 1, 0.5, step=0.01),
            ui.input_numeric("capability", "Capability", value=1.0, min=0),
        ),
        ui.output_ui("message"),
        ui.output_plot("plot", height="300px"),
        ui.output_ui("table"),
    )


def settlements_table(table: pd.DataFrame) -> Any:
    shown = table.assign(
        **{c: [f"{v:.1f}" for v in table[c]] for c in ("before", "after", "shift")}
    )
    return html_table(shown, "settlements", numeric={"before", "after", "shift"})


@module.server
def page_server(
    input: Any,
    output: Any,
    session: Any,  # noqa: A002 - Shiny's names
    store: Store,
) -> None:
    names_task, whatif_task = Background(store), Background(store)

    @reactive.effect
    def _scenarios() -> None:
        names = names_task.call(("bargaining",), data.bargaining_scenarios)
        ui.update_select(
            "scenario",
            choices=names,
            selected=DEFAULT_SCENARIO
            if DEFAULT_SCENARIO in names
            else (names[0] if names else None),
        )

    @reactive.effect
    def _choices() -> None:
        name = input.scenario()
        if not name:
            return
        scenario = data.load_scenario(name)
        ui.update_select("actor", choices=list(scenario.actor_ids))
        ui.update_select("issue", choices={i.id: i.name for i in scenario.issues})

    @reactive.effect
    def _defaults() -> None:
        name, actor, issue = input.scenario(), input.actor(), input.issue()
        if not (name and actor and issue):
            return
        try:
            values = data.stance(name, actor, issue)
        except (ValueError, data.FormError):
            return
        with reactive.isolate():
            ui.update_slider("position", value=round(values["position"], 1))
            ui.update_slider("salience", value=round(values["salience"], 2))
            ui.update_numeric("capability", value=round(values["capability"], 3))

    @reactive.calc
    def result() -> pd.DataFrame:
        name, actor, issue = input.scenario(), input.actor(), input.issue()
        if not (name and actor and issue):
            raise data.FormError("Pick a scenario, an actor and an issue.")
        capability = input.capability()
        if capability is None:
            raise data.FormError("Capability must be a number of at least 0.")
        moved = {
            "position": float(input.position()),
            "salience": float(input.salience()),
            "capability": float(capability),
        }
        return whatif_task.call(
            ("whatif", name, actor, issue, *moved.values()),
            lambda: data.whatif(name, actor, issue, **moved),
        )

    @output(id="message")
    @render.ui
    def message_() -> Any:
        return explained(
            result,
            "Each model's settlement of the central scenario before "
            "(hollow) and after (filled) the move.",
        )

    @render.plot(alt="Settlement of each bargaining model before and after the move")
    def plot() -> Any:
        return shown_with(result, lambda table: figures.settlements(table, input.issue(), 0, 100))

    @render.ui
    def table() -> Any:
        return shown_with(result, settlements_table)
