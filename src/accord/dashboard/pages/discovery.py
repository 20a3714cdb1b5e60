"""Scenario discovery: PRIM boxes of the futures where an outcome is below / at least a value."""

from __future__ import annotations

from typing import Any

import pandas as pd
from htmltools import Tag, tags
from shiny import module, reactive, render, ui

from accord.dashboard import data, figures
from accord.dashboard.state import Background, Selection, Store
from accord.dashboard.widgets import fmt, guarded, html_table, message, run_and_outcome_lists


@module.ui
def page_ui() -> Any:
    return ui.TagList(
        ui.layout_columns(
            ui.input_select("run", "Run", choices=[]),
            ui.input_select("outcome", "Outcome", choices=[]),
            ui.input_select(
                "direction", "Futures where it is", choices={"<": "below", ">=": "at least"}
            ),
            ui.input_numeric("threshold", "Threshold", value=0.5),
        ),
        ui.output_ui("message"),
        ui.layout_columns(
            ui.output_plot("plot", height="400px"),
            ui.div(
                ui.input_numeric("step", "Box (step of the trajectory)", value=0, min=0),
                ui.output_ui("box"),
                ui.input_action_button("keep", "Keep this box"),
                ui.input_action_button("clear", "Clear kept boxes"),
            ),
            col_widths=(7, 5),
        ),
        ui.h4("Kept boxes"),
        ui.output_ui("kept"),
    )


def box_summary(result: Any, step: int) -> dict[str, str]:
    """What a box of the trajectory keeps, as the page lists it."""
    box = result.box(step)
    limits = []
    for name, row in box.restricted().iterrows():
        limits.append(
            f"{name}: one of {row['kept']}"
            if row["kept"]
            else f"{name}: {fmt(row['low'])} – {fmt(row['high'])}"
        )
    return {
        "step": str(step),
        "coverage": fmt(box.coverage, "probability"),
        "density": fmt(box.density, "probability"),
        "futures in box": f"{box.n_in:,}",
        "limits": "; ".join(limits) or "none (all futures)",
    }


@module.server
def page_server(
    input: Any,
    output: Any,
    session: Any,  # noqa: A002 - Shiny's names
    store: Store,
    selection: Selection,
    study_runs: Any,
) -> None:
    task = Background(store)
    kept: reactive.Value[list[dict[str, str]]] = reactive.Value([], name="kept")

    run_and_outcome_lists(selection, study_runs)

    def discover(
        runs: pd.DataFrame, run_id: str, outcome: str, threshold: float, direction: str
    ) -> Any:
        return data.discover(store.read(runs, run_id), outcome, threshold, direction)

    @reactive.calc
    def result() -> Any:
        run_id, outcome = input.run(), input.outcome()
        if not run_id or not outcome:
            raise data.FormError("Pick a run and an outcome.")
        threshold = input.threshold()
        if threshold is None:
            raise data.FormError("The threshold must be a number.")
        asked = (run_id, outcome, float(threshold), input.direction())
        return task.call(
            ("discover", selection.stamp(), *asked), discover, selection.listing(), *asked
        )

    def step() -> int:
        last = len(result().trajectory) - 1
        chosen = input.step()
        if chosen is None or not float(chosen).is_integer() or not 0 <= chosen <= last:
            raise data.FormError(f"The box must be a step from 0 to {last}.")
        return int(chosen)

    @reactive.effect
    def _default_step() -> None:
        try:
            found = result()
        except data.FormError:
            return
        chosen_box = found.select(min_coverage=0.5, max_restricted=3)
        ui.update_numeric("step", value=int(chosen_box.step), max=len(found.trajectory) - 1)

    @output(id="message")
    @render.ui
    def message_() -> Any:
        try:
            found = result()
        except data.FormError as error:
            return message(str(error))
        return ui.p(
            f"{len(found.trajectory)} boxes peeled; the case holds in "
            f"{fmt(found.base_density, 'probability')} of all futures.",
            class_="text-muted",
        )

    @render.plot(alt="PRIM peeling trajectory")
    def plot() -> Any:
        try:
            found, shown = result(), step()
        except data.FormError:
            return None
        return figures.trajectory(found.trajectory, shown, [int(k["step"]) for k in kept()])

    @render.ui
    def box() -> Any:
        def build() -> Tag:
            summary = box_summary(result(), step())
            return tags.dl(
                *[
                    item
                    for key, value in summary.items()
                    for item in (tags.dt(key), tags.dd(value))
                ],
                id="prim-box",
            )

        return guarded(build)

    @reactive.effect
    @reactive.event(input.keep)
    def _keep() -> None:
        try:
            summary = box_summary(result(), step())
        except data.FormError:
            return
        summary = {
            "outcome": f"{input.outcome()} {input.direction()} {input.threshold()}",
            **summary,
        }
        kept.set([*kept(), summary])

    @reactive.effect
    @reactive.event(input.clear)
    def _clear() -> None:
        kept.set([])

    @output(id="kept")
    @render.ui
    def kept_() -> Any:
        if not kept():
            return ui.p("Keep boxes to compare them side by side.", class_="text-muted")
        return html_table(pd.DataFrame(kept()), "kept-boxes")
