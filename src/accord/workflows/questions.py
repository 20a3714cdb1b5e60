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
from accord.errors import ScenarioError


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
    loaded_all = qa.load_questions(questions)
    scalars, start, horizon = _run_and_calendar(run, variant)
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
        totals["accord"].append(entry["accord"]["brier"])
        for crowd in q.crowd:
            b = qa.brier(crowd.probs, resolved)
            entry["crowd"].append({"source": crowd.source, "date": crowd.date.isoformat(),
                                   "brier": b, "log": qa.log_score(crowd.probs, resolved)})
            totals.setdefault(crowd.source, []).append(b)
        rows.append(entry)
    mean = {source: (sum(v) / len(v) if v else None) for source, v in totals.items()}
    return {"questions": rows, "mean_brier": mean}
