"""``accord run``: variants into their own run directories, a report, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.store.runs import open_run

runner = CliRunner()


def _invoke(*args: str):
    return runner.invoke(app, ["run", *args])


@pytest.mark.slow
def test_two_variants_end_to_end_with_report_and_resume(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    args = (
        "ukraine-2025",
        "--variant",
        "baseline",
        "--variant",
        "coalition-of-the-willing",
        "--experiments",
        "12",
        "--seed",
        "5",
        "--chunk-size",
        "5",
        "--out",
        str(out),
    )
    result = _invoke(*args)
    assert result.exit_code == 0, result.output
    report = out / "report.html"
    assert report.is_file()
    html = report.read_text(encoding="utf-8")
    assert "baseline" in html and "coalition-of-the-willing" in html
    assert "data:image/png;base64," in html
    baseline = open_run(out / "baseline")
    coalition = open_run(out / "coalition-of-the-willing")
    assert len(baseline.scalars()) == 12
    assert len(coalition.scalars()) == 24  # the variant crosses the US backstop lever
    assert len(baseline.series()) == 12 * 120
    assert baseline.meta["variant"] == "baseline"
    assert baseline.meta["scenario"] == "ukraine-2025"
    first = baseline.scalars().sort_values("experiment").reset_index(drop=True)

    again = _invoke(
        *args[:5],
        "--experiments",
        "12",
        "--seed",
        "5",
        "--chunk-size",
        "5",
        "--out",
        str(out),
        "--no-report",
    )
    assert again.exit_code == 0, again.output
    second = open_run(out / "baseline").scalars().sort_values("experiment").reset_index(drop=True)
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_chunk_size_and_executor_do_not_change_results(tmp_path: Path) -> None:
    common = ("ukraine-2025", "-v", "normalization", "-n", "6", "-s", "9", "--no-report")
    one = _invoke(*common, "--chunk-size", "6", "--out", str(tmp_path / "a"))
    two = _invoke(
        *common, "--chunk-size", "2", "--executor", "processes", "--out", str(tmp_path / "b")
    )
    assert one.exit_code == 0 and two.exit_code == 0, one.output + two.output
    a = open_run(tmp_path / "a" / "normalization").series().sort_values(["experiment", "month"])
    b = open_run(tmp_path / "b" / "normalization").series().sort_values(["experiment", "month"])
    pd.testing.assert_frame_equal(
        a.reset_index(drop=True), b.reset_index(drop=True), check_exact=True
    )


def test_unknown_variant_is_one_line_exit_2(tmp_path: Path) -> None:
    result = _invoke("ukraine-2025", "--variant", "no-such", "--out", str(tmp_path))
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and "no-such" in lines[0]


def test_missing_scenario_and_scenario_without_simulation(tmp_path: Path) -> None:
    result = _invoke(str(tmp_path / "nothing.yaml"), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert len([x for x in result.output.splitlines() if x.strip()]) == 1
    result = _invoke("bdm-1994-emissions", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "simulation" in result.output


def test_other_settings_on_the_same_run_are_refused_in_one_line(tmp_path: Path) -> None:
    common = ("ukraine-2025", "-v", "baseline", "--no-report", "--out", str(tmp_path))
    assert _invoke(*common, "-n", "3").exit_code == 0
    refused = _invoke(*common, "-n", "4")
    assert refused.exit_code == 2
    lines = [line for line in refused.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "different run" in lines[0]
    assert _invoke(*common, "-n", "4", "--overwrite").exit_code == 0
    assert len(open_run(tmp_path / "baseline").scalars()) == 4


def test_usage_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    """Bad option values through the installed entry point: one error line (click's, or
    accord's for an unknown model), exit 2."""
    import subprocess
    import sys

    for args in (
        ["run", "ukraine-2025", "--experiments", "-5", "--out", str(tmp_path)],
        ["forecast", "ukraine-2025", "--model", "nope"],
        ["forecast"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "accord", *args], capture_output=True, text=True
        )
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr, (args, done.stderr)
        assert "error:" in done.stderr.lower(), (args, done.stderr)
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_accord_run_killed_with_sigkill_resumes_with_the_same_command(tmp_path: Path) -> None:
    """The README's kind of command, SIGKILLed mid-run and started again, ends exactly once."""
    import os
    import signal
    import subprocess
    import sys
    import time

    def command(out: Path) -> list[str]:
        return [
            sys.executable,
            "-m",
            "accord",
            "run",
            "ukraine-2025",
            "-v",
            "baseline",
            "-n",
            "20000",
            "-s",
            "11",
            "--chunk-size",
            "500",
            "--no-report",
            "--out",
            str(out),
        ]

    out = tmp_path / "killed"
    process = subprocess.Popen(
        command(out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if len(list(out.glob("baseline/scalars/part-*.parquet"))) >= 2:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the run finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    killed = open_run(out / "baseline")
    assert killed.meta["status"] == "running" and len(killed.chunks()) < killed.meta["n_chunks"]

    assert subprocess.run(command(out), capture_output=True).returncode == 0
    resumed = open_run(out / "baseline")
    assert resumed.complete
    scalars = resumed.scalars().sort_values("experiment").reset_index(drop=True)
    assert scalars["experiment"].tolist() == list(range(20000))

    assert subprocess.run(command(tmp_path / "clean"), capture_output=True).returncode == 0
    clean = open_run(tmp_path / "clean" / "baseline").scalars()
    pd.testing.assert_frame_equal(
        scalars, clean.sort_values("experiment").reset_index(drop=True), check_exact=True
    )


def test_a_rerun_of_complete_runs_says_already_complete_and_keeps_the_report(
    tmp_path: Path,
) -> None:
    out = tmp_path / "runs"
    args = (
        "ukraine-2025",
        "--variant",
        "baseline",
        "--experiments",
        "8",
        "--seed",
        "5",
        "--out",
        str(out),
    )
    first = _invoke(*args)
    assert first.exit_code == 0, first.output
    assert "already complete" not in first.stderr
    report = out / "report.html"
    written = report.stat().st_mtime_ns
    again = _invoke(*args)
    assert again.exit_code == 0, again.output
    assert "baseline: already complete (8 experiments), nothing to run" in again.stderr
    assert "report: already complete" in again.stderr
    assert report.stat().st_mtime_ns == written  # not written again
    forced = _invoke(*args, "--force")
    assert forced.exit_code == 0 and "report: writing" in forced.stderr
    assert report.stat().st_mtime_ns > written
