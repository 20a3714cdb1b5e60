"""Progress of long jobs (accord.spec.progress): off a terminal, a plain line on stderr about
every 10 s (or every N steps) with an ETA; stdout stays clean. The clock is injected, and
ACCORD_PROGRESS_SECONDS=0 makes every step print, so no test sleeps."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.spec.progress import INTERVAL_ENV, Progress, duration

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate, two_variant_runs  # noqa: E402

runner = CliRunner()


class Clock:
    def __init__(self, *times: float) -> None:
        self.times = list(times)

    def __call__(self) -> float:
        return self.times.pop(0)


def test_off_a_terminal_a_line_about_every_interval_with_the_eta(capsys) -> None:
    # start at 0; steps at 4, 11 (a line: 11 s since the last), 15, 22 (a line)
    clock = Clock(0, 4, 11, 15, 22)
    with Progress("job", 10, unit="chunks", interval=10, clock=clock) as shown:
        for _ in range(4):
            shown.advance()
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    # 2 of 10 done after 11 s: 5.5 s a step, 8 to go -> 44 s; 4 done after 22 s -> 33 s
    assert lines == [
        "job: chunks 2 of 10, 11 s elapsed, ETA 44 s",
        "job: chunks 4 of 10, 22 s elapsed, ETA 33 s",
    ]


def test_every_n_steps_and_a_resumed_job_counts_only_its_own_steps() -> None:
    lines: list[str] = []
    clock = Clock(0, 1, 2, 3, 4)
    # resumed at 6 of 10: the ETA is from the steps this job made (4 left, 1 s a step)
    shown = Progress("run", 10, completed=6, every=2, interval=1e9, write=lines.append, clock=clock)
    with shown:
        for _ in range(4):
            shown.advance(1, "doing")
    assert lines == [
        "run: steps 8 of 10, doing, 2 s elapsed, ETA 2 s",
        "run: steps 10 of 10, doing, 4 s elapsed, ETA 0 s",
    ]


def test_the_interval_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(INTERVAL_ENV, "0")
    assert Progress("x", 1).interval == 0
    monkeypatch.setenv(INTERVAL_ENV, "not a number")
    assert Progress("x", 1).interval == 10


def test_disabled_and_unknown_totals(capsys) -> None:
    with Progress("quiet", 3, enabled=False, interval=0) as shown:
        shown.advance()
    lines: list[str] = []
    with Progress("open", None, interval=0, write=lines.append, clock=Clock(0, 5)) as shown:
        shown.advance()
    assert capsys.readouterr().err == ""
    assert lines == ["open: steps 1, 5 s elapsed, ETA unknown"]


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.4, "0 s"), (59, "59 s"), (65, "1 min 05 s"), (3720, "1 h 02 min")]
)
def test_durations(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_a_run_off_a_terminal_prints_lines_with_an_eta(tmp_path, monkeypatch, capsys) -> None:
    from accord.experiments import make_design, run_experiments

    monkeypatch.setenv(INTERVAL_ENV, "0")
    design = make_design(UNCERTAINTIES, LEVERS, 20, seed=4)
    run_experiments(
        toy_simulate, design, seed=4, out_dir=tmp_path, chunk_size=5, meta={"scenario": "toy"}
    )
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = [line for line in captured.err.splitlines() if "experiments" in line]
    n = len(design)  # the levers crossed with the 20 points
    assert len(lines) == n // 5 and lines[-1].startswith("toy-")  # a line per chunk
    assert f" experiments {n} of {n}, " in lines[-1]
    assert all(", ETA " in line for line in lines)


def test_the_forecast_progress_leaves_json_on_stdout_parseable(monkeypatch) -> None:
    from accord.cli import app

    monkeypatch.setenv(INTERVAL_ENV, "0")
    done = runner.invoke(
        app, ["forecast", "bdm-1994-emissions", "-m", "median,nash", "-b", "40", "-f", "json"]
    )
    assert done.exit_code == 0, done.output
    assert set(json.loads(done.stdout)["models"]) == {"median", "nash"}
    lines = done.stderr.splitlines()
    for model in ("median", "nash"):
        mine = [line for line in lines if line.startswith(f"forecast {model}: draws ")]
        assert mine and all(", ETA " in line for line in mine), lines
        assert mine[-1].startswith(f"forecast {model}: draws 40 of 40, ")


def test_the_report_step_says_what_it_is_doing(tmp_path, monkeypatch, capsys) -> None:
    from accord.workflows.study import open_study

    two_variant_runs(tmp_path)
    monkeypatch.setenv(INTERVAL_ENV, "0")
    open_study(tmp_path).report(tmp_path / "report.html", progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert any(line.startswith("report: sections 1 of 11, war end done, ") for line in lines)
    assert lines[-1].startswith("report: sections 11 of 11, page rendered, ")
    assert all(line.startswith("report: ") and ", ETA " in line for line in lines)
    assert (tmp_path / "report.html").stat().st_size > 0
