"""What every page shows the same way: messages, numbers, tables, refusals.

The pages' modules (:mod:`accord.dashboard.pages`) and the shell (:mod:`accord.dashboard.app`)
import from here, never from each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from htmltools import Tag, tags
from shiny import ui

from accord.analysis.formatting import fmt  # the one number formatter of every face
from accord.dashboard import data
from accord.spec.errors import ScenarioError

STYLE = """
.accord-message { margin: .6em 0; }
table.accord { border-collapse: collapse; font-size: .9em; margin: .5em 0 1em; }
table.accord th, table.accord td { border: 1px solid #d0d4d8; padding: .25em .55em; }
table.accord th { background: #eef2f5; }
table.accord td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.accord .range { display: block; color: #555; font-size: .85em; }
p.finding { max-width: 70em; }
"""


def message(text: str, kind: str = "warning") -> Tag:
    """A message for a person (a refused value, an empty selection)."""
    return ui.div(text, class_=f"alert alert-{kind} accord-message", role="alert")


def interval(low: Any, high: Any, joiner: str = " … ") -> str:
    """``low … high`` as the tables show an interval."""
    return f"{fmt(low)}{joiner}{fmt(high)}"


def html_table(frame: pd.DataFrame, table_id: str, *, numeric: set[str] | None = None) -> Tag:
    """A plain HTML table (escaped text) of ``frame``."""
    numeric = numeric or set()
    head = tags.tr(*[tags.th(str(c)) for c in frame.columns])
    body = [
        tags.tr(
            *[
                tags.td(str(v), class_="num" if c in numeric else None)
                for c, v in zip(frame.columns, row, strict=True)
            ]
        )
        for row in frame.itertuples(index=False)
    ]
    return tags.table(head, *body, id=table_id, class_="accord")


def guarded(build: Callable[[], Any]) -> Any:
    """Run a page's computation; a refused value becomes a message."""
    try:
        return build()
    except data.FormError as error:
        return message(str(error))
    except ScenarioError as error:
        return message(f"error: {error}")
    except Exception as error:  # a run that changed under the page: a message, not a disconnect
        if is_silent(error):
            raise  # Shiny's "not ready yet": the output waits
        return message(
            f"This could not be computed now ({type(error).__name__}: "
            f"{str(error)[:200]}); the run may have changed or be damaged."
        )


def is_silent(error: BaseException) -> bool:
    """Whether ``error`` is Shiny's silent "nothing to show yet" (a computation in progress)."""
    from shiny.types import SilentException

    return isinstance(error, SilentException)


def list_and_plot(name: str, label: str) -> Any:
    """A page of one list (``name``) and its figure (``plot``), inside a module's UI."""
    return ui.TagList(
        ui.input_select(name, label, choices=[]), ui.output_plot("plot", height="380px")
    )


def explained(result: Callable[[], Any], text: str) -> Tag:
    """A page's message: why ``result()`` was refused, or else ``text`` (what it shows)."""
    try:
        result()
    except data.FormError as error:
        return message(str(error))
    return ui.p(text, class_="text-muted")


def shown_with(result: Callable[[], Any], show: Callable[[Any], Any]) -> Any:
    """``show(result())``, or nothing when ``result()`` was refused (its message says why)."""
    try:
        found = result()
    except data.FormError:
        return None
    return show(found)


def run_and_outcome_lists(selection: Any, study_runs: Callable[[], dict[str, str]]) -> None:
    """Keep a page's ``run`` list on the chosen study's runs and its ``outcome`` list on the
    chosen runs' outcomes (``peace_holds_5y`` first chosen when present)."""
    from shiny import reactive

    @reactive.effect
    def _runs() -> None:
        names = study_runs()
        ui.update_select("run", choices=names, selected=next(iter(names), None))

    @reactive.effect
    def _outcomes() -> None:
        names = selection.outcomes()
        ui.update_select(
            "outcome",
            choices={n: data.label(n) for n in names},
            selected="peace_holds_5y"
            if "peace_holds_5y" in names
            else (names[0] if names else None),
        )
