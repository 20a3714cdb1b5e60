"""Ask a stored run dated questions, and score its answers against what happened.

``accord.ask(run, event=...)`` or ``accord.ask(run, question="q.yaml")`` returns an
:class:`accord.analysis.questions.Answer`; :func:`score` scores every resolved question of a
file or directory against the run and against the crowd forecasts the file holds.
"""

from __future__ import annotations

import os
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


def ask(run: Any, *, event: str | None = None, question: str | os.PathLike[str] | None = None,
        variant: str | None = None) -> qa.Answer:
    """Probabilities per bin over all futures of ``run`` (a path or a Study)."""
    if (event is None) == (question is None):
        raise ScenarioError(None, "give exactly one of an event and a question file",
                            field="--event/--question")
    loaded = qa.load_question(question) if question is not None else None
    scalars, start, horizon = _run_and_calendar(run, variant)
    text = loaded.question.event if loaded is not None else str(event)
    if loaded is not None:
        _check_question_dates(loaded, start)
    return qa.evaluate(scalars, start, horizon, event=text, loaded=loaded)


def _check_question_dates(loaded: qa.LoadedQuestion, start: date) -> None:
    q = loaded.question
    if q.closes < start:
        raise loaded.error("date before the run's start", ("closes",),
                           expected=f"on or after {start.isoformat()}", found=str(q.closes))


def score(questions: str | os.PathLike[str], run: Any, *, variant: str | None = None
          ) -> dict[str, Any]:
    """Scores of accord and of each crowd forecast on every resolved question."""
    from accord.workflows.study import Study, open_study

    loaded_all = qa.load_questions(questions)
    study = run if isinstance(run, Study) else open_study(run)
    if variant is None and len(study.variants) > 1:
        variant = "baseline" if "baseline" in study.variants else None
    as_of = study.run(variant).meta.get("as_of")
    scalars, start, horizon = _run_and_calendar(study, variant)
    rows: list[dict[str, Any]] = []
    totals: dict[str, list[float]] = {"accord": []}
    for loaded in loaded_all:
        q = loaded.question
        _check_question_dates(loaded, start)
        answer = qa.evaluate(scalars, start, horizon, event=q.event, loaded=loaded)
        if q.resolution is None:
            continue
        resolved = q.resolution.bin
        probs = answer.probs
        entry: dict[str, Any] = {
            "id": q.id,
            "accord": {"probs": probs, "brier": qa.brier(probs, resolved),
                       "log": qa.log_score(probs, resolved)},
            "crowd": [],
            "resolved_bin": resolved,
        }
        if answer.condition is not None:
            entry["condition"] = answer.condition
        if as_of is not None and q.closes <= date.fromisoformat(str(as_of)):
            # The run was conditioned on what happened by then: its score says nothing.
            entry["hindsight"] = True
        else:
            totals["accord"].append(entry["accord"]["brier"])
        for crowd in q.crowd:
            b = qa.brier(crowd.probs, resolved)
            entry["crowd"].append({"source": crowd.source, "date": crowd.date.isoformat(),
                                   "brier": b, "log": qa.log_score(crowd.probs, resolved)})
            totals.setdefault(crowd.source, []).append(b)
        rows.append(entry)
    mean = {source: (sum(v) / len(v) if v else None) for source, v in totals.items()}
    return {"questions": rows, "mean_brier": mean}


#: Below this effective sample size `accord update` warns that the updated run is thin.
ESS_WARN = 100


def update(run: Any, observed: str | os.PathLike[str], out: str | os.PathLike[str], *,
           variant: str | None = None) -> dict[str, Any]:
    """Condition a stored run on observations by rejection; write the kept futures to ``out``
    as a run of their own, marked "as of" the observations' date. Returns a summary with the
    effective sample size (with 0/1 weights: the number of futures kept)."""
    import shutil
    import tempfile
    from pathlib import Path

    from accord.store.manifest import chunk_path
    from accord.store.runs import (
        DESIGN_FILE,
        META_FILE,
        now_iso,
        update_catalogue,
        write_json_atomic,
        write_manifest,
        write_parquet_atomic,
    )
    from accord.workflows.study import Study, open_study

    target = Path(out)
    if target.exists():
        raise ScenarioError(str(target), "already exists", field="--out",
                            expected="a new directory for the updated run")
    observations, where = qa.load_observations(observed)
    study = run if isinstance(run, Study) else open_study(run)
    if variant is None and len(study.variants) > 1:
        variant = "baseline" if "baseline" in study.variants else None
    parent = study.run(variant)
    scalars, start, horizon = _run_and_calendar(study, variant)
    if observations.as_of < start:
        raise where.error("date before the run's start", ("as_of",),
                          expected=f"on or after {start.isoformat()}",
                          found=str(observations.as_of))
    keep = qa.condition_on(scalars, start, horizon, observations, where,
                           series=parent.series)
    kept = set(scalars["experiment"].to_numpy()[keep].tolist())
    n, ess = len(scalars), int(keep.sum())
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        def subset(frame: Any) -> Any:
            return frame[frame["experiment"].isin(kept)].reset_index(drop=True)

        records = {}
        for kind, frame in (("scalars", parent.scalars()), ("series", parent.series())):
            path = chunk_path(staging, kind, 0)
            path.parent.mkdir(parents=True, exist_ok=True)
            records[kind] = write_parquet_atomic(subset(frame), path)
        write_parquet_atomic(subset(parent.design()), staging / DESIGN_FILE)
        write_manifest(staging, {0: records})
        meta = dict(parent.meta)
        meta.update({
            "run_id": target.name, "n_experiments": ess, "n_chunks": 1, "chunk_size": ess,
            "status": "complete", "created": now_iso(), "finished": now_iso(),
            "as_of": observations.as_of.isoformat(),
            "updated_from": {"run": str(parent.path), "run_id": parent.run_id,
                             "n_experiments": n, "observed": str(observed),
                             "method": "rejection", "ess": ess,
                             "observations": [o.id for o in observations.observations]},
        })
        write_json_atomic(meta, staging / META_FILE)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        update_catalogue(target.parent, meta, target)
    except Exception:  # noqa: BLE001 -- the run stands without a catalogue row
        pass
    return {"run": str(target), "as_of": observations.as_of.isoformat(), "n_futures": n,
            "ess": ess, "share_kept": ess / n, "warning": (
                f"ESS {ess} is below {ESS_WARN}: answers of the updated run are noisy; "
                "rerun with more experiments" if ess < ESS_WARN else None)}


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
            raise ScenarioError(str(path), "a ledger entry needs id, recorded and probs",
                                line=number)
        entries.append(entry)
    return entries


def ledger(questions: str | os.PathLike[str], run: Any, path: str | os.PathLike[str], *,
           variant: str | None = None, today: date | None = None) -> dict[str, Any]:
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
        answer = qa.evaluate(scalars, start, horizon, event=q.event, loaded=loaded)
        new.append({"id": q.id, "recorded": today.isoformat(), "closes": q.closes.isoformat(),
                    "event": q.event, "scenario": meta.get("scenario"),
                    "scenario_hash": meta.get("scenario_hash"), "run_id": meta.get("run_id"),
                    "as_of": meta.get("as_of"),
                    "n_futures": answer.n_futures, "probs": answer.probs,
                    "condition": answer.condition})
    if new:
        old = Path(path).read_text(encoding="utf-8") if Path(path).exists() else ""
        if old and not old.endswith("\n"):
            old += "\n"
        atomic_write_text(path, old + "".join(json.dumps(e, sort_keys=True) + "\n"
                                              for e in new), field="--ledger")
    resolved = {lq.question.id: lq.question.resolution for lq in loaded_all
                if lq.question.resolution is not None}
    scored = []
    for entry in entries:
        resolution = resolved.get(entry["id"])
        if resolution is None or resolution.bin not in entry["probs"]:
            continue
        scored.append({"id": entry["id"], "recorded": entry["recorded"],
                       "scenario_hash": entry.get("scenario_hash"),
                       "resolved_bin": resolution.bin,
                       "brier": qa.brier(entry["probs"], resolution.bin),
                       "log": qa.log_score(entry["probs"], resolution.bin)})
    return {"ledger": str(path), "recorded": [e["id"] for e in new], "scored": scored}
