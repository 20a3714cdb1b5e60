"""Overview: what the runs say (sentences), a figure per headline question, and the headline
outcomes of each variant with their units."""

from __future__ import annotations

import base64
import math
from typing import Any

import pandas as pd
from htmltools import Tag, TagList, tags
from shiny import module, render, ui

from accord.dashboard import data
from accord.dashboard.state import Background, Selection, Store
from accord.dashboard.widgets import fmt, guarded, message


@module.ui
def page_ui() -> TagList:
    return TagList(
        ui.h3("What the runs say"),
        ui.output_ui("sentences"),
        ui.h4("Headline questions"),
        ui.output_ui("questions"),
        ui.h4("Headline outcomes"),
        ui.p(
            "Probabilities are shares of all futures, with their 95 % interval (Wilson) below; "
            "other rows give the median and, below it, the 5–95 % range of futures (not a "
            "confidence interval).",
            class_="text-muted",
        ),
        ui.output_ui("table"),
    )


def headline_cell(row: pd.Series, variant: str) -> Tag:
    spread = (
        ""
        if math.isnan(row["low"])
        else f"{fmt(row['low'], row['unit'])} – {fmt(row['high'], row['unit'])}"
    )
    if row["interval"] == "95 %":
        spread = f"95 % interval {spread}"
    return tags.td(
        fmt(row["value"], row["unit"]),
        tags.span(spread, class_="range") if spread else "",
        class_="num",
        data_variant=variant,
    )


def headline_table(table: pd.DataFrame, variants: list[str]) -> Tag:
    """The headline outcomes, one row per outcome and one column per variant."""
    head = tags.tr(tags.th("Outcome"), tags.th("Unit"), *[tags.th(v) for v in variants])
    rows = []
    for key in dict.fromkeys(table["key"]):
        sub = table[table["key"] == key]
        cells = []
        for variant in variants:
            match = sub[sub["variant"] == variant]
            cells.append(
                tags.td("–", class_="num") if match.empty else headline_cell(match.iloc[0], variant)
            )
        first = sub.iloc[0]
        rows.append(
            tags.tr(
                tags.td(first["label"]), tags.td(first["unit"], class_="unit"), *cells, data_key=key
            )
        )
    return tags.table(head, *rows, id="headline", class_="accord")


def html(build: Any, store: Store, runs: list[data.RunData]) -> str:
    return str(build(store, runs))


def findings(store: Store, runs: list[data.RunData]) -> TagList:
    return TagList(
        *[
            tags.p(tags.strong(title + ". "), text, class_="finding")
            for title, text in store.summary(data.sentences, runs)
        ]
    )


def question_figures(store: Store, runs: list[data.RunData]) -> TagList:
    """A figure per headline question (drawn from the headline table kept beside each run)."""
    shown = []
    for title, caption, image in store.summary(data.headline_figures, runs):
        source = "data:image/png;base64," + base64.b64encode(image).decode("ascii")
        shown.append(
            tags.figure(
                tags.img(src=source, alt=title, style="max-width: 100%;"),
                tags.figcaption(tags.strong(title + " "), caption, class_="text-muted"),
                class_="question",
            )
        )
    return TagList(*shown)


def headline(store: Store, runs: list[data.RunData]) -> Tag:
    return headline_table(store.summary(data.headline, runs), [r.variant for r in runs])


@module.server
def page_server(
    input: Any,
    output: Any,
    session: Any,  # noqa: A002 - Shiny's names
    store: Store,
    selection: Selection,
) -> None:
    found_task, table_task, figure_task = Background(store), Background(store), Background(store)

    def shown(task: Background, build: Any) -> Any:
        """The HTML of ``build(store, runs)`` for the chosen runs (None when none is chosen),
        built in a worker thread once for every session (the summary, and the tags turned into
        text, stay off the event loop). The runs' tables are read only for a summary that is
        not kept beside them."""
        runs = selection.chosen_runs()
        if not runs:
            return None
        key = ("html", build.__name__, tuple(id(r) for r in runs))
        return guarded(lambda: ui.HTML(task.call(key, html, build, store, list(runs))))

    @render.ui
    def sentences() -> Any:
        found = shown(found_task, findings)
        if found is None:
            return message("No runs selected: pick a study and its variants above.", "info")
        return found

    @render.ui
    def table() -> Any:
        return shown(table_task, headline)

    @render.ui
    def questions() -> Any:
        return shown(figure_task, question_figures)
