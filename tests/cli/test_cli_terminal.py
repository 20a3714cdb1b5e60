"""Output that fits the terminal: rich's own width, `--version`, paths relative to the
working directory."""

import json
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import accord
from accord.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate  # noqa: E402

from accord.experiments import make_design, run_experiments  # noqa: E402

runner = CliRunner()


@pytest.fixture(scope="module")
def toy_runs(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("runs")
    stored = []
    for force in (0.0, 0.2):
        design = make_design(UNCERTAINTIES, LEVERS, 20, seed=4, fixed_levers={"force": force})
        stored.append(
            run_experiments(
                toy_simulate,
                design,
                seed=4,
                out_dir=out_dir,
                meta={"scenario": "toy", "variant": f"force-{force}"},
                progress=False,
            )
        )
    return out_dir, stored


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"accord {accord.__version__}"


@pytest.mark.parametrize("columns", [80, 100])
def test_compare_and_runs_fit_the_terminal(toy_runs, columns):
    out_dir, (a, b) = toy_runs
    env = {"COLUMNS": str(columns)}
    for args in (["compare", str(a.path), str(b.path)], ["runs", str(out_dir)]):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
        widths = [len(line) for line in result.stdout.splitlines()]
        assert widths and max(widths) <= columns, (args, max(widths))


def test_burden_fits_the_terminal():
    result = runner.invoke(app, ["burden", "equilibrium", "--draws", "20"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 100


def test_runs_prints_paths_relative_to_the_working_directory(toy_runs, monkeypatch):
    out_dir, stored = toy_runs
    monkeypatch.chdir(out_dir.parent)
    result = runner.invoke(app, ["runs", out_dir.name, "--format", "json"])
    assert result.exit_code == 0, result.output
    paths = sorted(row["path"] for row in json.loads(result.stdout))
    expected = sorted(os.path.relpath(run.path, out_dir.parent) for run in stored)
    assert paths == expected and not any(os.path.isabs(p) for p in paths)
