"""Questions: a dated question over all futures of each chosen run (``accord ask``)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from htmltools import TagList
from shiny import module, reactive, render, ui

from accord.dashboard import data
from accord.dashboard.state import Background, Selection, Store
from accord.dashboard.widgets import fmt, guarded, html_table, message

TYPED = ""  # the question list's entry for "the event typed below"


@module.ui
def page_ui() -> TagList:
    return TagList(
        ui.p(
            "A share is over all futures of a run, unless the question states a condition "
            "(then its probability is given). Events: 'OUTCOME before DATE', 'war_end_type in "
            "{ceasefire, freeze} by DATE', 'peace lasts N days given ceasefire', 'OUTCOME "
            "above X', 'SERIES above X at DATE' (docs/questions.md).",
            class_="text-muted",
        ),
        ui.layout_columns(
            ui.input_select(
                "question", "Shipped question", choices={TYPED: "(the event below)"}, width="100%"
            ),
            ui.input_text(
                "event", "Event", value="ceasefire_month before 2026-01-01", width="100%"
            ),
            col_widths=(6, 6),
        ),
        ui.output_ui("answers"),
    )


def answer_table(answer: dict[str, Any], table_id: str) -> Any:
    shown = pd.DataFrame(
        {
            "answer": [b["bin"] for b in answer["bins"]],
            "probability": [fmt(b["p"], "probability") for b in answer["bins"]],
            "95 % interval": [
                f"{fmt(b['low'], 'probability')} – {fmt(b['high'], 'probability')}"
                for b in answer["bins"]
            ],
        }
    )
    return html_table(shown, table_id, numeric={"probability", "95 % interval"})


@module.server
def page_server(
    input: Any,
    output: Any,
    session: Any,  # noqa: A002 - Shiny's names
    store: Store,
    selection: Selection,
) -> None:
    listing = Background(store)

    @reactive.effect
    def _questions() -> None:
        try:
            shipped = listing.call(("shipped-questions",), data.shipped_questions)
        except Exception:  # noqa: BLE001 -- not ready yet (or none): the list stays as it is
            return
        ui.update_select("question", choices={TYPED: "(the event below)", **shipped})

    tasks: dict[str, Background] = {}

    @render.ui
    def answers() -> Any:
        runs = selection.chosen()
        if not runs:
            return message("Choose runs in the header.")
        question, event = input.question() or "", input.event() or ""
        blocks = []
        for run in runs:
            task = tasks.setdefault(run.run_id, Background(store))

            def build(run: Any = run, task: Background = task) -> Any:
                answer = task.call(
                    ("ask", run.run_id, question, event),
                    data.ask,
                    store.root,
                    selection.listing(),
                    run.run_id,
                    event,
                    question,
                )
                condition = answer["condition"]
                if condition is None:
                    note = f"Over all {answer['n_futures']} futures."
                else:
                    note = (
                        f"Given {condition['event']}: probability "
                        f"{fmt(condition['p'], 'probability')} ({condition['n']} of "
                        f"{answer['n_futures']} futures)."
                    )
                return TagList(
                    ui.h5(run.variant),
                    ui.p(note, class_="text-muted"),
                    answer_table(answer, f"answer-{run.variant}"),
                )

            blocks.append(guarded(build))
        return TagList(*blocks)
