"""`accord ask` and `accord score` on a small stored run, and the shipped questions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import accord
from accord.analysis import questions as qa
from accord.cli import app

runner = CliRunner()
QUESTIONS = Path(accord.__file__).parent / "scenarios" / "ukraine-2025" / "questions"


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("ask") / "run"
    accord.simulate("ukraine-2025", "baseline", experiments=120, seed=3, out=out)
    return out


def _json(argv):
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ask_an_event_gives_the_share_of_all_futures(small_run):
    answer = _json(
        ["ask", str(small_run), "--event", "ceasefire_month before 2026-01-01", "--format", "json"]
    )
    assert set(answer) == {"event", "n_futures", "condition", "bins"}
    assert answer["condition"] is None
    months = accord.open(small_run).scalars()["ceasefire_month"].to_numpy()
    expected = float(np.mean(np.nan_to_num(months, nan=np.inf) < 10))  # NaN: never
    yes = answer["bins"][0]
    assert yes["bin"] == "yes"
    assert yes["p"] == pytest.approx(expected)
    assert yes["low"] <= yes["p"] <= yes["high"]
    assert answer["n_futures"] == len(months)


def test_ask_a_conditional_event_states_the_condition(small_run):
    answer = _json(
        ["ask", str(small_run), "--event", "peace lasts 90 days given ceasefire", "-f", "json"]
    )
    condition = answer["condition"]
    months = accord.open(small_run).scalars()["ceasefire_month"].to_numpy()
    # observable 90 days before the horizon ends (2035-03-01): up to month 117 (2034-12-01,
    # + 90 days = 2035-03-01)
    assert condition["p"] == pytest.approx(np.mean(~np.isnan(months) & (months <= 117)))
    result = runner.invoke(
        app, ["ask", str(small_run), "--event", "peace lasts 90 days given ceasefire"]
    )
    assert "given:" in result.stdout


def test_score_the_shipped_questions(small_run):
    result = _json(["score", str(QUESTIONS), str(small_run), "--format", "json"])
    assert set(result) == {"questions", "mean_brier"}
    ids = [row["id"] for row in result["questions"]]
    assert "ceasefire-before-2026" in ids
    assert "ceasefire-lasts-90-days" not in ids  # annulled: no resolution, not scored
    for row in result["questions"]:
        probs = row["accord"]["probs"]
        assert sum(probs.values()) == pytest.approx(1)
        assert row["accord"]["brier"] == pytest.approx(qa.brier(probs, row["resolved_bin"]))
        for crowd in row["crowd"]:
            assert set(crowd) == {"source", "date", "brier", "log"}
    assert set(result["mean_brier"]) >= {"accord", "Polymarket", "Metaculus", "RFI", "Glimt"}
    table = runner.invoke(app, ["score", str(QUESTIONS), str(small_run)])
    assert table.exit_code == 0 and "mean Brier" in table.stdout


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--event", "peace_month before 2026-01-01"], "unknown outcome"),
        (["--event", "ceasefire_month before 2024-06-01"], "before the run's start"),
        ([], "exactly one of"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(small_run, argv, message):
    result = runner.invoke(app, ["ask", str(small_run), *argv])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_a_crowd_forecast_not_summing_to_one_exits_2(small_run, tmp_path):
    source = (QUESTIONS / "ceasefire-before-2026.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(source.replace('{"yes": 0.06, "no": 0.94}', '{"yes": 0.06, "no": 0.84}'))
    result = runner.invoke(app, ["score", str(bad), str(small_run)])
    assert result.exit_code == 2
    assert "do not sum to 1" in result.stderr and "bad.yaml:" in result.stderr
    assert list(tmp_path.iterdir()) == [bad]  # nothing written


OBSERVED = """\
as_of: 2026-01-01
observations:
  - {id: none-2025, event: ceasefire_month before 2026-01-01, observed: no, source: s,
     date: 2026-01-01}
"""


def test_update_keeps_exactly_the_futures_that_agree_and_answers_follow(small_run, tmp_path):
    observed = tmp_path / "observed.yaml"
    observed.write_text(OBSERVED)
    out = tmp_path / "updated"
    result = _json(
        [
            "update",
            str(small_run),
            "--observed",
            str(observed),
            "--out",
            str(out),
            "--format",
            "json",
        ]
    )
    months = accord.open(small_run).scalars()["ceasefire_month"].to_numpy()
    never_2025 = np.isnan(months) | (months >= 10)
    assert result["ess"] == int(never_2025.sum()) and result["n_futures"] == len(months)
    updated = accord.open(out)
    assert updated.run().meta["as_of"] == "2026-01-01"
    kept = updated.scalars()["ceasefire_month"].to_numpy()
    assert not np.any(kept < 10)  # no future contradicts the observation
    # The exact answer: among the parent's futures without a 2025 ceasefire, the share with
    # one in 2026 (months 10..21).
    in_2026 = int(np.sum((months >= 10) & (months < 22)))
    answer = _json(["ask", str(out), "--event", "ceasefire_month before 2027-01-01", "-f", "json"])
    assert answer["bins"][0]["p"] == pytest.approx(in_2026 / never_2025.sum())
    assert len(updated.series()["experiment"].unique()) == result["ess"]


def test_update_refuses_observations_no_future_satisfies(small_run, tmp_path):
    observed = tmp_path / "observed.yaml"
    observed.write_text(
        OBSERVED
        + """\
  - {id: contradiction, event: ceasefire_month before 2026-01-01, observed: yes, source: s,
     date: 2026-01-01}
"""
    )
    out = tmp_path / "updated"
    result = runner.invoke(
        app, ["update", str(small_run), "--observed", str(observed), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "ESS 0" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["observed.yaml"]  # nothing written


def test_the_shipped_observations_load_and_condition(small_run, tmp_path):
    shipped = QUESTIONS.parent / "observations.yaml"
    result = _json(
        [
            "update",
            str(small_run),
            "--observed",
            str(shipped),
            "--out",
            str(tmp_path / "u"),
            "-f",
            "json",
        ]
    )
    assert 0 < result["ess"] <= result["n_futures"]


OPEN = """\
id: open-q
title: Ceasefire before 2030?
opened: 2025-03-01
closes: 2030-01-01
event: ceasefire_month before 2030-01-01
"""


def test_the_ledger_records_open_answers_once_and_only_appends(small_run, tmp_path):
    questions = tmp_path / "questions"
    questions.mkdir()
    (questions / "open.yaml").write_text(OPEN)
    book = tmp_path / "ledger.jsonl"
    earlier = '{"id": "old", "probs": {"yes": 1.0, "no": 0.0}, "recorded": "2025-01-01"}\n'
    book.write_text(earlier)
    first = _json(["score", str(questions), str(small_run), "--ledger", str(book), "-f", "json"])
    assert first["ledger"]["recorded"] == ["open-q"]
    text = book.read_text()
    assert text.startswith(earlier)  # append-only
    entry = json.loads(text.splitlines()[1])
    months = accord.open(small_run).scalars()["ceasefire_month"].to_numpy()
    assert entry["probs"]["yes"] == pytest.approx(np.mean(np.nan_to_num(months, nan=999) < 58))
    again = _json(["score", str(questions), str(small_run), "--ledger", str(book), "-f", "json"])
    assert again["ledger"]["recorded"] == [] and book.read_text() == text


def test_a_resolved_ledger_entry_is_scored_from_its_recorded_probabilities(small_run, tmp_path):
    questions = tmp_path / "questions"
    questions.mkdir()
    (questions / "open.yaml").write_text(
        OPEN + "resolution: {bin: no, source: s, date: 2030-01-01}\n"
    )
    book = tmp_path / "ledger.jsonl"
    book.write_text(
        '{"id": "open-q", "probs": {"yes": 0.3, "no": 0.7}, '
        '"recorded": "2026-01-01", "scenario_hash": "x"}\n'
    )
    result = _json(["score", str(questions), str(small_run), "--ledger", str(book), "-f", "json"])
    (scored,) = result["ledger"]["scored"]
    assert scored["brier"] == pytest.approx(0.18)  # 0.3^2 + 0.3^2, not the run's answer
    assert scored["log"] == pytest.approx(-np.log(0.7))


def test_an_as_of_run_scored_on_questions_it_saw_resolve_is_marked_hindsight(small_run, tmp_path):
    observed = tmp_path / "observed.yaml"
    observed.write_text(OBSERVED)
    out = tmp_path / "updated"
    runner.invoke(app, ["update", str(small_run), "--observed", str(observed), "--out", str(out)])
    result = _json(["score", str(QUESTIONS), str(out), "-f", "json"])
    assert all(row.get("hindsight") for row in result["questions"])
    assert result["mean_brier"]["accord"] is None


def test_a_series_observation_keeps_the_futures_whose_window_sum_agrees(small_run, tmp_path):
    observed = tmp_path / "observed.yaml"
    observed.write_text("""\
as_of: 2026-01-01
observations:
  - {id: eu, series: aid_europe, from: 2025-03-01, before: 2026-01-01, value: 55.0,
     tolerance: 5.0, source: s, date: 2026-01-01}
""")
    out = tmp_path / "updated"
    result = _json(
        ["update", str(small_run), "--observed", str(observed), "--out", str(out), "-f", "json"]
    )
    series = accord.open(small_run).series()
    sums = series[series["month"] < 10].groupby("experiment")["aid_europe"].sum()
    expected = set(sums.index[(sums - 55.0).abs() <= 5.0])
    assert result["ess"] == len(expected)
    assert set(accord.open(out).scalars()["experiment"]) == expected


def test_update_rerun_draws_fresh_futures_from_the_kept_parameter_rows(small_run, tmp_path):
    observed = tmp_path / "observed.yaml"
    observed.write_text(OBSERVED)
    outs = [tmp_path / "a", tmp_path / "b"]
    results = [
        _json(
            [
                "update",
                str(small_run),
                "--observed",
                str(observed),
                "--out",
                str(out),
                "--rerun",
                "--experiments",
                "60",
                "--seed",
                "11",
                "-f",
                "json",
            ]
        )
        for out in outs
    ]
    assert results[0]["rerun"] == {"seed": 11, "n_experiments": 60, "ess": results[0]["ess"]}
    updated = accord.open(outs[0])
    kept = updated.scalars()["ceasefire_month"].to_numpy()
    assert len(kept) == results[0]["ess"] and not np.any(kept < 10)
    # Every fresh row's parameters are those of a future the first rejection kept.
    parent = accord.open(small_run)
    months = parent.scalars().set_index("experiment")["ceasefire_month"]
    design = parent.design().set_index("experiment")
    inputs = [c for c in design.columns if c != "variant"]
    kept_rows = {
        tuple(row)
        for row in design.loc[months.index[~(months < 10)], inputs].itertuples(index=False)
    }
    fresh = updated.design()[inputs]
    assert all(tuple(row) in kept_rows for row in fresh.itertuples(index=False))
    assert updated.run().meta["updated_from"]["rerun"]["seed"] == 11
    # Same seed, same futures.
    again = accord.open(outs[1]).scalars()
    assert again.equals(updated.scalars())


def test_update_options_of_a_rerun_need_rerun(small_run, tmp_path):
    result = runner.invoke(
        app,
        [
            "update",
            str(small_run),
            "--observed",
            "x.yaml",
            "--out",
            str(tmp_path / "u"),
            "--seed",
            "3",
        ],
    )
    assert result.exit_code == 2 and "need --rerun" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_ask_a_series_at_a_date_matches_the_series_by_hand(small_run):
    series = accord.open(small_run).series()
    month = 12  # 2026-03-01 is month 12 from the 2025-03-01 start
    values = series[series["month"] == month].set_index("experiment")["aid_europe"]
    threshold = float(np.median(values))
    answer = _json(
        [
            "ask",
            str(small_run),
            "--event",
            f"aid_europe above {threshold} at 2026-03-01",
            "-f",
            "json",
        ]
    )
    assert answer["n_futures"] == len(values)
    assert answer["bins"][0]["p"] == pytest.approx(float(np.mean(values > threshold)))


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("aid_europe above 1 at 2040-01-01", "after the run's horizon"),
        ("no_such_series above 1 at 2026-01-01", "unknown series"),
        ("aid_europe above 1 at 2024-01-01", "before the run's start"),
    ],
)
def test_a_bad_series_event_is_one_line(small_run, event, message):
    result = runner.invoke(app, ["ask", str(small_run), "--event", event])
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_rerun_over_the_cap_is_refused_with_its_estimate(small_run, tmp_path):
    observed = tmp_path / "observed.yaml"
    observed.write_text(OBSERVED)
    result = runner.invoke(
        app,
        [
            "update",
            str(small_run),
            "--observed",
            str(observed),
            "--out",
            str(tmp_path / "u"),
            "--rerun",
            "--experiments",
            "100000000",
        ],
    )
    assert result.exit_code == 2
    assert "job too large: rerun of 100000000 fresh futures" in result.stderr
    assert "--force" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["observed.yaml"]  # nothing written
