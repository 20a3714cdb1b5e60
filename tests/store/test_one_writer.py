"""One writer per run: the lock, two concurrent `accord run` into one --out, bad --out."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate
from typer.testing import CliRunner

from accord.cli import app
from accord.experiments import make_design, run_experiments
from accord.spec.errors import ScenarioError
from accord.store.runs import LOCK_FILE, open_run, writer_lock

runner = CliRunner()


def test_a_second_holder_is_refused_at_once_with_the_first_ones_pid(tmp_path):
    with writer_lock(tmp_path):
        with pytest.raises(ScenarioError, match=f"pid {os.getpid()}"):
            with writer_lock(tmp_path):
                pass
        design = make_design(UNCERTAINTIES, LEVERS, 5, seed=1)
        (tmp_path / "r").mkdir()
        with writer_lock(tmp_path / "r"):  # a run's own lock stops a second writer of it
            with pytest.raises(ScenarioError, match="is writing here"):
                run_experiments(
                    toy_simulate, design, seed=1, out_dir=tmp_path, run_id="r", progress=False
                )
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == [LOCK_FILE]
    # released: the same call now works, and a killed holder never leaves a stale lock
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; "
            "f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); "
            "print('locked', flush=True); time.sleep(60)",
            str(tmp_path / "r" / LOCK_FILE),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(ScenarioError, match="another accord run"):
            run_experiments(
                toy_simulate, design, seed=1, out_dir=tmp_path, run_id="r", progress=False
            )
    finally:
        holder.kill()
        holder.wait()
    run = run_experiments(
        toy_simulate, design, seed=1, out_dir=tmp_path, run_id="r", progress=False
    )
    assert run.complete


def _accord_run(out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "accord",
        "run",
        "ukraine-2025",
        "-v",
        "baseline",
        "-n",
        "1500",
        "-s",
        "3",
        "--chunk-size",
        "100",
        "--no-report",
        "--out",
        str(out),
        *extra,
    ]


@pytest.mark.slow
def test_two_concurrent_accord_runs_into_one_out(tmp_path):
    out = tmp_path / "out"
    first = subprocess.Popen(
        _accord_run(out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    lock = out / LOCK_FILE
    while time.monotonic() < deadline and first.poll() is None:
        if lock.exists() and lock.read_text().strip() == str(first.pid):
            break  # the first run holds the lock of --out
        time.sleep(0.005)
    # Pause the first run while the second one starts: on a loaded machine the first could
    # otherwise finish before the second gets going, and there would be nothing to test.
    os.kill(first.pid, signal.SIGSTOP)
    try:
        assert first.poll() is None, "the first run ended before the second could start"
        second = subprocess.run(_accord_run(out), capture_output=True, text=True, timeout=120)
    finally:
        os.kill(first.pid, signal.SIGCONT)
    assert second.returncode == 2, second.stderr
    assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
    assert f"pid {first.pid}" in second.stderr and "is writing here" in second.stderr
    assert second.stdout == ""

    assert first.wait(timeout=300) == 0, first.stderr
    run = open_run(out / "baseline")
    assert run.complete and run.health().problem() is None
    experiments = run.scalars()["experiment"].tolist()
    assert experiments == list(range(1500))
    assert run.query("SELECT count(*) AS n, count(DISTINCT experiment) AS e FROM series").iloc[
        0
    ].tolist() == [1500 * 120, 1500]


@pytest.mark.parametrize("kind", ["file", "missing parent", "file as parent"])
def test_a_bad_out_is_one_line_exit_2_and_writes_nothing(tmp_path, kind):
    target = {
        "file": tmp_path / "a-file",
        "missing parent": tmp_path / "no" / "such",
        "file as parent": tmp_path / "a-file" / "out",
    }[kind]
    (tmp_path / "a-file").write_text("mine")
    before = sorted(tmp_path.rglob("*"))
    result = runner.invoke(
        app, ["run", "ukraine-2025", "-v", "baseline", "-n", "5", "--out", str(target)]
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and str(target) in result.stderr
    assert sorted(tmp_path.rglob("*")) == before and (tmp_path / "a-file").read_text() == "mine"


def test_the_library_refuses_a_bad_out_too(tmp_path):
    design = make_design(UNCERTAINTIES, LEVERS, 5, seed=1)
    (tmp_path / "a-file").write_text("mine")
    for out, message in [
        (tmp_path / "a-file", "not a directory"),
        (tmp_path / "no" / "such", "parent folder does not exist"),
    ]:
        with pytest.raises(ScenarioError, match=message):
            run_experiments(toy_simulate, design, seed=1, out_dir=out, progress=False)
    with pytest.raises(ScenarioError, match="plain folder name"):
        run_experiments(
            toy_simulate, design, seed=1, out_dir=tmp_path, run_id="../x", progress=False
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.parametrize("seed", [-1, 2**63, True, 1.5])
def test_a_seed_out_of_range_is_refused_before_anything_is_written(tmp_path, seed):
    design = make_design(UNCERTAINTIES, LEVERS, 5, seed=1)
    with pytest.raises(ScenarioError, match="seed"):
        run_experiments(toy_simulate, design, seed=seed, out_dir=tmp_path / "out", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_the_store_imports_where_there_is_no_fcntl():
    """Windows has no fcntl: the store's modules must import without it (filelock locks)."""
    code = (
        "import sys\nsys.modules['fcntl'] = None\n"
        "import accord.store.runs, accord.store.lock, accord.experiments.runner\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
