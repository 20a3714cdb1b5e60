"""The dashboard's pages (Shiny for Python, core API).

Every page reads through :mod:`accord.dashboard.data`. Inputs are ids picked from lists the
server made (runs, variants, outcomes, levers, actors) or numbers checked there; a refused value
shows a message in the page (class ``accord-message``), never a traceback.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from htmltools import Tag, TagList, tags
from shiny import App, reactive, render, ui

from accord.analysis.formatting import fmt  # the one number formatter of every face
from accord.dashboard import data, figures
from accord.spec import outcomes
from accord.spec.errors import ScenarioError

PAGES = ("Overview", "Distributions", "Over time", "Compare", "Levers and sensitivity",
         "Scenario discovery", "New run", "Forecast explorer", "Burden")
FAN_VARIABLES = list(outcomes.SERIES)  # the registry's series, in the engine's order
NAN_MEANS_NEVER = outcomes.NAN_MEANS_NEVER
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


def html_table(frame: pd.DataFrame, table_id: str, *, numeric: set[str] | None = None) -> Tag:
    """A plain HTML table (escaped text) of ``frame``."""
    numeric = numeric or set()
    head = tags.tr(*[tags.th(str(c)) for c in frame.columns])
    body = [tags.tr(*[tags.td(str(v), class_="num" if c in numeric else None)
                      for c, v in zip(frame.columns, row, strict=True)])
            for row in frame.itertuples(index=False)]
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
        return message(f"This could not be computed now ({type(error).__name__}: "
                       f"{str(error)[:200]}); the run may have changed or be damaged.")


async def off_loop(function: Callable[..., Any], *args: Any) -> tuple[Any, Tag | None]:
    """``(result, None)`` of a heavy computation run in a worker thread, so that the event loop
    keeps serving the other sessions, or ``(None, message)`` when it was refused or failed."""
    try:
        return await asyncio.to_thread(function, *args), None
    except Exception as error:
        failure = error

    def again() -> Any:
        raise failure
    return None, guarded(again)


# ----------------------------------------------------------------------------- UI


def _ui(root: Path) -> Tag:
    header = ui.div(
        ui.layout_columns(
            ui.input_select("study", "Runs", choices=[], width="100%"),
            ui.input_checkbox_group("variants", "Variants", choices=[], inline=True),
            col_widths=(4, 8),
        ),
        ui.output_ui("run_notice"),
        class_="container-fluid mt-2",
    )
    pages = [
        ui.nav_panel("Overview",
                     ui.h3("What the runs say"),
                     ui.output_ui("overview_sentences"),
                     ui.h4("Headline outcomes"),
                     ui.p("Probabilities are shares of all futures, with a 95 % bootstrap "
                          "interval below; other rows give the median and, below it, the 5–95 % "
                          "range of futures (not a confidence interval).", class_="text-muted"),
                     ui.output_ui("overview_table"), value="overview"),
        ui.nav_panel("Distributions",
                     ui.input_select("dist_outcome", "Outcome", choices=[]),
                     ui.output_plot("dist_plot", height="380px"), value="distributions"),
        ui.nav_panel("Over time",
                     ui.input_select("fan_variable", "Series", choices=[]),
                     ui.output_plot("fan_plot", height="380px"), value="over-time"),
        ui.nav_panel("Compare",
                     ui.layout_columns(ui.input_select("compare_a", "Run A", choices=[]),
                                       ui.input_select("compare_b", "Run B", choices=[])),
                     ui.p("A − B of each outcome's mean with a 95 % bootstrap interval; "
                          "'observed' rows are the share of futures where the outcome happens.",
                          class_="text-muted"),
                     ui.output_ui("compare_table"), value="compare"),
        ui.nav_panel("Levers and sensitivity",
                     ui.h4("Levers' effects"),
                     ui.output_ui("lever_table"),
                     ui.h4("Which uncertainties matter"),
                     ui.layout_columns(ui.input_select("importance_run", "Run", choices=[]),
                                       ui.input_select("importance_outcome", "Outcome",
                                                       choices=[])),
                     ui.output_ui("importance_message"),
                     ui.output_plot("importance_plot", height="420px"), value="levers"),
        ui.nav_panel("Scenario discovery",
                     ui.layout_columns(
                         ui.input_select("prim_run", "Run", choices=[]),
                         ui.input_select("prim_outcome", "Outcome", choices=[]),
                         ui.input_select("prim_direction", "Futures where it is",
                                         choices={"<": "below", ">=": "at least"}),
                         ui.input_numeric("prim_threshold", "Threshold", value=0.5),
                     ),
                     ui.output_ui("prim_message"),
                     ui.layout_columns(
                         ui.output_plot("prim_plot", height="400px"),
                         ui.div(ui.input_numeric("prim_step", "Box (step of the trajectory)",
                                                 value=0, min=0),
                                ui.output_ui("prim_box"),
                                ui.input_action_button("prim_keep", "Keep this box"),
                                ui.input_action_button("prim_clear", "Clear kept boxes")),
                         col_widths=(7, 5)),
                     ui.h4("Kept boxes"),
                     ui.output_ui("prim_kept"), value="discovery"),
        ui.nav_panel("New run",
                     ui.layout_columns(
                         ui.input_select("new_scenario", "Scenario", choices=[]),
                         ui.input_select("new_variant", "Variant", choices=[]),
                         ui.input_numeric("new_experiments", "Experiments", value=200),
                         ui.input_numeric("new_seed", "Seed", value=data.DEFAULT_SEED),
                     ),
                     ui.output_ui("new_levers"),
                     ui.input_action_button("new_start", "Start the run", class_="btn-primary"),
                     ui.output_ui("new_message"),
                     ui.h4("Runs started here"),
                     ui.output_ui("new_jobs"), value="new-run"),
        ui.nav_panel("Forecast explorer",
                     ui.layout_columns(
                         ui.input_select("fx_scenario", "Scenario", choices=[]),
                         ui.input_select("fx_actor", "Actor", choices=[]),
                         ui.input_select("fx_issue", "Issue", choices=[]),
                     ),
                     ui.layout_columns(
                         ui.input_slider("fx_position", "Position", 0, 100, 50, step=1),
                         ui.input_slider("fx_salience", "Salience", 0, 1, 0.5, step=0.01),
                         ui.input_numeric("fx_capability", "Capability", value=1.0, min=0),
                     ),
                     ui.output_ui("fx_message"),
                     ui.output_plot("fx_plot", height="300px"),
                     ui.output_ui("fx_table"), value="forecast"),
        ui.nav_panel("Burden",
                     ui.input_slider("burden_cut", "US cut of its own defence spending",
                                     0, 1, 0.5, step=0.05, width="30em"),
                     ui.output_ui("burden_message"),
                     ui.output_plot("burden_plot", height="760px"),
                     ui.output_ui("burden_table"), value="burden"),
    ]
    return ui.page_navbar(*pages, title="accord", id="page", header=TagList(
        tags.style(STYLE), header), window_title="accord dashboard", lang="en")


# ----------------------------------------------------------------------------- server


def _server(root: Path, queue: data.JobQueue) -> Callable[..., None]:
    cache: dict[tuple[str, int, str], data.RunData] = {}
    #: Results of the heavy summaries, shared by every session: (function, the runs' objects)
    #: -> (those runs, kept alive so their ids stay theirs, result). Bounded, oldest dropped.
    results: dict[tuple, tuple[list[data.RunData], Any]] = {}

    async def summary(function: Callable[..., Any], runs: list[data.RunData]) -> tuple[
            Any, Tag | None]:
        key = (function.__name__, tuple(id(r) for r in runs))
        if key in results:
            return results[key][1], None
        value, refused = await off_loop(function, runs)
        if refused is None:
            while len(results) >= 64:
                results.pop(next(iter(results)))
            results[key] = (list(runs), value)
        return value, refused

    def server(input: Any, output: Any, session: Any) -> None:  # noqa: A002 - Shiny's name
        def stamp() -> tuple:
            marks = []
            for directory in data.catalogue_dirs(root.resolve()):
                try:
                    marks.append((str(directory), (directory / "catalogue.duckdb").stat().st_mtime))
                except OSError:
                    continue
            return tuple(marks)

        last_listing: list[pd.DataFrame] = []

        @reactive.poll(stamp, 2)
        def listing() -> pd.DataFrame:
            try:
                table = data.list_runs(root)
            except Exception:  # a folder changing while it is read: keep the last listing
                return last_listing[-1] if last_listing else pd.DataFrame(
                    columns=["id", "study", "variant", "scenario", "n_experiments", "done",
                             "status", "created"])
            last_listing[:] = [table]
            return table

        notice: reactive.Value[str | None] = reactive.value(None)

        @render.ui
        def run_notice() -> Any:
            text = notice()
            return message(text) if text else None

        @reactive.effect
        def _studies() -> None:
            runs = listing()
            choices = data.studies(runs)
            current = input.study()
            selected = current if current in choices else (choices[0] if choices else None)
            ui.update_select("study", choices=choices, selected=selected)

        @reactive.effect
        def _variants() -> None:
            runs = listing()
            study = input.study()
            ids = runs[runs["study"] == study]["id"].tolist() if study else []
            names = {i: i.rsplit("/", 1)[1] for i in ids}
            ui.update_checkbox_group("variants", choices=names, selected=ids)
            everything = {i: i for i in runs["id"]}
            for name in ("compare_a", "compare_b"):
                ui.update_select(name, choices=everything,
                                 selected=(ids[0] if name == "compare_a" else ids[-1])
                                 if ids else None)
            for name in ("importance_run", "prim_run"):
                ui.update_select(name, choices=names, selected=ids[0] if ids else None)

        def read(run_id: str) -> data.RunData:
            runs = listing()
            row = runs[runs["id"] == run_id]
            if row.empty:
                raise data.FormError(f"The run {run_id} is not in the catalogue (it was "
                                     "deleted or replaced, or never existed).")
            key = (run_id, int(row.iloc[0]["done"]), str(row.iloc[0]["created"]))
            if key not in cache:
                try:
                    loaded = data.load_run(data.run_path(root, runs, run_id), run_id)
                except data.FormError:
                    raise
                except Exception as error:  # changed or damaged while it was read
                    raise data.FormError(f"The run {run_id} cannot be read now ("
                                         f"{type(error).__name__}); it may be changing or "
                                         "damaged.") from None
                for old in [k for k in cache if k[0] == run_id]:
                    del cache[old]  # one version of a run is kept
                cache[key] = loaded
            return cache[key]

        @reactive.calc
        def chosen() -> list[data.RunData]:
            runs, problems = [], []
            for run_id in input.variants() or []:
                try:
                    runs.append(read(run_id))
                except data.FormError as error:
                    problems.append(str(error))
            with reactive.isolate():
                if problems:
                    notice.set(" ".join(problems))
                elif runs and notice() is not None:
                    notice.set(None)
            return runs

        @reactive.effect
        def _outcome_choices() -> None:
            runs = chosen()
            names = data.outcomes(runs) if runs else []
            labelled = {n: data.label(n) for n in names}
            ui.update_select("dist_outcome", choices=labelled,
                             selected=input.dist_outcome() if input.dist_outcome() in names
                             else (names[0] if names else None))
            ui.update_select("importance_outcome", choices=labelled,
                             selected="peace_holds_5y" if "peace_holds_5y" in names
                             else (names[0] if names else None))
            ui.update_select("prim_outcome", choices=labelled,
                             selected="peace_holds_5y" if "peace_holds_5y" in names
                             else (names[0] if names else None))
            series = [v for v in FAN_VARIABLES if any(v in r.series for r in runs)]
            ui.update_select("fan_variable", choices={v: data.label(v) for v in series})

        # -- Overview
        @render.ui
        async def overview_sentences() -> Any:
            runs = chosen()
            if not runs:
                return message("No runs selected: pick a study and its variants above.", "info")
            found, refused = await summary(data.sentences, runs)
            if refused is not None:
                return refused
            return TagList(*[tags.p(tags.strong(title + ". "), text, class_="finding")
                             for title, text in found])

        @render.ui
        async def overview_table() -> Any:
            runs = chosen()
            if not runs:
                return None
            table, refused = await summary(data.headline, runs)
            if refused is not None:
                return refused
            variants = [r.variant for r in runs]
            head = tags.tr(tags.th("Outcome"), *[tags.th(v) for v in variants])
            rows = []
            for key in dict.fromkeys(table["key"]):
                sub = table[table["key"] == key]
                cells = []
                for variant in variants:
                    match = sub[sub["variant"] == variant]
                    if match.empty:
                        cells.append(tags.td("–", class_="num"))
                        continue
                    row = match.iloc[0]
                    spread = "" if math.isnan(row["low"]) else \
                        f"{fmt(row['low'], row['unit'])} – {fmt(row['high'], row['unit'])}"
                    if row["interval"] == "95 %":
                        spread = f"95 % interval {spread}"
                    cells.append(tags.td(fmt(row["value"], row["unit"]),
                                         tags.span(spread, class_="range") if spread else "",
                                         class_="num", data_variant=variant))
                rows.append(tags.tr(tags.td(sub.iloc[0]["label"]), *cells, data_key=key))
            return tags.table(head, *rows, id="headline", class_="accord")

        # -- Distributions and Over time
        @render.plot(alt="Distribution of the chosen outcome, variants overlaid")
        def dist_plot() -> Any:
            runs, name = chosen(), input.dist_outcome()
            if not runs or not name:
                return None
            values = {r.variant: r.scalars[name].to_numpy(dtype=float) for r in runs
                      if name in r.scalars}
            return figures.distribution(values, data.label(name),
                                        count_nan=name in NAN_MEANS_NEVER)

        @render.plot(alt="Fan chart of the chosen series, variants overlaid")
        def fan_plot() -> Any:
            from accord.analysis.summary import fan_bands

            runs, name = chosen(), input.fan_variable()
            if not runs or not name:
                return None
            bands = {r.variant: fan_bands(r.series, name) for r in runs if name in r.series}
            return figures.fan(bands, data.label(name))

        # -- Compare
        @render.ui
        def compare_table() -> Any:
            a, b = input.compare_a(), input.compare_b()
            if not a or not b:
                return message("Pick two runs.", "info")
            if a == b:
                return message("Pick two different runs to compare.")

            def build() -> Tag:
                table = data.compare(read(a), read(b))
                shown = pd.DataFrame({
                    "outcome": [data.label(o) for o in table["outcome"]],
                    "statistic": table["statistic"],
                    "A": [fmt(v) for v in table["mean_a"]],
                    "B": [fmt(v) for v in table["mean_b"]],
                    "A − B": [fmt(v) for v in table["difference"]],
                    "95 % interval": [f"{fmt(lo)} … {fmt(hi)}" for lo, hi in
                                      zip(table["ci_low"], table["ci_high"], strict=True)],
                })
                return html_table(shown, "compare", numeric={"A", "B", "A − B",
                                                             "95 % interval"})
            return guarded(build)

        # -- Levers and sensitivity
        @render.ui
        async def lever_table() -> Any:
            runs = chosen()
            if not runs:
                return None
            effects, refused = await summary(data.lever_effects, runs)
            if refused is not None:
                return refused
            if effects.empty:
                return message("No lever varies within these runs: compare the variants on "
                               "the Compare page instead.", "info")
            shown = pd.DataFrame({
                "variant": effects["variant"], "lever": effects["lever"],
                "option": effects["option"].astype(str) + " vs " + effects["reference"].astype(str),
                "outcome": [data.label(o) for o in effects["outcome"]],
                "difference": [fmt(v) for v in effects["difference"]],
                "95 % interval": [f"{fmt(lo)} … {fmt(hi)}" for lo, hi in
                                  zip(effects["low"], effects["high"], strict=True)],
            })
            return html_table(shown, "levers", numeric={"difference", "95 % interval"})

        @reactive.calc
        def importance_table() -> pd.DataFrame:
            run_id, outcome = input.importance_run(), input.importance_outcome()
            if not run_id or not outcome:
                raise data.FormError("Pick a run and an outcome.")
            return data.importance(read(run_id), outcome)

        @render.ui
        def importance_message() -> Any:
            try:
                importance_table()
            except data.FormError as error:
                return message(str(error), "info")
            return None

        @render.plot(alt="Importance of the inputs for the chosen outcome")
        def importance_plot() -> Any:
            try:
                table = importance_table()
            except data.FormError:
                return None
            return figures.importance(table, data.label(input.importance_outcome()))

        # -- Scenario discovery
        kept: reactive.Value[list[dict[str, str]]] = reactive.value([])

        @reactive.calc
        def prim_result() -> Any:
            run_id, outcome = input.prim_run(), input.prim_outcome()
            if not run_id or not outcome:
                raise data.FormError("Pick a run and an outcome.")
            threshold = input.prim_threshold()
            if threshold is None:
                raise data.FormError("The threshold must be a number.")
            return data.discover(read(run_id), outcome, float(threshold),
                                 input.prim_direction())

        def prim_step() -> int:
            result = prim_result()
            step = input.prim_step()
            last = len(result.trajectory) - 1
            if step is None or not float(step).is_integer() or not 0 <= step <= last:
                raise data.FormError(f"The box must be a step from 0 to {last}.")
            return int(step)

        @reactive.effect
        def _default_step() -> None:
            try:
                result = prim_result()
            except data.FormError:
                return
            chosen_box = result.select(min_coverage=0.5, max_restricted=3)
            ui.update_numeric("prim_step", value=int(chosen_box.step),
                              max=len(result.trajectory) - 1)

        @render.ui
        def prim_message() -> Any:
            try:
                result = prim_result()
            except data.FormError as error:
                return message(str(error))
            return ui.p(f"{len(result.trajectory)} boxes peeled; the case holds in "
                        f"{fmt(result.base_density, 'probability')} of all futures.",
                        class_="text-muted")

        @render.plot(alt="PRIM peeling trajectory")
        def prim_plot() -> Any:
            try:
                result = prim_result()
                step = prim_step()
            except data.FormError:
                return None
            return figures.trajectory(result.trajectory, step,
                                      [int(k["step"]) for k in kept()])

        def box_summary(result: Any, step: int) -> dict[str, str]:
            box = result.box(step)
            limits = []
            for name, row in box.restricted().iterrows():
                limits.append(f"{name}: one of {row['kept']}" if row["kept"] else
                              f"{name}: {fmt(row['low'])} – {fmt(row['high'])}")
            return {"step": str(step), "coverage": fmt(box.coverage, "probability"),
                    "density": fmt(box.density, "probability"),
                    "futures in box": f"{box.n_in:,}",
                    "limits": "; ".join(limits) or "none (all futures)"}

        @render.ui
        def prim_box() -> Any:
            def build() -> Tag:
                summary = box_summary(prim_result(), prim_step())
                return tags.dl(*[item for key, value in summary.items()
                                 for item in (tags.dt(key), tags.dd(value))], id="prim-box")
            return guarded(build)

        @reactive.effect
        @reactive.event(input.prim_keep)
        def _keep() -> None:
            try:
                summary = box_summary(prim_result(), prim_step())
            except data.FormError:
                return
            summary = {"outcome": f"{input.prim_outcome()} {input.prim_direction()} "
                                  f"{input.prim_threshold()}", **summary}
            kept.set([*kept(), summary])

        @reactive.effect
        @reactive.event(input.prim_clear)
        def _clear() -> None:
            kept.set([])

        @render.ui
        def prim_kept() -> Any:
            if not kept():
                return ui.p("Keep boxes to compare them side by side.", class_="text-muted")
            return html_table(pd.DataFrame(kept()), "kept-boxes")

        # -- New run
        @reactive.effect
        def _new_choices() -> None:
            names = data.scenario_names()
            ui.update_select("new_scenario", choices=names,
                             selected=names[0] if names else None)
            bargaining = data.bargaining_scenarios()
            ui.update_select("fx_scenario", choices=bargaining,
                             selected="ukraine-2025" if "ukraine-2025" in bargaining
                             else (bargaining[0] if bargaining else None))

        @reactive.effect
        def _new_variants() -> None:
            name = input.new_scenario()
            if name:
                ui.update_select("new_variant", choices=data.variants(name))

        @render.ui
        def new_levers() -> Any:
            name = input.new_scenario()
            if not name:
                return None
            selects = [ui.input_select(f"lever_{lever}", lever,
                                       choices={"variant": "(the variant's)",
                                                **{o: o for o in options}})
                       for lever, options in data.lever_options(name).items()]
            return ui.layout_column_wrap(*selects, width="14em")

        new_status: reactive.Value[Any] = reactive.value(None)

        @reactive.effect
        @reactive.event(input.new_start)
        def _start() -> None:
            name = input.new_scenario()
            try:
                levers = {lever: input[f"lever_{lever}"]() for lever in data.lever_options(name)}
                study = data.start_run(root, name, input.new_variant(),
                                       input.new_experiments(), levers, input.new_seed(),
                                       queue=queue)
            except data.FormError as error:
                new_status.set(message(str(error)))
                return
            new_status.set(message(f"Started: {study}. Its progress shows below; when it is "
                                   "complete it is listed under Runs.", "success"))

        @render.ui
        def new_message() -> Any:
            return new_status()

        @render.ui
        def new_jobs() -> Any:
            reactive.invalidate_later(1)
            caps = ui.p(queue.caps(), class_="text-muted", id="job-caps")
            table = data.jobs(root, queue)
            if table.empty:
                return TagList(caps, ui.p("No run started from the dashboard yet.",
                                          class_="text-muted"))
            table = table.assign(progress=[f"{d:,} / {n:,}" for d, n in
                                           zip(table["done"], table["experiments"], strict=True)])
            return TagList(caps, html_table(table[["study", "scenario", "variant", "levers",
                                                   "progress", "status", "message"]], "jobs"))

        # -- Forecast explorer
        @reactive.effect
        def _fx_choices() -> None:
            name = input.fx_scenario()
            if not name:
                return
            scenario = data.load_scenario(name)
            ui.update_select("fx_actor", choices=list(scenario.actor_ids))
            ui.update_select("fx_issue", choices={i.id: i.name for i in scenario.issues})

        @reactive.effect
        def _fx_defaults() -> None:
            name, actor, issue = input.fx_scenario(), input.fx_actor(), input.fx_issue()
            if not (name and actor and issue):
                return
            try:
                values = data.stance(name, actor, issue)
            except (ValueError, data.FormError):
                return
            with reactive.isolate():
                ui.update_slider("fx_position", value=round(values["position"], 1))
                ui.update_slider("fx_salience", value=round(values["salience"], 2))
                ui.update_numeric("fx_capability", value=round(values["capability"], 3))

        @reactive.calc
        def fx_result() -> pd.DataFrame:
            name, actor, issue = input.fx_scenario(), input.fx_actor(), input.fx_issue()
            if not (name and actor and issue):
                raise data.FormError("Pick a scenario, an actor and an issue.")
            capability = input.fx_capability()
            if capability is None:
                raise data.FormError("Capability must be a number of at least 0.")
            return data.whatif(name, actor, issue, position=float(input.fx_position()),
                               salience=float(input.fx_salience()),
                               capability=float(capability))

        @render.ui
        def fx_message() -> Any:
            try:
                fx_result()
            except data.FormError as error:
                return message(str(error))
            return ui.p("Each model's settlement of the central scenario before (hollow) and "
                        "after (filled) the move.", class_="text-muted")

        @render.plot(alt="Settlement of each bargaining model before and after the move")
        def fx_plot() -> Any:
            try:
                table = fx_result()
            except data.FormError:
                return None
            return figures.settlements(table, input.fx_issue(), 0, 100)

        @render.ui
        def fx_table() -> Any:
            try:
                table = fx_result()
            except data.FormError:
                return None
            shown = table.assign(**{c: [f"{v:.1f}" for v in table[c]]
                                    for c in ("before", "after", "shift")})
            return html_table(shown, "settlements", numeric={"before", "after", "shift"})

        # -- Burden
        @reactive.calc
        def burden_result() -> pd.DataFrame:
            cut = input.burden_cut()
            return data.burden(float(cut) if cut is not None else float("nan"))

        @render.ui
        def burden_message() -> Any:
            try:
                burden_result()
            except data.FormError as error:
                return message(str(error))
            return ui.p("Each ally's defence spending in the new equilibrium: median and "
                        "5–95 % over the calibration draws.", class_="text-muted")

        @render.plot(alt="Change of each ally's defence spending")
        def burden_plot() -> Any:
            try:
                return figures.burden(burden_result(), float(input.burden_cut()))
            except data.FormError:
                return None

        @render.ui
        def burden_table() -> Any:
            try:
                table = burden_result()
            except data.FormError:
                return None
            shown = pd.DataFrame({
                "ally": table["ally"],
                "spending now (% GDP)": [fmt(v) for v in table["base_pct_gdp"]],
                "after (% GDP)": [fmt(v) for v in table["pct_gdp"]],
                "5–95 %": [f"{fmt(lo)} – {fmt(hi)}" for lo, hi in
                           zip(table["pct_gdp_p05"], table["pct_gdp_p95"], strict=True)],
                "change (%)": [fmt(v) for v in table["change_pct"]],
            })
            return html_table(shown, "burden", numeric=set(shown.columns) - {"ally"})

    return server


def create_app(runs_dir: str | Path, *, queue: data.JobQueue | None = None) -> App:
    """The dashboard over the runs stored under ``runs_dir``; "New run" goes through ``queue``."""
    root = Path(runs_dir)
    if not root.is_dir():
        raise ScenarioError(str(root), "not a folder of runs", expected="a directory")
    return App(_ui(root), _server(root, queue or data.default_queue()))
