"""`accord query` and `accord compare` on stored runs of a toy model."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from accord.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate  # noqa: E402

from accord.experiments import make_design, run_experiments  # noqa: E402

runner = CliRunner()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("runs")
    stored = {}
    for force in (0.0, 0.2):
        design = make_design(UNCERTAINTIES, LEVERS, 30, seed=4, fixed_levers={"force": force})
        stored[force] = run_experiments(
            toy_simulate,
            design,
            seed=4,
            out_dir=out_dir,
            meta={"scenario": "toy", "variant": f"force-{force}"},
            progress=False,
        )
    return stored


def test_query_formats(runs):
    run = runs[0.0]
    sql = "SELECT experiment, crossed FROM scalars ORDER BY experiment LIMIT 5"
    expected = run.scalars()[["experiment", "crossed"]].head(5)
    as_csv = runner.invoke(app, ["query", str(run.path), sql, "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    pd.testing.assert_frame_equal(
        pd.read_csv(io.StringIO(as_csv.stdout)), expected, check_dtype=False
    )
    as_json = runner.invoke(app, ["query", str(run.path), sql, "-f", "json"])
    assert json.loads(as_json.stdout) == expected.to_dict("records")
    as_table = runner.invoke(app, ["query", str(run.path), "SELECT count(*) AS n FROM series"])
    assert as_table.exit_code == 0 and "360" in as_table.stdout


def test_query_errors_are_one_line_and_exit_2(runs, tmp_path):
    bad_sql = runner.invoke(app, ["query", str(runs[0.0].path), "SELECT nope FROM scalars"])
    assert bad_sql.exit_code == 2
    assert bad_sql.stderr.count("\n") == 1 and "query failed" in bad_sql.stderr
    bad_dir = runner.invoke(app, ["query", str(tmp_path), "SELECT 1"])
    assert bad_dir.exit_code == 2 and "not an accord run directory" in bad_dir.stderr
    # the installed entry point too (accord.cli.main)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from accord.cli import main; main()",
            "query",
            str(tmp_path),
            "SELECT 1",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1


def test_compare_reports_every_outcome(runs):
    a, b = str(runs[0.2].path), str(runs[0.0].path)
    result = runner.invoke(app, ["compare", a, b, "--bootstrap", "300", "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table.columns) == [
        "outcome",
        "statistic",
        "n_a",
        "n_b",
        "mean_a",
        "mean_b",
        "difference",
        "ci_low",
        "ci_high",
    ]
    assert set(table["outcome"]) == {"end_value", "crossing_month", "crossed"}
    end = table.set_index("outcome").loc["end_value"]
    assert end["mean_a"] == pytest.approx(runs[0.2].scalars()["end_value"].mean())
    assert end["difference"] == pytest.approx(2.4)

    only = runner.invoke(
        app,
        [
            "compare",
            a,
            b,
            "--outcomes",
            "crossed,end_value",
            "--bootstrap",
            "200",
            "--independent",
            "-f",
            "json",
        ],
    )
    rows = json.loads(only.stdout)
    assert {row["outcome"] for row in rows} == {"crossed", "end_value"}
    shown = runner.invoke(app, ["compare", a, b, "--bootstrap", "200"])
    assert shown.exit_code == 0 and "paired" in shown.stdout and "end_value" in shown.stdout


def test_compare_errors_exit_2(runs, tmp_path):
    a = str(runs[0.0].path)
    unknown = runner.invoke(app, ["compare", a, a, "--outcomes", "nope"])
    assert unknown.exit_code == 2 and "unknown outcome" in unknown.stderr
    missing = runner.invoke(app, ["compare", a, str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "not an accord run directory" in missing.stderr


def test_a_probability_prints_the_same_on_every_face(runs):
    """The CLI's comparison table, the report and the dashboard print one probability alike
    (one formatter, accord.analysis.formatting)."""
    from accord.analysis.compare import compare_runs
    from accord.analysis.formatting import probability
    from accord.cli.ask import _pct
    from accord.dashboard.app import fmt as dashboard_fmt
    from accord.report.html import fmt as report_fmt

    a, b = runs[0.2], runs[0.0]
    table = compare_runs(a, b, n_bootstrap=200, seed=0)
    row = table[table["outcome"] == "crossed"].iloc[0]
    assert row["statistic"] == "probability"
    value = float(row["mean_a"])
    assert 0.0 < value < 1.0 and round(100 * value, 1) != round(100 * value)  # not whole
    shown = runner.invoke(
        app,
        ["compare", str(a.path), str(b.path), "--outcomes", "crossed", "--bootstrap", "200"],
        env={"COLUMNS": "250"},
    )
    assert shown.exit_code == 0, shown.output
    cli_row = next(line for line in shown.stdout.splitlines() if "crossed" in line)
    texts = {
        "report": report_fmt(value, "probability"),
        "dashboard": dashboard_fmt(value, "probability"),
        "ask": _pct(value),
        "sentence": probability(value),
    }
    assert len(set(texts.values())) == 1, texts
    assert texts["report"] in cli_row, (cli_row, texts)
    assert f"{value:.4g}" not in cli_row  # no longer the raw share


def test_the_fit_table_prints_probabilities_as_the_other_faces(capsys):
    from accord.analysis.formatting import fmt, probability
    from accord.cli.fit import _print_table

    rows = {
        "model": "m",
        "description": "d",
        "method": "x",
        "library": "y",
        "interval": "95 %",
        "statistics": {},
        "notes": [],
        "data": {"n": 10, "source": "s"},
        "estimates": [
            {"name": "p", "value": 0.6183, "low": 0.5512, "high": 0.7034, "unit": "probability"},
            {"name": "k", "value": 12.345, "low": 10.0, "high": 14.5, "unit": "elasticity"},
        ],
    }
    _print_table(rows)
    out = capsys.readouterr().out
    for value in (0.6183, 0.5512, 0.7034):
        assert probability(value) in out
    assert fmt(12.345, "elasticity") in out
