"""The dashboard's one door to the library: every number the pages show comes through here.

The pages never build a path or SQL from what the browser sends. Runs are listed from the
run catalogues found under RUNS_DIR and picked by an opaque id (``"<study>/<variant>"``, looked
up in that listing); a resolved path must stay inside RUNS_DIR. Nothing is uploaded.

Runs, forecasts, burden-sharing and new runs go through the library's public API
(``accord.runs``, ``accord.open`` and its ``Study``, ``accord.forecast``, ``accord.burden``,
``accord.simulate``, ``accord.load``; a run's own tables through
``accord.store.runs.open_run``, which does not load the scenario); summaries, comparisons,
sensitivity and PRIM through the plain-table functions of ``accord.analysis``, kept beside
each run while it is unchanged (:mod:`accord.store.summaries`). The page code
(``accord.dashboard.pages``) calls only this module.
"""

from __future__ import annotations

import functools
import json
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from accord.safeio import atomic_write_text
from accord.spec.errors import ScenarioError
from accord.spec.outcomes import with_derived
from accord.workflows.seeds import DEFAULT_SEED, SEED_LIMIT, check_seed

#: Monthly series read per run for the fan charts (the scalars use every experiment).
SERIES_EXPERIMENTS = 2000
#: Bounds of a run started from the page (the CLI has the same engine; bigger runs belong there).
MAX_NEW_EXPERIMENTS = 20_000
#: Catalogues are looked for in RUNS_DIR and in its sub-folders down to this depth.
SEARCH_DEPTH = 2
JOB_FILE = "dashboard-job.json"
#: Runs started from the page that run at once. Judgement: a worker takes one core and about
#: 300 MB (issue 18's measurement); on a 2-core machine one leaves a core to the dashboard.
MAX_RUNNING_JOBS = 1
#: Runs that wait for a free slot; more are refused with a message. Judgement: a few
#: variants can be queued, and 1 + 2 workers stay far below 24 GiB even started together.
MAX_QUEUED_JOBS = 2
#: The bargaining models the Forecast explorer moves (every one accord has).
BARGAINING_MODELS = ("compromise", "median", "nash", "eum", "smp")


class FormError(ValueError):
    """A value of a form that the dashboard refuses, with a message for a person."""


# ----------------------------------------------------------------------------- the catalogue


def inside(root: Path, path: Path) -> Path:
    """``path`` resolved, refused unless it lies inside ``root`` (resolved)."""
    resolved = Path(path).resolve()
    base = Path(root).resolve()
    if resolved != base and base not in resolved.parents:
        raise FormError("That run is outside the runs folder.")
    return resolved


def catalogue_dirs(root: Path) -> list[Path]:
    found = []
    frontier = [root]
    for _ in range(SEARCH_DEPTH + 1):
        following = []
        for directory in frontier:
            if (directory / "catalogue.duckdb").is_file():
                found.append(directory)
            try:
                following += [
                    p
                    for p in directory.iterdir()
                    if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
                ]
            except OSError:
                continue
        frontier = following
    return found


def list_runs(root: str | os.PathLike[str]) -> pd.DataFrame:
    """Every stored run under ``root``, newest study first.

    Columns: ``id`` ("<study>/<variant>"), ``study`` (the folder holding a catalogue, relative
    to ``root``), ``variant``, ``scenario``, ``n_experiments``, ``done`` (experiments in
    good chunks), ``status``, ``created``. The paths stay on the server.
    """
    import accord

    base = Path(root).resolve()
    records: dict[str, dict[str, Any]] = {}
    for directory in catalogue_dirs(base):
        try:
            catalogue = accord.runs(directory)
        except Exception:  # a damaged catalogue hides its runs, not the dashboard
            continue
        study = directory.relative_to(base).as_posix() or "."
        for row in catalogue.itertuples():
            run_dir = directory / str(row.run_id)  # a catalogue of a sub-folder: not here
            run_id = f"{study}/{row.run_id}"
            if run_id in records:
                continue
            if _leads_out(base, run_dir):  # listed, never followed: reading it is refused
                done, status = 0, "refused: a link out of the runs folder"
            elif (run_dir / "meta.json").is_file():
                done, _, status = _progress(run_dir)
            else:
                continue
            records[run_id] = {
                "id": run_id,
                "study": study,
                "variant": str(row.variant),
                "scenario": str(row.scenario),
                "n_experiments": int(row.n_experiments),
                "done": done,
                "status": status,
                "created": str(row.created),
            }
    columns = ["id", "study", "variant", "scenario", "n_experiments", "done", "status", "created"]
    table = pd.DataFrame.from_records(list(records.values()), columns=columns)
    if table.empty:
        return table
    newest = table.groupby("study")["created"].transform("max")
    return (
        table.assign(_newest=newest)
        .sort_values(["_newest", "study", "created"], ascending=[False, True, True])
        .drop(columns="_newest")
        .reset_index(drop=True)
    )


def _leads_out(base: Path, path: Path) -> bool:
    """Whether ``path`` (in ``base``, resolved) is a symbolic link that leads out of ``base``."""
    if not path.is_symlink():
        return False
    target = path.resolve()
    return target != base and base not in target.parents


def _progress(run_dir: Path) -> tuple[int, int, str]:
    """Experiments written so far (good chunks), in all, and the run's status (store)."""
    import accord

    try:
        run = accord.open(run_dir).run()
        good = len(run.chunks())
    except (ScenarioError, OSError, ValueError):
        return 0, 0, "unreadable"
    meta = run.meta
    n_chunks = int(meta.get("n_chunks") or 0)
    total = int(meta.get("n_experiments") or 0)
    done = (
        total
        if n_chunks and good >= n_chunks
        else min(total, good * int(meta.get("chunk_size") or 0))
    )
    return done, total, str(meta.get("status", "running"))


def studies(runs: pd.DataFrame) -> list[str]:
    """The studies of a listing, newest first."""
    return list(dict.fromkeys(runs["study"])) if not runs.empty else []


def run_path(root: str | os.PathLike[str], runs: pd.DataFrame, run_id: str) -> Path:
    """The directory of the run ``run_id`` of the listing, checked to lie inside ``root``."""
    match = runs[runs["id"] == run_id]
    if match.empty:
        raise FormError("No such run in the catalogue.")
    study, variant = match.iloc[0]["study"], match.iloc[0]["id"].rsplit("/", 1)[1]
    base = Path(root).resolve()
    if _leads_out(base, base / study / variant):
        raise FormError(
            f"The run {run_id} is a symbolic link that leads outside the runs "
            "folder: it is not read."
        )
    return inside(Path(root), base / study / variant)


# ----------------------------------------------------------------------------- run contents


class RunData:
    """What the pages read of one run: scalars joined with the design, and some series.

    ``run_id``, ``variant``, ``meta`` and ``path`` are there at once; the tables
    (``scalars``, ``series``) and the inputs found in them (``uncertainties``, ``levers``) are
    read on first use (:meth:`load`, once, thread-safe) for a run opened by
    :func:`open_run_data`, so that a page whose summaries are kept beside the run
    (:mod:`accord.store.summaries`) never reads its tables. ``path`` is None for tables not
    read from a store (their summaries are computed every time).
    """

    def __init__(
        self,
        run_id: str,
        variant: str,
        scalars: pd.DataFrame | None = None,
        series: pd.DataFrame | None = None,
        uncertainties: list[str] | None = None,
        levers: list[str] | None = None,
        meta: dict[str, Any] | None = None,
        path: Path | None = None,
    ) -> None:
        self.run_id, self.variant = run_id, variant
        self.meta: dict[str, Any] = dict(meta or {})
        self.path = None if path is None else Path(path)
        self._lock = threading.Lock()
        self._tables: tuple[pd.DataFrame, pd.DataFrame, list[str], list[str]] | None = None
        if scalars is not None:
            self._tables = (
                scalars,
                series if series is not None else pd.DataFrame(columns=["experiment", "month"]),
                list(uncertainties or []),
                list(levers or []),
            )

    def __repr__(self) -> str:
        state = "read" if self._tables is not None else "not read yet"
        return f"RunData({self.run_id!r}, {state})"

    @property
    def loaded(self) -> bool:
        """True when the tables have been read."""
        return self._tables is not None

    def load(self) -> RunData:
        """Read the tables now (once); a run that cannot be read gives a :class:`FormError`."""
        with self._lock:
            if self._tables is None:
                if self.path is None:
                    raise FormError(f"The run {self.run_id} has no tables.")
                try:
                    self._tables = _read_tables(self.path, self.meta)
                except FormError:
                    raise
                except Exception as error:  # changed or damaged while it was read
                    raise FormError(
                        f"The run {self.run_id} cannot be read now ("
                        f"{type(error).__name__}); it may be changing or damaged."
                    ) from None
        return self

    def _table(self, index: int) -> Any:
        tables = self._tables
        if tables is None:
            tables = self.load()._tables
        assert tables is not None
        return tables[index]

    @property
    def scalars(self) -> pd.DataFrame:
        return self._table(0)

    @property
    def series(self) -> pd.DataFrame:
        return self._table(1)

    @property
    def uncertainties(self) -> list[str]:
        return self._table(2)

    @property
    def levers(self) -> list[str]:
        return self._table(3)


def _read_tables(
    path: Path, meta: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[str]]:
    from accord.store.runs import open_run

    run = open_run(path)
    design = run.design()
    scalars = run.scalars().merge(design, on="experiment", how="left")
    scalars = with_derived(scalars)  # the registry's derived outcomes (ceasefire_reached)
    series = run.query(
        f"SELECT * FROM series WHERE experiment < {SERIES_EXPERIMENTS} ORDER BY experiment, month"
    )
    declared = meta.get("design", {})
    uncertainties = [c for c in declared.get("uncertainties", []) if c in scalars]
    levers = [c for c in declared.get("levers", []) if c in scalars]
    return scalars, series, uncertainties, levers


def open_run_data(path: Path, run_id: str) -> RunData:
    """A stored run for the pages, its tables read on first use (only ``meta.json`` now).

    The run is opened by itself (``accord.store.runs.open_run``), without loading its
    scenario: the pages need its tables and metadata only, and loading the scenario cost as
    much as the tables.
    """
    from accord.store.runs import open_run

    meta = dict(open_run(path).meta)
    return RunData(run_id, str(meta.get("variant", Path(path).name)), meta=meta, path=Path(path))


def load_run(path: Path, run_id: str) -> RunData:
    """Read a stored run (good chunks only) for the pages, tables included."""
    return open_run_data(path, run_id).load()


def outcomes(runs: Sequence[RunData]) -> list[str]:
    """Scalar outcomes the runs have, in the report's order."""
    from accord.analysis.summary import OUTCOME_LABELS

    present: dict[str, None] = {}
    for run in runs:
        inputs = set(run.uncertainties) | set(run.levers) | {"experiment"}
        for column in run.scalars.columns:
            if column not in inputs and pd.api.types.is_numeric_dtype(run.scalars[column]):
                present[column] = None
    known = [c for c in OUTCOME_LABELS if c in present]
    return known + [c for c in present if c not in known]


def label(name: str) -> str:
    """``"Label (unit)"`` of an outcome or series."""
    from accord.analysis.summary import outcome_label

    text, unit = outcome_label(name)
    return f"{text} ({unit})" if unit else text


def headline(runs: Sequence[RunData], *, n_boot: int = 1000) -> pd.DataFrame:
    """The headline table, long (key, label, unit, variant, value, low, high, n, interval).

    Quantile rows keep their 5-95 % range of futures (``interval`` = "futures"); probability
    rows get the 95 % (Wilson) interval of the share (``interval`` = "95 %"). Each run's rows
    are kept beside it (:func:`accord.analysis.summary.headline_intervals`). ``n_boot`` is
    kept for callers; the intervals are closed-form.
    """
    from accord.analysis.summary import HEADLINE_COLUMNS, cached_frame

    frames = []
    for run in runs:
        frame = cached_frame([run.path], "headline", {}, partial(_headline_of, run))
        frame.insert(3, "variant", run.variant)
        frames.append(frame)
    if not frames:
        columns = HEADLINE_COLUMNS[:3] + ["variant"] + HEADLINE_COLUMNS[3:]
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def _headline_of(run: RunData) -> pd.DataFrame:
    from accord.analysis.summary import headline_intervals

    return headline_intervals(run.scalars)


def paired_with(run: RunData, reference: RunData) -> bool:
    """Whether ``run`` shares its futures with ``reference`` (common random numbers), as the
    report decides it."""
    from accord.analysis.intervals import tables_are_paired

    return tables_are_paired(
        run.scalars,
        reference.scalars,
        uncertainties=[c for c in run.uncertainties if c in reference.uncertainties] or None,
        meta_a=run.meta,
        meta_b=reference.meta,
    )


def sentences(runs: Sequence[RunData], *, n_boot: int = 400) -> list[tuple[str, str]]:
    """The generated answers (title, sentence): the same as the report's summary.

    Kept beside the first run for this list of runs (:mod:`accord.store.summaries`).
    """
    from accord.store.summaries import cached_value

    if not runs or any(run.path is None for run in runs):
        return _sentences(runs, n_boot)
    return cached_value(
        [run.path for run in runs if run.path is not None],
        "sentences",
        {"variants": [run.variant for run in runs], "n_boot": int(n_boot)},
        lambda: _sentences(runs, n_boot),
        encode=lambda found: [list(pair) for pair in found],
        decode=lambda kept: [(str(title), str(text)) for title, text in kept],
    )


def _sentences(runs: Sequence[RunData], n_boot: int) -> list[tuple[str, str]]:
    from accord.analysis.narrative import findings

    effects = lever_effects(runs, n_boot=n_boot)
    # Paired with the first variant where they share futures, exactly as the report does.
    reference = runs[0]
    paired = {run.variant: paired_with(run, reference) for run in runs[1:]}
    return [
        (f.title, f.sentence)
        for f in findings(
            {run.variant: run.scalars for run in runs},
            effects=None if effects.empty else effects,
            n_boot=n_boot,
            paired=paired,
        )
    ]


#: Outcomes whose lever effects the pages show, and the columns of the effects' table.
EFFECT_OUTCOMES = (
    "ceasefire_reached",
    "peace_holds_5y",
    "months_of_peace",
    "aid_total_europe",
    "escalation_use_of_force_events",
    "escalation_fatal_events",
)
EFFECT_COLUMNS = ["variant", "lever", "option", "reference", "outcome", "difference", "low", "high"]


def lever_effects(runs: Sequence[RunData], *, n_boot: int = 400) -> pd.DataFrame:
    """Levers' effects on the key outcomes, per variant, with bootstrap intervals (each
    run's kept beside it)."""
    from accord.analysis.summary import cached_frame

    frames = []
    for run in runs:
        frame = cached_frame(
            [run.path],
            "lever-effects",
            {"n_boot": int(n_boot)},
            partial(_lever_effects, run, n_boot),
        )
        if not frame.empty:
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=EFFECT_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _lever_effects(run: RunData, n_boot: int) -> pd.DataFrame:
    """One run's lever effects (empty when no lever varies)."""
    from accord.analysis.sensitivity import lever_effects as effects_of

    levers = [c for c in run.levers if run.scalars[c].nunique() > 1]
    if not levers:
        return pd.DataFrame(columns=EFFECT_COLUMNS)
    keys = [o for o in EFFECT_OUTCOMES if o in run.scalars]
    return effects_of(run.scalars, levers, keys, n_boot=n_boot).assign(variant=run.variant)


def sensitivity(run: RunData, outcome: str) -> list[dict[str, Any]]:
    """First-order indices of each numeric uncertainty for ``outcome`` with their intervals:
    RBD-FAST on the stored experiments, as the report's section (accord.analysis.gsa)."""
    from accord.analysis.gsa import sensitivity_table

    if outcome not in run.scalars:
        raise FormError("This run has no such outcome.")
    try:
        (result,) = sensitivity_table(
            run.scalars,
            run.scalars[outcome],
            uncertainties=run.uncertainties,
            levers=run.levers,
            method="rbd-fast",
            labels=input_labels(run),
            n_boot=SENSITIVITY_REPLICATES,
        )
    except ValueError as error:  # no numeric input varies, too few values, constant outcome
        raise FormError(f"No sensitivity for this outcome: {error}.") from None
    return list(result["indices"])


#: As the report's (accord.report.html.SENSITIVITY_REPLICATES).
SENSITIVITY_REPLICATES = 30


def compare(a: RunData, b: RunData, *, n_boot: int = 1000) -> pd.DataFrame:
    """Differences a - b of every shared outcome (a nominal one: of each category's share),
    with the closed-form intervals of ``accord compare``: paired when the runs share their
    futures. Kept beside run A for run B as it is (:mod:`accord.store.summaries`)."""
    from accord.analysis.compare import compare_scalars
    from accord.analysis.summary import cached_frame

    def compute() -> pd.DataFrame:
        shared = [o for o in outcomes([a]) if o in outcomes([b])]
        paired = paired_with(a, b)
        table = compare_scalars(
            a.scalars, b.scalars, outcomes=shared, n_bootstrap=n_boot, paired=paired
        )
        table.attrs["paired"] = bool(paired)
        return table

    return cached_frame([a.path, b.path], "dashboard-compare", {"n_boot": int(n_boot)}, compute)


def discover(run: RunData, outcome: str, threshold: float, direction: str) -> Any:
    """PRIM on the futures where ``outcome`` is below (``"<"``) or at/above (``">="``) a
    threshold; returns the :class:`~accord.analysis.discovery.PrimResult`."""
    from accord.analysis.discovery import prim

    inputs, case = _case(run, outcome, threshold, direction)
    return prim(inputs, case)


def check_box(
    run: RunData, outcome: str, threshold: float, direction: str, result: Any, step: int
) -> Any:
    """The checks of box ``step`` of :func:`discover`'s ``result`` (quasi-p values, bootstrap
    stability, CART): :class:`~accord.analysis.discovery.BoxChecks`."""
    from accord.analysis.discovery import check_box as checks_of

    inputs, case = _case(run, outcome, threshold, direction)
    labels = input_labels(run)
    return checks_of(result, inputs, case, step, replicates=DISCOVERY_REPLICATES, labels=labels)


#: Bootstrap replicates of the page's stability check (fewer than the report's 20: the page
#: answers each box picked; judgement).
DISCOVERY_REPLICATES = 10


def _case(
    run: RunData, outcome: str, threshold: float, direction: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """The varying inputs and the 0/1 case of a discovery question, or a FormError."""
    if outcome not in run.scalars:
        raise FormError("This run has no such outcome.")
    if not math.isfinite(threshold):
        raise FormError("The threshold must be a number.")
    if direction not in ("<", ">="):
        raise FormError("Pick 'below' or 'at least'.")
    values = run.scalars[outcome].to_numpy(dtype=float)
    case = values < threshold if direction == "<" else values >= threshold
    case = np.where(np.isnan(values), False, case).astype(float)
    if case.sum() == 0 or case.sum() == case.size:
        share = "no" if case.sum() == 0 else "every"
        raise FormError(f"With this threshold {share} future is a case: nothing to discover.")
    columns = [c for c in run.uncertainties + run.levers if run.scalars[c].nunique() > 1]
    if not columns:
        raise FormError("No input varies in this run.")
    return run.scalars[columns], case


# ----------------------------------------------------------------------------- what-ifs


def scenario_names() -> list[str]:
    """Shipped scenarios that have a coupled simulation."""
    from accord.scenario.loader import shipped_names

    return [name for name in shipped_names() if _has_simulation(name)]


def _has_simulation(name: str) -> bool:
    try:
        return load_scenario(name).simulation is not None
    except ScenarioError:
        return False


def load_scenario(name: str) -> Any:
    """A shipped scenario by name (never a path from the browser)."""
    from accord.scenario.loader import shipped_names

    if name not in shipped_names():
        raise FormError("Unknown scenario.")
    return _shipped(name)


@functools.lru_cache(maxsize=8)
def _shipped(name: str) -> Any:
    # A shipped scenario is an immutable (frozen) object read from package data: reading it
    # once keeps the Forecast explorer live without changing any result.
    import accord

    return accord.load(name)


def input_labels(run: RunData) -> dict[str, str]:
    """Each input's description in the run's scenario (as shipped), its name where the run
    names no shipped scenario or the input has no description."""
    try:
        simulation = load_scenario(str(run.meta.get("scenario", ""))).simulation
    except (FormError, ScenarioError):
        return {}
    declared = [*simulation.uncertainties, *simulation.levers] if simulation else []
    return {item.name: item.description or item.name for item in declared}


def bargaining_scenarios() -> list[str]:
    """Shipped scenarios with actors and stances to forecast."""
    from accord.scenario.loader import shipped_names

    return [n for n in shipped_names() if load_scenario(n).stances]


def whatif(
    name: str,
    actor: str,
    issue: str,
    *,
    position: float | None = None,
    salience: float | None = None,
    capability: float | None = None,
) -> pd.DataFrame:
    """Where each bargaining model settles, before and after moving one actor on one issue.

    Returns one row per model: ``model``, ``before``, ``after``, ``shift`` (central scenario,
    on the issue's scale).
    """
    import accord

    scenario = load_scenario(name)
    issues = [i.id for i in scenario.issues]
    if actor not in scenario.actor_ids or issue not in issues:
        raise FormError("Unknown actor or issue.")
    low, high = (
        scenario.issues[issues.index(issue)].scale_min,
        scenario.issues[issues.index(issue)].scale_max,
    )
    _check_range(position, low, high, "Position")
    _check_range(salience, 0.0, 1.0, "Salience")
    if capability is not None and not (math.isfinite(capability) and capability >= 0):
        raise FormError("Capability must be a number of at least 0.")
    moved = _moved(scenario, actor, issue, position, salience, capability)
    k = issues.index(issue)
    before = accord.forecast(scenario, BARGAINING_MODELS, draws=1)
    after = accord.forecast(moved, BARGAINING_MODELS, draws=1)
    rows = []
    for model in BARGAINING_MODELS:
        b = float(before.models[model].central[k])
        a = float(after.models[model].central[k])
        rows.append({"model": model, "before": b, "after": a, "shift": a - b})
    return pd.DataFrame(rows)


def _check_range(value: float | None, low: float, high: float, what: str) -> None:
    if value is None:
        return
    if not (math.isfinite(value) and low <= value <= high):
        raise FormError(f"{what} must be a number from {low:g} to {high:g}.")


def _moved(
    scenario: Any,
    actor: str,
    issue: str,
    position: float | None,
    salience: float | None,
    capability: float | None,
) -> Any:
    from accord.spec.sourced import SourcedNumber

    source = "dashboard what-if: a value set by the analyst"
    stances = []
    for stance in scenario.stances:
        if stance.actor == actor and stance.issue == issue:
            update = {}
            if position is not None:
                update["position"] = SourcedNumber(value=position, source=source)
            if salience is not None:
                update["salience"] = SourcedNumber(value=salience, source=source)
            stance = stance.model_copy(update=update)
        stances.append(stance)
    actors = []
    for one in scenario.actors:
        if one.id == actor and capability is not None:
            one = one.model_copy(
                update={"capability": SourcedNumber(value=capability, source=source)}
            )
        actors.append(one)
    return scenario.model_copy(update={"stances": tuple(stances), "actors": tuple(actors)})


def stance(name: str, actor: str, issue: str) -> dict[str, float]:
    """The central position, salience and capability of an actor on an issue."""
    scenario = load_scenario(name)
    capability, position, salience = scenario.point()
    n = scenario.actor_ids.index(actor)
    k = [i.id for i in scenario.issues].index(issue)
    return {
        "position": float(position[0, n, k]),
        "salience": float(salience[0, n, k]),
        "capability": float(capability[0, n]),
    }


def burden(us_cut: float, *, draws: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """Every ally's defence spending after the US cuts its own by ``us_cut`` (0-1), with
    5-95 % bands over the calibration draws (the table of :func:`burden_answer`)."""
    return burden_answer(us_cut, draws=draws, seed=seed)["table"]


def burden_answer(
    us_cut: float, *, draws: int | None = None, seed: int | None = None
) -> dict[str, Any]:
    """The Burden page's answer: ``{"answer": ..., "table": ...}``, the equilibrium of
    `accord burden equilibrium --us-cut US_CUT` with its defaults (the shipped scenario's
    draws and seed, the verdict table's model), read through the same workflow
    (``accord.workflows.burden_answer.answer_of``: model used, vintage, backtest score,
    Europe's total and gaps, the sentence on what the data can tell) and its per-ally table."""
    import accord
    from accord.workflows.burden_answer import answer_of

    if not (isinstance(us_cut, (int, float)) and math.isfinite(us_cut) and 0 <= us_cut <= 1):
        raise FormError("The US cut must be a share from 0 to 1.")
    result = accord.burden("equilibrium", us_cut=float(us_cut), draws=draws, seed=seed)
    return {"answer": answer_of(result), "table": result.table()}


# ----------------------------------------------------------------------------- new runs


def lever_options(name: str) -> dict[str, list[str]]:
    """The options of each lever of a scenario's simulation, as text."""
    spec = load_scenario(name).simulation
    return {lever.name: [str(o) for o in lever.options] for lever in spec.levers}


def variants(name: str) -> list[str]:
    """The variants of a scenario's simulation."""
    return list(load_scenario(name).simulation.variants)


class JobQueue:
    """The dashboard's one queue of runs started from the page.

    At most ``running`` workers run at once and at most ``queued`` wait; a start beyond both is
    refused with a :class:`FormError` that says why. Workers are ended with the dashboard
    (:meth:`stop`, also at interpreter exit) unless ``detach`` is set.
    """

    def __init__(
        self,
        running: int = MAX_RUNNING_JOBS,
        queued: int = MAX_QUEUED_JOBS,
        *,
        detach: bool = False,
    ) -> None:
        import atexit
        import threading

        self.running_cap, self.queued_cap, self.detach = running, queued, detach
        self.running: dict[str, subprocess.Popen] = {}
        self.waiting: list[tuple[str, Path]] = []
        self.lock = threading.Lock()
        atexit.register(self.stop)

    def caps(self) -> str:
        return (
            f"At most {self.running_cap} run(s) started here run at once and "
            f"{self.queued_cap} wait; each has at most {MAX_NEW_EXPERIMENTS:,} experiments."
        )

    def submit(self, study: str, out: Path) -> str:
        """Start or queue the job in ``out``; ``"running"`` or ``"queued"``."""
        with self.lock:
            self._promote()
            if len(self.running) < self.running_cap:
                self._launch(study, out)
                return "running"
            if len(self.waiting) < self.queued_cap:
                self.waiting.append((study, out))
                return "queued"
            raise self._refusal()

    def check(self) -> None:
        """Raise the refusal now if neither a slot nor a place in the queue is free."""
        with self.lock:
            self._promote()
            if len(self.running) >= self.running_cap and len(self.waiting) >= self.queued_cap:
                raise self._refusal()

    def _refusal(self) -> FormError:
        return FormError(
            f"Refused: {len(self.running)} run(s) started here are running and "
            f"{len(self.waiting)} are waiting, the most this dashboard allows. "
            "Wait for one to finish, or use `accord run` for more."
        )

    def status(self) -> dict[str, str]:
        """Study name -> "running" / "queued" for the jobs this queue still holds."""
        with self.lock:
            self._promote()
            return {
                **{s: "running" for s in self.running},
                **{s: "queued" for s, _ in self.waiting},
            }

    def _launch(self, study: str, out: Path) -> None:
        log = open(out / "dashboard-job.log", "wb")  # handed to the child as its stdout
        self.running[study] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "accord.dashboard.worker",
                str(out / JOB_FILE),
                *([] if self.detach else ["--end-with-parent"]),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=dict(os.environ),
        )
        log.close()

    def _promote(self) -> None:
        for study, process in list(self.running.items()):
            if process.poll() is not None:
                del self.running[study]
        while self.waiting and len(self.running) < self.running_cap:
            self._launch(*self.waiting.pop(0))

    def stop(self) -> None:
        """End every worker and drop the waiting jobs, unless detached."""
        import signal

        with self.lock:
            for _study, out in self.waiting:
                atomic_write_text(
                    out / "dashboard-job.failed", "not started: the dashboard stopped first"
                )
            self.waiting.clear()
            if self.detach:
                return
            for process in self.running.values():
                if process.poll() is None:
                    try:
                        os.killpg(process.pid, signal.SIGTERM)
                    except OSError:
                        pass
            for process in self.running.values():
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
            self.running.clear()


_DEFAULT_QUEUE: JobQueue | None = None


def default_queue() -> JobQueue:
    """The process's queue (one dashboard per process)."""
    global _DEFAULT_QUEUE
    if _DEFAULT_QUEUE is None:
        _DEFAULT_QUEUE = JobQueue()
    return _DEFAULT_QUEUE


def start_run(
    root: str | os.PathLike[str],
    scenario: str,
    variant: str,
    experiments: Any,
    levers: dict[str, str],
    seed: Any = DEFAULT_SEED,
    *,
    queue: JobQueue | None = None,
) -> str:
    """Check a new run's form and start or queue it (``queue``); return its study name.

    The run is written to a new folder ``RUNS_DIR/dashboard-<time>-<uuid>`` through the
    ordinary store, so its progress is read from there and it outlives a page reload.
    """
    import uuid

    if scenario not in scenario_names():
        raise FormError("Unknown scenario.")
    if variant not in variants(scenario):
        raise FormError("Unknown variant.")
    n = _integer(experiments, "Experiments", 1, MAX_NEW_EXPERIMENTS)
    seed_value = _seed(seed)
    options = lever_options(scenario)
    chosen = {}
    for lever, option in levers.items():
        if option in ("", None, "variant"):
            continue
        if lever not in options or str(option) not in options[lever]:
            raise FormError(f"Unknown option for lever {lever}.")
        chosen[lever] = str(option)
    base = Path(root).resolve()
    queue = queue or default_queue()
    queue.check()  # a refusal is said before a folder is made
    study = f"dashboard-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:12]}"
    out = inside(base, base / study)
    out.mkdir(parents=True, exist_ok=False)  # a unique id: never two jobs in one folder
    job = {
        "scenario": scenario,
        "variant": variant,
        "experiments": n,
        "seed": seed_value,
        "levers": chosen,
        "out": str(out),
        "started": time.time(),
    }
    atomic_write_text(out / JOB_FILE, json.dumps(job, indent=2))
    try:
        queue.submit(study, out)
    except FormError:
        import shutil

        shutil.rmtree(out, ignore_errors=True)
        raise
    return study


def _seed(value: Any) -> int:
    """The form's seed through the one range check (:func:`accord.workflows.seeds.check_seed`)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            pass
    try:
        return check_seed(value, field="Seed")
    except ScenarioError:
        raise FormError(f"Seed must be a whole number from 0 to {SEED_LIMIT - 1:,}.") from None


def _integer(value: Any, what: str, low: int, high: int) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FormError(f"{what} must be a whole number from {low:,} to {high:,}.") from None
    if not math.isfinite(number) or number != int(number) or not low <= number <= high:
        raise FormError(f"{what} must be a whole number from {low:,} to {high:,}.")
    return int(number)


def jobs(root: str | os.PathLike[str], queue: JobQueue | None = None) -> pd.DataFrame:
    """Runs started from the dashboard, newest first, with their progress from the store."""
    base = Path(root).resolve()
    held = queue.status() if queue is not None else {}
    records = []
    for job_file in sorted(base.glob(f"dashboard-*/{JOB_FILE}"), reverse=True):
        try:
            job = json.loads(job_file.read_text())
        except (OSError, ValueError):
            continue
        run_dir = job_file.parent / job["variant"]
        done, total, status = (
            _progress(run_dir)
            if (run_dir / "meta.json").is_file()
            else (0, 0, held.get(job_file.parent.name, "starting"))
        )
        log = job_file.parent / "dashboard-job.log"
        failed = (job_file.parent / "dashboard-job.failed").is_file()
        records.append(
            {
                "study": job_file.parent.name,
                "scenario": job["scenario"],
                # A variant that crosses levers multiplies the form's number of experiments.
                "variant": job["variant"],
                "experiments": total or job["experiments"],
                "levers": ", ".join(f"{k}={v}" for k, v in job["levers"].items()) or "variant's",
                "done": done,
                "status": "failed" if failed else status,
                "message": _last_line(log) if failed else "",
            }
        )
    return pd.DataFrame.from_records(
        records,
        columns=[
            "study",
            "scenario",
            "variant",
            "experiments",
            "levers",
            "done",
            "status",
            "message",
        ],
    )


def _last_line(path: Path) -> str:
    try:
        lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return lines[-1][:300] if lines else ""


# ----------------------------------------------------------------------------- questions


def shipped_questions() -> dict[str, str]:
    """The question files shipped beside the scenarios: file name -> title."""
    from importlib import resources

    from accord.analysis.questions import load_question

    found: dict[str, str] = {}
    root = Path(str(resources.files("accord") / "scenarios"))
    for path in sorted(root.glob("*/questions/*.yaml")):
        try:
            found[str(path)] = load_question(path).question.title
        except ScenarioError:
            continue  # a broken file is `accord score`'s to report, not the page's
    return found


def ask(
    root: str | os.PathLike[str],
    runs: pd.DataFrame,
    run_id: str,
    event: str = "",
    question: str = "",
) -> dict[str, Any]:
    """``accord.ask`` on one run of the listing: the answer's JSON document (bins with their
    probability and 95 % interval over all futures, the condition where there is one), or a
    FormError saying why the event is refused."""
    import accord

    shipped = shipped_questions()
    if question and question not in shipped:
        raise FormError("Choose a shipped question or type an event.")
    if not question and not event.strip():
        raise FormError(
            "Type an event, e.g. 'ceasefire_month before 2026-01-01', or choose a shipped question."
        )
    path = run_path(root, runs, run_id)
    try:
        answer = accord.ask(path, question=question) if question else accord.ask(path, event=event)
    except ScenarioError as error:
        raise FormError(f"The event is refused: {error}") from None
    return answer.to_dict()


# ----------------------------------------------------------------------------- the Overview


def scenario_start(meta: dict[str, Any]) -> Any:
    """The calendar date of month 0 of a run: the ``start`` its meta records (runs since issue
    23), else its shipped scenario's ``start``; None when neither is known or the shipped
    scenario has changed since the run (its hash differs)."""
    import contextlib
    import datetime

    from accord.scenario.loader import shipped_names

    recorded = meta.get("start")
    if isinstance(recorded, str):
        with contextlib.suppress(ValueError):
            return datetime.date.fromisoformat(recorded)
    name = meta.get("scenario")
    if not isinstance(name, str) or name not in shipped_names():
        return None
    try:
        scenario = _shipped(name)
    except ScenarioError:
        return None
    if meta.get("scenario_hash") and meta.get("scenario_hash") != scenario.hash():
        return None
    simulation = getattr(scenario, "simulation", None)
    return getattr(simulation, "start", None)


def headline_figures(runs: Sequence[RunData]) -> list[tuple[str, str, bytes]]:
    """One figure per headline question of the Overview: ``(title, caption, PNG)``, kept
    beside the first run for this list of runs (:mod:`accord.store.summaries`).

    See :func:`draw_headline_figures`.
    """
    import base64

    from accord.store.summaries import cached_value

    if not runs or any(run.path is None for run in runs):
        return draw_headline_figures(runs)
    return cached_value(
        [run.path for run in runs if run.path is not None],
        "overview-figures",
        {"variants": [run.variant for run in runs]},
        lambda: draw_headline_figures(runs),
        encode=lambda found: [[t, c, base64.b64encode(p).decode("ascii")] for t, c, p in found],
        decode=lambda kept: [(str(t), str(c), base64.b64decode(p)) for t, c, p in kept],
    )


def draw_headline_figures(runs: Sequence[RunData]) -> list[tuple[str, str, bytes]]:
    """One figure per headline question of the Overview: ``(title, caption, PNG)``.

    Drawn from the headline table (:func:`headline`, kept beside each run): when a ceasefire
    comes and when the war ends (by calendar date: the scenario's ``start`` maps months to
    dates, :func:`accord.analysis.questions.month_date`), whether the peace holds, who pays,
    how often Russia and NATO clash. Labels and units are the table's (the outcome registry);
    the caption names the variants by their scenario descriptions.
    """
    from accord.analysis.questions import month_date
    from accord.dashboard import figures

    table = headline(runs)
    if table.empty:
        return []
    keys = set(table["key"])
    start = scenario_start(runs[0].meta)
    described = "; ".join(
        f"{run.variant}: {_first_sentence(str(run.meta['description']))}"
        for run in runs
        if run.meta.get("description")
    )
    horizons = (12, 24, 60)

    def when(key: str) -> Any:
        months = int(key.rsplit("_", 1)[1])
        return month_date(start, months) if start is not None else months

    shown: list[tuple[str, str, bytes]] = []
    timing = {
        "a negotiated ceasefire": [f"p_ceasefire_{h}" for h in horizons],
        "any end of the war": [f"p_war_ends_{h}" for h in horizons],
    }
    timing = {name: [k for k in group if k in keys] for name, group in timing.items()}
    timing = {name: group for name, group in timing.items() if group}
    if timing:
        positions = {k: when(k) for group in timing.values() for k in group}
        xlabel = (
            f"by this date (month 0 is {start:%B %Y})"
            if start is not None
            else "by this month from the start"
        )
        shown.append(
            (
                "When does a ceasefire come, and when does the war end?",
                "Share of futures by each date, with its 95 % interval.",
                figures.headline_question(
                    table,
                    timing,
                    ylabel="share of futures, %",
                    positions=positions,
                    xlabel=xlabel,
                    percent=True,
                ),
            )
        )
    singles = [
        (
            "Does the peace hold?",
            "peace_holds_5y",
            "Share of all futures whose ceasefire holds five years (no ceasefire counts as "
            "not holding), with its 95 % interval.",
        ),
        (
            "How often do Russia and NATO clash?",
            "p_escalation",
            "Share of futures with at least one Russia–NATO use-of-force dispute over the "
            "horizon, with its 95 % interval.",
        ),
    ]
    for title, key, caption in singles[:1]:
        if key in keys:
            shown.append((title, caption, _single(figures, table, key)))
    donors = [k for k in dict.fromkeys(table["key"]) if str(k).startswith("aid_total_")]
    if donors:
        unit = str(table[table["key"] == donors[0]]["unit"].iloc[0])
        shown.append(
            (
                "Who pays?",
                "Median aid over the horizon per donor, with the 5–95 % range of futures.",
                figures.headline_question(
                    table, {"aid": donors}, ylabel=f"aid over the horizon, {unit}"
                ),
            )
        )
    for title, key, caption in singles[1:]:
        if key in keys:
            shown.append((title, caption, _single(figures, table, key)))
    if described:
        shown = [(t, f"{c} Variants — {described}.", f) for t, c, f in shown]
    return [(title, caption, figures.png(figure)) for title, caption, figure in shown]


def _first_sentence(text: str, limit: int = 140) -> str:
    """The first sentence of a variant's description, cut at ``limit`` characters."""
    first = text.split(". ")[0].strip().rstrip(".")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _single(figures: Any, table: pd.DataFrame, key: str) -> Any:
    """A figure of one probability row, a point per variant."""
    label = str(table[table["key"] == key]["label"].iloc[0])
    return figures.headline_question(
        table, {label: [key]}, ylabel="share of futures, %", percent=True
    )
