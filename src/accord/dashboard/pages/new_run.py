"""New run: a run of a shipped scenario started from the page, through the job queue."""

from __future__ import annotations

from typing import Any

from htmltools import TagList
from shiny import module, reactive, render, ui

from accord.dashboard import data
from accord.dashboard.state import Background, Store
from accord.dashboard.widgets import html_table, message


@module.ui
def page_ui() -> Any:
    return TagList(
        ui.layout_columns(
            ui.input_select("scenario", "Scenario", choices=[]),
            ui.input_select("variant", "Variant", choices=[]),
            ui.input_numeric("experiments", "Experiments", value=200),
            ui.input_numeric("seed", "Seed", value=data.DEFAULT_SEED),
        ),
        ui.output_ui("levers"),
        ui.input_action_button("start", "Start the run", class_="btn-primary"),
        ui.output_ui("message"),
        ui.h4("Runs started here"),
        ui.output_ui("jobs"),
    )


def jobs_table(store: Store) -> TagList:
    caps = ui.p(store.queue.caps(), class_="text-muted", id="job-caps")
    table = data.jobs(store.root, store.queue)
    if table.empty:
        return TagList(caps, ui.p("No run started from the dashboard yet.", class_="text-muted"))
    table = table.assign(
        progress=[
            f"{d:,} / {n:,}" for d, n in zip(table["done"], table["experiments"], strict=True)
        ]
    )
    return TagList(
        caps,
        html_table(
            table[["study", "scenario", "variant", "levers", "progress", "status", "message"]],
            "jobs",
        ),
    )


@module.server
def page_server(
    input: Any,
    output: Any,
    session: Any,  # noqa: A002 - Shiny's names
    store: Store,
) -> None:
    names_task = Background(store)
    status: reactive.Value[Any] = reactive.Value(None, name="status")

    @reactive.effect
    def _scenarios() -> None:
        names = names_task.call(("scenarios",), data.scenario_names)
        ui.update_select("scenario", choices=names, selected=names[0] if names else None)

    @reactive.effect
    def _variants() -> None:
        name = input.scenario()
        if name:
            ui.update_select("variant", choices=data.variants(name))

    @render.ui
    def levers() -> Any:
        name = input.scenario()
        if not name:
            return None
        selects = [
            ui.input_select(
                session.ns(f"lever_{lever}"),
                lever,
                choices={"variant": "(the variant's)", **{o: o for o in options}},
            )
            for lever, options in data.lever_options(name).items()
        ]
        return ui.layout_column_wrap(*selects, width="14em")

    @reactive.effect
    @reactive.event(input.start)
    def _start() -> None:
        name = input.scenario()
        try:
            levers = {lever: input[f"lever_{lever}"]() for lever in data.lever_options(name)}
            study = data.start_run(
                store.root,
                name,
                input.variant(),
                input.experiments(),
                levers,
                input.seed(),
                queue=store.queue,
            )
        except data.FormError as error:
            status.set(message(str(error)))
            return
        status.set(
            message(
                f"Started: {study}. Its progress shows below; when it is complete "
                "it is listed under Runs.",
                "success",
            )
        )

    @output(id="message")
    @render.ui
    def message_() -> Any:
        return status()

    @render.ui
    def jobs() -> Any:
        reactive.invalidate_later(1)
        return jobs_table(store)
