"""Faces that behave: no file unless asked, figure format from the suffix, nothing written on
bad input (a FIFO stays a FIFO), seeds checked first, `burden` takes a scenario, `accord runs`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli import app

runner = CliRunner()
KTAB_3DIM = str(
    Path(__file__).resolve().parents[1] / "validation" / "data" / "ktab_smp" / "dummyData_3Dim.csv"
)


def _accord(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)},
    )


def test_forecast_leaves_the_current_directory_as_it_was(tmp_path: Path) -> None:
    done = _accord("forecast", KTAB_3DIM, "--model", "smp", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["models"]["smp"]["rounds_run"] >= 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")]
)
def test_figure_format_follows_the_suffix(tmp_path: Path, suffix: str, magic: bytes) -> None:
    target = tmp_path / f"forecast{suffix}"
    result = runner.invoke(app, ["forecast", KTAB_3DIM, "-m", "median", "--figure", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(magic)
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_figure_into_a_fifo_is_refused_and_the_fifo_stays(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    done = _accord("forecast", KTAB_3DIM, "--model", "median", "--figure", str(fifo), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "not a regular file" in done.stderr
    assert "Traceback" not in done.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.png"]  # no temporary left


@pytest.mark.parametrize("name", ["figure.txt", "figure", "missing/figure.png"])
def test_bad_figure_targets_are_refused_before_anything_runs(tmp_path: Path, name: str) -> None:
    result = runner.invoke(
        app, ["forecast", KTAB_3DIM, "-m", "median", "--figure", str(tmp_path / name)]
    )
    assert result.exit_code == 2
    assert result.output.startswith("error:") and result.output.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("seed", ["-1", str(2**63), str(2**64 + 5)])
def test_bad_seeds_exit_2_in_one_line_and_write_nothing(tmp_path: Path, seed: str) -> None:
    out = tmp_path / "out"
    for args in (
        ["forecast", "ukraine-2025", "-m", "median", "--seed", seed],
        ["run", "ukraine-2025", "-n", "2", "--seed", seed, "--out", str(out)],
        ["burden", "aid", "--draws", "2", "--seed", seed],
        ["burden", "equilibrium", "--draws", "2", "--seed", seed],
    ):
        done = _accord(*args, cwd=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("error:") and done.stderr.count("\n") == 1, done.stderr
        assert "seed" in done.stderr
        assert list(tmp_path.iterdir()) == [], args


def test_burden_takes_a_scenario_like_the_other_commands(tmp_path: Path) -> None:
    shipped = runner.invoke(app, ["burden", "aid", "ukraine-2025", "--draws", "20", "-f", "json"])
    assert shipped.exit_code == 0, shipped.output
    folder = runner.invoke(
        app,
        [
            "burden",
            "aid",
            str(
                Path(__file__).resolve().parents[2]
                / "src"
                / "accord"
                / "scenarios"
                / "ukraine-2025"
            ),
            "--draws",
            "20",
            "-f",
            "json",
        ],
    )
    assert folder.exit_code == 0, folder.output
    assert json.loads(shipped.stdout)["rows"] == json.loads(folder.stdout)["rows"]
    ktab = runner.invoke(app, ["burden", "equilibrium", KTAB_3DIM])
    assert ktab.exit_code == 2 and "no burden section" in ktab.output


def test_accord_runs_lists_the_catalogue(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    out.mkdir()
    done = runner.invoke(
        app,
        [
            "run",
            "ukraine-2025",
            "-v",
            "baseline",
            "-n",
            "3",
            "--seed",
            "4",
            "--out",
            str(out / "ukraine-2025"),
            "--no-report",
        ],
    )
    assert done.exit_code == 0, done.output
    listed = runner.invoke(app, ["runs", str(out), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [(r["variant"], r["seed"], r["n_experiments"], r["status"]) for r in rows] == [
        ("baseline", 4, 3, "complete")
    ]
    missing = runner.invoke(app, ["runs", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "no such directory" in missing.output
