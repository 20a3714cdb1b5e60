"""The dashboard's shell (Shiny for Python, core API): the header, one Shiny module per page.

Every page reads through :mod:`accord.dashboard.data`. Inputs are ids picked from lists the
server made (runs, variants, outcomes, levers, actors) or numbers checked there; a refused value
shows a message in the page (class ``accord-message``), never a traceback. The pages are in
:mod:`accord.dashboard.pages`, one module each; what they share is passed to each explicitly
(:mod:`accord.dashboard.state`); heavy work runs in worker threads outside Shiny's flush.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from htmltools import Tag, TagList, tags
from shiny import App, reactive, render, ui

from accord.dashboard import data, shiny_costs
from accord.dashboard.pages import (
    burden,
    compare,
    discovery,
    distributions,
    forecast,
    levers,
    new_run,
    over_time,
    overview,
    questions,
)
from accord.dashboard.state import Selection, Store
from accord.dashboard.widgets import STYLE, fmt, guarded, html_table, message
from accord.spec import outcomes
from accord.spec.errors import ScenarioError

__all__ = ["PAGES", "create_app", "fmt", "guarded", "html_table", "message"]

PAGES = (
    "Overview",
    "Distributions",
    "Over time",
    "Compare",
    "Levers and sensitivity",
    "Scenario discovery",
    "Questions",
    "New run",
    "Forecast explorer",
    "Burden",
)
FAN_VARIABLES = list(outcomes.SERIES)  # the registry's series, in the engine's order
NAN_MEANS_NEVER = outcomes.NAN_MEANS_NEVER

#: (title, module id = the tab's value, the page's module) in the order of the tabs.
MODULES = (
    ("Overview", "overview", overview),
    ("Distributions", "distributions", distributions),
    ("Over time", "over_time", over_time),
    ("Compare", "compare", compare),
    ("Levers and sensitivity", "levers", levers),
    ("Scenario discovery", "discovery", discovery),
    ("Questions", "questions", questions),
    ("New run", "new_run", new_run),
    ("Forecast explorer", "forecast", forecast),
    ("Burden", "burden", burden),
)


def _ui() -> Tag:
    header = ui.div(
        ui.layout_columns(
            ui.input_select("study", "Runs", choices=[], width="100%"),
            ui.input_checkbox_group("variants", "Variants", choices=[], inline=True),
            col_widths=(4, 8),
        ),
        ui.output_ui("run_notice"),
        class_="container-fluid mt-2",
    )
    pages = [ui.nav_panel(title, page.page_ui(name), value=name) for title, name, page in MODULES]
    return ui.page_navbar(
        *pages,
        title="accord",
        id="page",
        header=TagList(tags.style(STYLE), header),
        window_title="accord dashboard",
        lang="en",
    )


def _server(store: Store) -> Any:
    def server(input: Any, output: Any, session: Any) -> None:  # noqa: A002 - Shiny's name
        selection = Selection(store, input)

        @render.ui
        def run_notice() -> Any:
            text = selection.notice()
            return message(text) if text else None

        @reactive.effect
        def _studies() -> None:
            choices = data.studies(selection.listing())
            current = input.study()
            ui.update_select(
                "study",
                choices=choices,
                selected=current if current in choices else (choices[0] if choices else None),
            )

        @reactive.calc
        def study_runs() -> dict[str, str]:
            """The chosen study's runs: id -> variant."""
            runs, study = selection.listing(), input.study()
            ids = runs[runs["study"] == study]["id"].tolist() if study else []
            return {i: i.rsplit("/", 1)[1] for i in ids}

        @reactive.effect
        def _variants() -> None:
            names = study_runs()
            ui.update_checkbox_group("variants", choices=names, selected=list(names))

        overview.page_server("overview", store=store, selection=selection)
        distributions.page_server(
            "distributions", selection=selection, nan_means_never=NAN_MEANS_NEVER
        )
        over_time.page_server("over_time", selection=selection, series=FAN_VARIABLES)
        compare.page_server("compare", store=store, selection=selection, study=input.study)
        levers.page_server("levers", store=store, selection=selection, study_runs=study_runs)
        discovery.page_server("discovery", store=store, selection=selection, study_runs=study_runs)
        questions.page_server("questions", store=store, selection=selection)
        new_run.page_server("new_run", store=store)
        forecast.page_server("forecast", store=store)
        burden.page_server("burden", store=store)

    return server


def create_app(runs_dir: str | Path, *, queue: data.JobQueue | None = None) -> App:
    """The dashboard over the runs stored under ``runs_dir``; "New run" goes through ``queue``."""
    root = Path(runs_dir)
    if not root.is_dir():
        raise ScenarioError(str(root), "not a folder of runs", expected="a directory")
    shiny_costs.apply()
    return App(_ui(), _server(Store(root, queue or data.default_queue())))
