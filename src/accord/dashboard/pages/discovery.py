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
        ui.h4("Is this box a finding?"),
        ui.output_ui("checks"),
        ui.output_plot("limits", height="300px"),
        ui.h4("Kept boxes"),
        ui.output_ui("kept"),
    )


def box_summary(result: Any, step: int, labels: dict[str, str]) -> dict[str, str]:
    """What a box of the trajectory keeps, as the page lists it (inputs by ``labels``)."""
    box = result.box(step)
    limits = []
    for name, row in box.restricted().iterrows():
        name = labels.get(str(name), name)
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
    checking = Background(store)  # its own worker: a new box must not cancel the peeling
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
            summary = box_summary(result(), step(), labels())
            return tags.dl(
                *[
                    item
                    for key, value in summary.items()
                    for item in (tags.dt(key), tags.dd(value))
                ],
                id="prim-box",
            )

        return guarded(build)

    def checks_of(runs: pd.DataFrame, asked: tuple, result: Any, step: int) -> Any:
        run_id, outcome, threshold, direction = asked
        run = store.read(runs, run_id)
        return data.check_box(run, outcome, threshold, direction, result, step)

    @reactive.calc
    def labels() -> dict[str, str]:
        return data.input_labels(store.read(selection.listing(), input.run()))

    @reactive.calc
    def checks() -> Any:
        found, shown = result(), step()
        asked = (input.run(), input.outcome(), float(input.threshold()), input.direction())
        key = ("checks", selection.stamp(), *asked, shown)
        return checking.call(key, checks_of, selection.listing(), asked, found, shown)

    @output(id="checks")
    @render.ui
    def checks_() -> Any:
        def build() -> Any:
            found = checks()
            table = pd.DataFrame(found.shown(labels())).rename(
                columns={
                    "quasi_p": "quasi-p",
                    "stability": f"restricted in {found.replicates} resamples",
                    "cart": "CART's densest leaf",
                }
            )
            notes = [ui.tags.li(line) for line in found.warnings]
            return ui.TagList(
                html_table(table, "box-checks"),
                ui.tags.ul(*notes, id="box-warnings")
                if notes
                else ui.p("Every restriction passes both checks.", class_="text-muted"),
                ui.p(
                    "Quasi-p: the binomial chance that the restriction raises the density this "
                    "much with no relation to the outcome (Bryant & Lempert 2010). CART: an "
                    "independent decision tree's densest leaf "
                    f"(density {fmt(found.cart_density, 'probability')}, coverage "
                    f"{fmt(found.cart_coverage, 'probability')}).",
                    class_="text-muted",
                ),
            )

        return guarded(build)

    @render.plot(alt="Box limits: each restricted input's kept range within its full range")
    def limits() -> Any:
        from accord.analysis.discovery import box_limits_figure

        try:
            found, shown = result(), step()
            run = store.read(selection.listing(), input.run())
            quasi_p = checks().table.set_index("input")["quasi_p"].dropna()
            said = labels()
        except data.FormError:
            return None
        columns = list(found.names)
        return box_limits_figure(
            found.box(shown), run.scalars[columns], labels=said, quasi_p=quasi_p
        )

    @reactive.effect
    @reactive.event(input.keep)
    def _keep() -> None:
        try:
            summary = box_summary(result(), step(), labels())
        except data.FormError:
            return
        summary = {
            "outcome": f"{data.label(input.outcome())} {input.direction()} {input.threshold()}",
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
