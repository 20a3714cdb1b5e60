"""The report's "as of" section: both dates side by side, matching `accord update` + `ask`."""

from __future__ import annotations

from pathlib import Path

import pytest

import accord
from accord.report.as_of import reliability_table
from accord.workflows.questions import update

SHIPPED = Path(accord.__file__).parent / "scenarios" / "ukraine-2025"


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    out = tmp_path_factory.mktemp("asof") / "run"
    return accord.simulate("ukraine-2025", "baseline", experiments=120, seed=5, out=out)


def test_the_as_of_answers_are_those_of_the_updated_run(study, tmp_path):
    answers = study.as_of_answers()
    assert answers is not None and answers["as_of"] == "2026-01-01"
    assert answers["seed_date"] == "2025-03-01"
    summary = update(study, SHIPPED / "observations.yaml", tmp_path / "updated")
    assert answers["ess"] == summary["ess"]
    question = SHIPPED / "questions" / "open-ceasefire-before-2027.yaml"
    seed_answer = accord.ask(study, question=question).probs
    now_answer = accord.ask(accord.open(tmp_path / "updated"), question=question).probs
    rows = {r["bin"]: r for r in answers["rows"] if r["id"] == "open-ceasefire-before-2027"}
    for label, p in seed_answer.items():
        assert rows[label]["seed_date"] == pytest.approx(p)
        assert rows[label]["as_of"] == pytest.approx(now_answer[label])


def test_the_report_shows_both_dates_and_the_reliability_diagram(study, tmp_path):
    html = study.report(tmp_path / "report.html").read_text()
    section = html[html.index('<section id="as-of">') :]
    section = section[: section.index("</section>")]
    assert "As of 2025-03-01" in section and "As of 2026-01-01" in section
    assert "Scorecard" in section and "data:image/png;base64" in section


def test_reliability_table_by_hand():
    points = [(0.05, 0.0), (0.15, 1.0), (0.9, 1.0), (0.95, 0.0), (0.5, 1.0)]
    rows = reliability_table(points, bins=5)
    assert rows == [
        {"forecast": pytest.approx(0.10), "observed": 0.5, "n": 2},
        {"forecast": 0.5, "observed": 1.0, "n": 1},
        {"forecast": pytest.approx(0.925), "observed": 0.5, "n": 2},
    ]
    assert reliability_table([]) == []
