"""The dashboard's one door to the library: every number the pages show comes through here.

The pages never build a path or SQL from what the browser sends. Runs are listed from the
run catalogues found under RUNS_DIR and picked by an opaque id (``"<study>/<variant>"``, looked
up in that listing); a resolved path must stay inside RUNS_DIR. Nothing is uploaded.

Runs, forecasts, burden-sharing and new runs go through the library's public API
(``accord.runs``, ``accord.open`` and its ``Study``, ``accord.forecast``, ``accord.burden``,
``accord.simulate``, ``accord.load``); summaries, comparisons, sensitivity and PRIM through the
plain-table functions of ``accord.analysis``. The page code (``accord.dashboard.pages``) calls
only this module.
"""

from __future__ import annotations

import functools
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class RunData:
    """What the pages read of one run: scalars joined with the design, and some series."""

    run_id: str
    variant: str
    scalars: pd.DataFrame
    series: pd.DataFrame
    uncertainties: list[str]
    levers: list[str]
    meta: dict[str, Any]


def load_run(path: Path, run_id: str) -> RunData:
    """Read a stored run (good chunks only) for the pages."""
    import accord

    study = accord.open(path)
    design = study.design().drop(columns="variant")
    scalars = study.scalars().drop(columns="variant").merge(design, on="experiment", how="left")
    scalars = with_derived(scalars)  # the registry's derived outcomes (ceasefire_reached)
    series = study.query(
        f"SELECT * FROM series WHERE experiment < {SERIES_EXPERIMENTS} ORDER BY experiment, month"
    ).drop(columns="variant")
    meta = dict(study.run().meta)
    declared = meta.get("design", {})
    uncertainties = [c for c in declared.get("uncertainties", []) if c in scalars]
    levers = [c for c in declared.get("levers", []) if c in scalars]
    return RunData(
        run_id, str(meta.get("variant", path.name)), scalars, series, uncertainties, levers, meta
    )


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
    rows get a 95 % bootstrap interval of the share (``interval`` = "95 %").
    """
    from accord.analysis.narrative import mean_interval
    from accord.analysis.summary import headline_table

    table = headline_table({run.variant: run.scalars for run in runs})
    table["interval"] = np.where(table["low"].isna(), "", "futures")
    scalars = {run.variant: run.scalars for run in runs}
    for index, row in table.iterrows():
        values = _indicator(scalars[row["variant"]], str(row["key"]))
        if values is None:
            continue
        estimate = mean_interval(values, n_boot=n_boot, seed=0)
        table.loc[index, ["low", "high", "interval"]] = [estimate.low, estimate.high, "95 %"]
    return table


def _indicator(scalars: pd.DataFrame, key: str) -> np.ndarray | None:
    """Per-future values whose mean is the headline probability ``key`` (None: not one)."""
    if key.startswith("p_ceasefire_"):
        # As accord.analysis.summary.probability_ceasefire_within: months 0..m-1.
        months = scalars["ceasefire_month"].to_numpy(dtype=float)
        return (np.nan_to_num(months, nan=np.inf) < float(key.rsplit("_", 1)[1])).astype(float)
    if key == "peace_holds_5y":
        return np.nan_to_num(scalars["peace_holds_5y"].to_numpy(dtype=float), nan=0.0)
    if key == "p_escalation":  # as accord.analysis.summary.headline
        column = "escalation_use_of_force_events"
        if column in scalars:
            return (np.nan_to_num(scalars[column].to_numpy(dtype=float)) > 0) * 1.0
    return None


def sentences(runs: Sequence[RunData], *, n_boot: int = 400) -> list[tuple[str, str]]:
    """The generated answers (title, sentence): the same as the report's summary."""
    from accord.analysis.intervals import tables_are_paired
    from accord.analysis.narrative import findings

    effects = lever_effects(runs, n_boot=n_boot)
    # Paired with the first variant where they share futures, exactly as the report does.
    reference = runs[0]
    paired = {
        run.variant: tables_are_paired(
            run.scalars,
            reference.scalars,
            uncertainties=[c for c in run.uncertainties if c in reference.uncertainties] or None,
            meta_a=run.meta,
            meta_b=reference.meta,
        )
        for run in runs[1:]
    }
    return [
        (f.title, f.sentence)
        for f in findings(
            {run.variant: run.scalars for run in runs},
            effects=None if effects.empty else effects,
            n_boot=n_boot,
            paired=paired,
        )
    ]


def lever_effects(runs: Sequence[RunData], *, n_boot: int = 400) -> pd.DataFrame:
    """Levers' effects on the key outcomes, per variant, with bootstrap intervals."""
    from accord.analysis.sensitivity import lever_effects as effects_of

    frames = []
    for run in runs:
        levers = [c for c in run.levers if run.scalars[c].nunique() > 1]
        if not levers:
            continue
        keys = [
            o
            for o in (
                "ceasefire_reached",
                "peace_holds_5y",
                "months_of_peace",
                "aid_total_europe",
                "escalation_use_of_force_events",
                "escalation_fatal_events",
            )
            if o in run.scalars
        ]
        frame = effects_of(run.scalars, levers, keys, n_boot=n_boot)
        frames.append(frame.assign(variant=run.variant))
    if not frames:
        return pd.DataFrame(
            columns=[
                "variant",
                "lever",
                "option",
                "reference",
                "outcome",
                "difference",
                "low",
                "high",
            ]
        )
    return pd.concat(frames, ignore_index=True)


def importance(run: RunData, outcome: str) -> pd.DataFrame:
    """Importance of each varying input for ``outcome`` (extra trees or regression)."""
    from accord.analysis.sensitivity import feature_importance

    columns = [c for c in run.uncertainties + run.levers if run.scalars[c].nunique() > 1]
    if outcome not in run.scalars or not columns:
        raise FormError("No varying input or no such outcome in this run.")
    return feature_importance(run.scalars[columns], run.scalars[outcome], seed=0)


def compare(a: RunData, b: RunData, *, n_boot: int = 1000) -> pd.DataFrame:
    """Differences a - b of every shared outcome's mean, with bootstrap intervals."""
    from accord.analysis.compare import compare_scalars

    shared = [o for o in outcomes([a]) if o in outcomes([b])]
    return compare_scalars(a.scalars, b.scalars, outcomes=shared, n_bootstrap=n_boot)


def discover(run: RunData, outcome: str, threshold: float, direction: str) -> Any:
    """PRIM on the futures where ``outcome`` is below (``"<"``) or at/above (``">="``) a
    threshold; returns the :class:`~accord.analysis.discovery.PrimResult`."""
    from accord.analysis.discovery import prim

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
    return prim(run.scalars[columns], case)


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
