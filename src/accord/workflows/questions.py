"""Ask a stored run dated questions, and score its answers against what happened.

``accord.ask(run, event=...)`` or ``accord.ask(run, question="q.yaml")`` returns an
:class:`accord.analysis.questions.Answer`; :func:`score` scores every resolved question of a
file or directory against the run and against the crowd forecasts the file holds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from typing import Any

from accord.analysis import questions as qa
from accord.spec.errors import ScenarioError


def _run_and_calendar(run: Any, variant: str | None) -> tuple[Any, date, int]:
    """The scalars of one run, its start date and its horizon in months."""
    from accord.workflows.study import Study, open_study

    study = run if isinstance(run, Study) else open_study(run)
    if variant is None and len(study.variants) > 1:
        variant = "baseline" if "baseline" in study.variants else None
    chosen = study.run(variant)
    scenario = study.scenario
    if scenario is None:
        name = chosen.meta.get("scenario")
        if not name:
            raise ScenarioError(str(run), "the run names no scenario, so it has no calendar")
        from accord.workflows.scenarios import load

        scenario = load(str(name))  # the calendar of the scenario as shipped now
    simulation = scenario.simulation
    return chosen.scalars(), simulation.start, int(simulation.horizon_months)


def ask(
    run: Any,
    *,
    event: str | None = None,
    question: str | os.PathLike[str] | None = None,
    variant: str | None = None,
) -> qa.Answer:
    """Probabilities per bin over all futures of ``run`` (a path or a Study)."""
    if (event is None) == (question is None):
        raise ScenarioError(
            None, "give exactly one of an event and a question file", field="--event/--question"
        )
    from accord.workflows.study import Study, open_study

    loaded = qa.load_question(question) if question is not None else None
    study = run if isinstance(run, Study) else open_study(run)
    scalars, start, horizon = _run_and_calendar(study, variant)
    text = loaded.question.event if loaded is not None else str(event)
    if loaded is not None:
        _check_question_dates(loaded, start)
    return qa.evaluate(
        scalars, start, horizon, event=text, loaded=loaded, series=_chosen(study, variant).series
    )


def _chosen(study: Any, variant: str | None) -> Any:
    if variant is None and len(study.variants) > 1:
        variant = "baseline" if "baseline" in study.variants else None
    return study.run(variant)


def _check_question_dates(loaded: qa.LoadedQuestion, start: date) -> None:
    q = loaded.question
    if q.closes < start:
        raise loaded.error(
            "date before the run's start",
            ("closes",),
            expected=f"on or after {start.isoformat()}",
            found=str(q.closes),
        )


def score(
    questions: str | os.PathLike[str], run: Any, *, variant: str | None = None
) -> dict[str, Any]:
    """Scores of accord and of each crowd forecast on every resolved question."""
    from accord.workflows.study import Study, open_study

    loaded_all = qa.load_questions(questions)
    study = run if isinstance(run, Study) else open_study(run)
    chosen = _chosen(study, variant)
    scalars, start, horizon = _run_and_calendar(study, variant)
    for loaded in loaded_all:
        _check_question_dates(loaded, start)
    return qa.score_questions(
        loaded_all, scalars, start, horizon, series=chosen.series, as_of=chosen.meta.get("as_of")
    )


#: Below this effective sample size `accord update` warns that the updated run is thin.
ESS_WARN = 100


def update(
    run: Any,
    observed: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    variant: str | None = None,
    rerun: bool = False,
    experiments: int | None = None,
    seed: int | None = None,
    progress: bool = False,
    force: bool = False,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Condition a stored run on observations by rejection; write the kept futures to ``out``
    as a run of their own, marked "as of" the observations' date. Returns a summary with the
    effective sample size (with 0/1 weights: the number of futures kept).

    With ``rerun``, the kept futures' parameter rows are the updated posterior (their
    empirical distribution: no kernel, so no bandwidth to choose). ``experiments`` rows are
    drawn from them with replacement, run afresh through the experiments runner (each row is
    a new experiment, so with its own randomness), and the fresh futures are conditioned on
    the observations again: the updated run has as many futures as the fresh run kept, and
    none contradicts an observation. A rerun over the cap of :mod:`accord.spec.limits` is
    refused unless ``force`` (``log`` gets a long one's estimate). ``seed`` (default: derived
    from the parent run's seed by a spawn key, never by arithmetic) seeds both the resampling
    and the fresh run.
    """
    import shutil
    import tempfile
    from pathlib import Path

    from accord.workflows.study import Study, open_study

    target = Path(out)
    if target.exists():
        raise ScenarioError(
            str(target),
            "already exists",
            field="--out",
            expected="a new directory for the updated run",
        )
    observations, where = qa.load_observations(observed)
    study = run if isinstance(run, Study) else open_study(run)
    if variant is None and len(study.variants) > 1:
        variant = "baseline" if "baseline" in study.variants else None
    parent = study.run(variant)
    scalars, start, horizon = _run_and_calendar(study, variant)
    if observations.as_of < start:
        raise where.error(
            "date before the run's start",
            ("as_of",),
            expected=f"on or after {start.isoformat()}",
            found=str(observations.as_of),
        )
    if rerun and study.scenario is None:
        raise ScenarioError(
            str(parent.path),
            "the run's scenario is not shipped unchanged, so its futures cannot be run afresh",
            field="--rerun",
        )
    if rerun:  # the estimate, the cap and --force, as for every long job (issue 18)
        from accord.simulation.cost import estimate_rerun
        from accord.spec.limits import ANNOUNCE_SECONDS
        from accord.workflows.forecast import check_count

        experiments = check_count(experiments or len(scalars), "experiments")
        cost = estimate_rerun(study.scenario.simulation, experiments)
        cost.check(force=force, field="--experiments")
        if log is not None and cost.seconds > ANNOUNCE_SECONDS:
            log(cost.text())
    keep = qa.condition_on(scalars, start, horizon, observations, where, series=parent.series)
    n, first_ess = len(scalars), int(keep.sum())
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    history: dict[str, Any] = {
        "run": str(parent.path),
        "run_id": parent.run_id,
        "n_experiments": n,
        "observed": str(observed),
        "method": "rejection",
        "ess": first_ess,
        "observations": [o.id for o in observations.observations],
    }
    try:
        source = parent
        if rerun:
            fresh_seed = seed if seed is not None else _rerun_seed(int(parent.meta["seed"]))
            source = _rerun(
                study,
                parent,
                scalars["experiment"].to_numpy()[keep],
                experiments or n,
                fresh_seed,
                staging / "fresh",
                progress,
            )
            fresh_scalars = source.scalars()
            keep = qa.condition_on(
                fresh_scalars, start, horizon, observations, where, series=source.series
            )
            kept_ids = fresh_scalars["experiment"].to_numpy()[keep]
            history.update(
                {
                    "method": "rejection, then a rerun of the kept parameter rows "
                    "and rejection again",
                    "rerun": {
                        "seed": fresh_seed,
                        "n_experiments": len(fresh_scalars),
                        "ess": int(keep.sum()),
                    },
                }
            )
        else:
            kept_ids = scalars["experiment"].to_numpy()[keep]
        meta = _write_subset(
            source,
            set(kept_ids.tolist()),
            staging / "run",
            target.name,
            observations.as_of,
            history,
        )
        (staging / "run").rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _record_in_catalogue(target, meta)
    ess = int(meta["n_experiments"])
    summary = {
        "run": str(target),
        "as_of": observations.as_of.isoformat(),
        "n_futures": n,
        "ess": ess,
        "share_kept": first_ess / n,
        "warning": (
            f"ESS {ess} is below {ESS_WARN}: answers of the updated run are noisy; "
            "rerun with more experiments (--rerun --experiments N)"
            if ess < ESS_WARN
            else None
        ),
    }
    if rerun:
        summary["rerun"] = history["rerun"]
    return summary


def _rerun_seed(parent_seed: int) -> int:
    """The fresh run's seed: a child of the parent's seed (its own stream, never seed + k)."""
    from accord.experiments.rng import child_seed

    return child_seed(parent_seed, "rerun")


def _rerun(
    study: Any, parent: Any, kept: Any, experiments: int, seed: int, directory: Any, progress: bool
) -> Any:
    """Draw ``experiments`` parameter rows from the kept ones and run them afresh."""
    import functools

    import numpy as np

    from accord.experiments.rng import stream_rng
    from accord.experiments.runner import run_experiments
    from accord.simulation import compile_spec, simulate_chunk
    from accord.workflows.forecast import check_count
    from accord.workflows.seeds import check_seed

    seed = check_seed(seed)
    experiments = check_count(experiments, "experiments")
    design = parent.design()
    rows = design[design["experiment"].isin(kept)].reset_index(drop=True)
    rng = stream_rng(seed, "rerun")
    table = rows.iloc[rng.integers(0, len(rows), experiments)].reset_index(drop=True)
    table["experiment"] = np.arange(experiments)
    scenario = study.scenario
    compiled = compile_spec(
        scenario.simulation, scenario, seed=seed, source=scenario.origin or scenario.name
    )
    meta = {
        key: parent.meta[key]
        for key in ("scenario", "variant", "scenario_hash", "description", "outcomes")
        if key in parent.meta
    }
    directory.mkdir()
    return run_experiments(
        functools.partial(simulate_chunk, spec=compiled),
        table,
        seed=seed,
        out_dir=directory,
        meta=meta,
        progress=progress,
        run_id="run",
    )


def _write_subset(
    source: Any, kept: set[int], staging: Any, run_id: str, as_of: date, history: dict[str, Any]
) -> dict[str, Any]:
    """Write the futures ``kept`` of run ``source`` as a complete run in ``staging``."""
    from accord.store.manifest import chunk_path
    from accord.store.runs import (
        DESIGN_FILE,
        META_FILE,
        now_iso,
        write_json_atomic,
        write_manifest,
        write_parquet_atomic,
    )

    def subset(frame: Any) -> Any:
        return frame[frame["experiment"].isin(kept)].reset_index(drop=True)

    staging.mkdir()
    records = {}
    for kind, frame in (("scalars", source.scalars()), ("series", source.series())):
        path = chunk_path(staging, kind, 0)
        path.parent.mkdir(parents=True, exist_ok=True)
        records[kind] = write_parquet_atomic(subset(frame), path)
    write_parquet_atomic(subset(source.design()), staging / DESIGN_FILE)
    write_manifest(staging, {0: records})
    meta = dict(source.meta)
    meta.update(
        {
            "run_id": run_id,
            "n_experiments": len(kept),
            "n_chunks": 1,
            "chunk_size": len(kept),
            "status": "complete",
            "created": now_iso(),
            "finished": now_iso(),
            "as_of": as_of.isoformat(),
            "updated_from": history,
        }
    )
    write_json_atomic(meta, staging / META_FILE)
    return meta


def _record_in_catalogue(target: Any, meta: dict[str, Any]) -> None:
    from accord.store.runs import update_catalogue

    try:
        update_catalogue(target.parent, meta, target)
    except Exception:  # noqa: BLE001 -- the run stands without a catalogue row
        pass


def _read_ledger(path: Any) -> list[dict[str, Any]]:
    import json
    from pathlib import Path

    path = Path(path)
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            raise ScenarioError(str(path), "not a JSON line", line=number) from None
        if not isinstance(entry, dict) or not {"id", "recorded", "probs"} <= set(entry):
            raise ScenarioError(
                str(path), "a ledger entry needs id, recorded and probs", line=number
            )
        entries.append(entry)
    return entries


def ledger(
    questions: str | os.PathLike[str],
    run: Any,
    path: str | os.PathLike[str],
    *,
    variant: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Record accord's answers to the open questions in an append-only ledger (JSON lines),
    once per question and scenario hash; score the entries of questions that have resolved
    from the recorded probabilities, without re-forecasting them."""
    import json
    from pathlib import Path

    from accord.safeio import atomic_write_text
    from accord.workflows.study import Study, open_study

    today = today or date.today()
    loaded_all = qa.load_questions(questions)
    study = run if isinstance(run, Study) else open_study(run)
    if variant is None and len(study.variants) > 1:
        variant = "baseline" if "baseline" in study.variants else None
    meta = study.run(variant).meta
    scalars, start, horizon = _run_and_calendar(study, variant)
    entries = _read_ledger(path)
    seen = {(e["id"], e.get("scenario_hash")) for e in entries}
    new = []
    for loaded in loaded_all:
        q = loaded.question
        if q.resolution is not None or q.closes <= today:
            continue
        if (q.id, meta.get("scenario_hash")) in seen:
            continue
        _check_question_dates(loaded, start)
        answer = qa.evaluate(
            scalars,
            start,
            horizon,
            event=q.event,
            loaded=loaded,
            series=_chosen(study, variant).series,
        )
        new.append(
            {
                "id": q.id,
                "recorded": today.isoformat(),
                "closes": q.closes.isoformat(),
                "event": q.event,
                "scenario": meta.get("scenario"),
                "scenario_hash": meta.get("scenario_hash"),
                "run_id": meta.get("run_id"),
                "as_of": meta.get("as_of"),
                "n_futures": answer.n_futures,
                "probs": answer.probs,
                "condition": answer.condition,
            }
        )
    if new:
        old = Path(path).read_text(encoding="utf-8") if Path(path).exists() else ""
        if old and not old.endswith("\n"):
            old += "\n"
        atomic_write_text(
            path, old + "".join(json.dumps(e, sort_keys=True) + "\n" for e in new), field="--ledger"
        )
    resolved = {
        lq.question.id: lq.question.resolution
        for lq in loaded_all
        if lq.question.resolution is not None
    }
    scored = []
    for entry in entries:
        resolution = resolved.get(entry["id"])
        if resolution is None or resolution.bin not in entry["probs"]:
            continue
        scored.append(
            {
                "id": entry["id"],
                "recorded": entry["recorded"],
                "scenario_hash": entry.get("scenario_hash"),
                "resolved_bin": resolution.bin,
                "brier": qa.brier(entry["probs"], resolution.bin),
                "log": qa.log_score(entry["probs"], resolution.bin),
            }
        )
    return {"ledger": str(path), "recorded": [e["id"] for e in new], "scored": scored}
