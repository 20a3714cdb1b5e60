"""`--format table|csv|json` on every command that prints a table, through the one renderer
(accord.cli.formats.emit): CSV parses with csv.reader and its header has the expected columns,
JSON parses, the table prints, and a bad --format is one line and exit code 2."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

import accord
from accord.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
from accord_toy_model import two_variant_runs  # noqa: E402

runner = CliRunner()
QUESTIONS = Path(accord.__file__).parent / "scenarios" / "ukraine-2025" / "questions"
KTAB_3DIM = str(
    Path(__file__).resolve().parents[1] / "validation" / "data" / "ktab_smp" / "dummyData_3Dim.csv"
)
#: Commands that print no table: a schema, a one-line check, a run (progress and a report),
#: a server.
NO_TABLE = {"schema", "validate", "run", "dashboard"}


def _commands(group, prefix: tuple[str, ...] = ()):
    # by interface, not class: typer may bundle its own copy of click
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


COMMANDS = dict(_commands(get_command(app)))  # type: ignore[arg-type]


def test_every_command_that_prints_a_table_takes_format() -> None:
    without = {
        " ".join(path)
        for path, command in COMMANDS.items()
        if not any("--format" in p.opts for p in command.params)
    }
    assert without == NO_TABLE


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("runs")
    stored = two_variant_runs(out_dir)
    return out_dir, stored


@pytest.fixture(scope="module")
def ukraine(tmp_path_factory):
    out = tmp_path_factory.mktemp("ukraine") / "run"
    accord.simulate("ukraine-2025", "baseline", experiments=100, seed=3, out=out)
    return out


def _each_format(argv: list[str], columns: set[str], rows_of=None) -> None:
    """The command in csv, json and table: csv's header holds ``columns`` and equals the keys
    of the JSON rows (``rows_of(document)``, default the document itself)."""
    as_csv = runner.invoke(app, [*argv, "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    table = list(csv.reader(io.StringIO(as_csv.stdout)))
    header, body = table[0], table[1:]
    assert columns <= set(header), header
    assert body and all(len(row) == len(header) for row in body)
    as_json = runner.invoke(app, [*argv, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    rows = rows_of(document) if rows_of else document
    if isinstance(rows, list):  # the document's rows: the csv's columns are their keys
        assert set(header) <= set().union(*(set(row) for row in rows)), (header, rows[0])
    as_table = runner.invoke(app, argv)
    assert as_table.exit_code == 0, as_table.output
    assert as_table.stdout.strip()


def test_runs_query_and_compare(toy) -> None:
    out_dir, stored = toy
    _each_format(["runs", str(out_dir)], {"run_id", "variant", "status", "path"})
    sql = "SELECT experiment, crossed FROM scalars ORDER BY experiment LIMIT 5"
    _each_format(["query", str(stored[0].path), sql], {"experiment", "crossed"})
    _each_format(["compare", str(stored[0].path), str(stored[1].path)], {"outcome", "difference"})


def test_the_csv_numbers_are_unrounded_and_the_table_formats_them(toy) -> None:
    _, stored = toy
    sql = "SELECT end_value AS mean_end FROM scalars WHERE experiment = 3"
    exact = float(stored[0].query(sql)["mean_end"].iloc[0])
    as_csv = runner.invoke(app, ["query", str(stored[0].path), sql, "-f", "csv"])
    assert float(list(csv.reader(io.StringIO(as_csv.stdout)))[1][0]) == exact
    as_table = runner.invoke(app, ["query", str(stored[0].path), sql])
    from accord.analysis.formatting import fmt

    assert fmt(exact) in as_table.stdout and repr(exact) not in as_table.stdout


def test_fit_and_forecast() -> None:
    _each_format(
        ["fit", "war-duration"],
        {"name", "value", "low", "high", "unit"},
        lambda document: document["estimates"],
    )
    _each_format(["forecast", KTAB_3DIM, "-m", "compromise,median"], {"model", "issue", "central"})


BURDEN = [
    (["gaps"], {"kind", "name", "pct_gdp", "gap_to_2_pp"}, None),
    (["aid-reaction"], {"measure", "predicted_replacement_pct", "observed_replacement_pct"}, None),
    (["exploitation", "--year", "1964"], {"spearman_rho", "n"}, lambda d: d["rows"]),
    (
        ["equilibrium", "--draws", "20"],
        {"ally", "pct_gdp", "burden_share_pct"},
        lambda d: d["rows"],
    ),
    (["aid", "--draws", "20"], {"donor", "aid_eur_bn"}, lambda d: d["rows"]),
    (["backtest", "--train-until", "2019"], {"ally", "model_error_pp"}, None),
]


@pytest.mark.parametrize(
    ("argv", "columns", "rows_of"),
    BURDEN,
    ids=["gaps", "aid-reaction", "exploitation", "equilibrium", "aid", "backtest"],
)
def test_burden(argv, columns, rows_of) -> None:
    if argv[0] in ("gaps", "aid-reaction"):
        # a document without a list of rows: the csv rows are its plain values
        as_csv = runner.invoke(app, ["burden", *argv, "--format", "csv"])
        assert as_csv.exit_code == 0, as_csv.output
        header = next(csv.reader(io.StringIO(as_csv.stdout)))
        assert columns <= set(header), header
        json.loads(runner.invoke(app, ["burden", *argv, "-f", "json"]).stdout)
        assert runner.invoke(app, ["burden", *argv]).exit_code == 0
        return
    if argv[0] == "backtest":
        as_csv = runner.invoke(app, ["burden", *argv, "--format", "csv"])
        header = next(csv.reader(io.StringIO(as_csv.stdout)))
        assert columns <= set(header), header
        return
    _each_format(["burden", *argv], columns, rows_of)


def _computed_once(monkeypatch, name: str) -> None:
    """``accord.workflows.burden_forecast.<name>`` computed once (~40 s), then served as a
    copy to each of the three calls of the CLI: the test is of the output, not of the fit."""
    import copy

    from accord.workflows import burden_forecast

    result = getattr(burden_forecast, name)()
    monkeypatch.setattr(burden_forecast, name, lambda *args: copy.deepcopy(result))


@pytest.mark.slow
def test_the_rolling_backtest(monkeypatch) -> None:
    _computed_once(monkeypatch, "rolling_backtest")
    _each_format(
        ["burden", "backtest", "--rolling"],
        {"origins", "h", "n", "persistence_mae", "persistence_rmse"},
    )


@pytest.mark.slow
def test_the_burden_forecast(monkeypatch) -> None:
    _computed_once(monkeypatch, "forecast")
    _each_format(["burden", "forecast"], {"ally", "pct_gdp", "low", "high"}, lambda d: d["allies"])


@pytest.mark.slow
def test_ask_score_update_and_sensitivity(ukraine, tmp_path) -> None:
    _each_format(
        ["ask", str(ukraine), "--event", "ceasefire_month before 2026-01-01"],
        {"bin", "p", "low", "high"},
        lambda d: d["bins"],
    )
    _each_format(
        ["score", str(QUESTIONS), str(ukraine)], {"question", "forecaster", "brier", "log"}
    )
    observed = tmp_path / "observed.yaml"
    observed.write_text(
        "as_of: 2026-01-01\nobservations:\n  - {id: none-2025, event: ceasefire_month before "
        "2026-01-01, observed: no, source: s,\n     date: 2026-01-01}\n"
    )
    for fmt in ("csv", "json", "table"):
        done = runner.invoke(
            app,
            ["update", str(ukraine), "--observed", str(observed), "--out", str(tmp_path / fmt)]
            + ["--format", fmt],
        )
        assert done.exit_code == 0, done.output
        if fmt == "csv":
            header = next(csv.reader(io.StringIO(done.stdout)))
            assert {"run", "as_of", "n_futures", "ess", "share_kept"} <= set(header)
        elif fmt == "json":
            assert {"run", "ess", "share_kept"} <= set(json.loads(done.stdout))
    _each_format(
        ["sensitivity", str(ukraine), "--method", "rbd-fast", "--bootstrap", "10"],
        {"label", "name", "S1"},
        lambda d: d["indices"],
    )


@pytest.mark.slow
def test_calibrate_and_optimize(tmp_path) -> None:
    for fmt in ("csv", "json"):
        done = runner.invoke(
            app,
            ["calibrate", "ukraine-2025", "--out", str(tmp_path / fmt), "--points", "4"]
            + ["--replicates", "10", "--waves", "1", "--format", fmt],
        )
        assert done.exit_code in (0, 1), done.output  # 1: not calibrated on so few points
        if fmt == "csv":
            header = next(csv.reader(io.StringIO(done.stdout)))
            assert header == [
                "name",
                "observed_low",
                "observed_high",
                "simulated",
                "inside",
                "held_out",
            ]
        else:
            assert json.loads(done.stdout)["targets"]
    argv = ["optimize", "ukraine-2025", "--objectives", "max:peace_holds_5y"]
    argv += ["--futures", "2", "--population", "4", "--generations", "1"]
    done = runner.invoke(app, [*argv, "--format", "csv"])
    assert done.exit_code == 0, done.output
    header = next(csv.reader(io.StringIO(done.stdout)))
    assert {"equivalent", "peace_holds_5y_mean"} <= set(header)
    assert json.loads(runner.invoke(app, argv).stdout)["pareto"]  # JSON stays the default


def _dummy_argv(path: tuple[str, ...], command) -> list[str]:
    """Enough arguments to reach --format (it is parsed before the command runs)."""
    argv = list(path)
    for param in command.params:
        if param.param_type_name == "argument" and param.required:
            argv.append("x")
    return argv


@pytest.mark.parametrize(
    "path", sorted(p for p in COMMANDS if " ".join(p) not in NO_TABLE), ids=" ".join
)
def test_a_bad_format_is_one_line_and_exit_2(path, tmp_path) -> None:
    done = runner.invoke(app, [*_dummy_argv(path, COMMANDS[path]), "--format", "xml"])
    assert done.exit_code == 2, done.output
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "--format" in lines[0] and "xml" in lines[0], done.stderr
    assert done.stdout == ""
