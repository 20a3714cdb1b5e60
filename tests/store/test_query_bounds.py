"""`accord query` is bounded in time, memory and printed rows (issue 18, point 5)."""

import io
import json
import time

import pandas as pd
import pytest
from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate
from typer.testing import CliRunner

from accord.cli import app
from accord.experiments import make_design, run_experiments
from accord.spec.errors import ScenarioError
from accord.store import runs as store

runner = CliRunner()
RECURSIVE = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT count(*) FROM r"
HUGE_RANGE = "SELECT count(*) FROM range(1000000000000) a"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("bounds")
    design = make_design(UNCERTAINTIES, LEVERS, 10, seed=3)
    return run_experiments(
        toy_simulate,
        design,
        seed=3,
        out_dir=out_dir,
        run_id="r",
        meta={"scenario": "toy", "variant": "base"},
        progress=False,
    )


@pytest.mark.parametrize("sql", [RECURSIVE, HUGE_RANGE], ids=["recursive-cte", "range-1e12"])
def test_a_runaway_query_stops_at_the_timeout_with_one_line(run, sql):
    started = time.monotonic()
    result = runner.invoke(app, ["query", str(run.path), sql, "--timeout", "1"])
    assert time.monotonic() - started < 20
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {run.path}: field 'timeout': query stopped after 1 s "
        "(expected a query that ends in time, or a larger --timeout)\n"
    )
    with pytest.raises(ScenarioError, match="query stopped after 0.5 s"):
        run.query(sql, timeout=0.5)


def test_the_api_refuses_a_bad_timeout(run):
    for bad in (0, -1, "60", True):
        with pytest.raises(ScenarioError, match="field 'timeout': must be a number of seconds"):
            run.query("SELECT 1", timeout=bad)


def test_duckdb_gets_a_memory_limit_and_a_temporary_folder_that_is_removed(run, monkeypatch):
    import os
    import tempfile

    made = []

    real = tempfile.mkdtemp

    def spy(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", spy)
    settings = run.query(
        "SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t"
    )
    assert len(made) == 1 and settings["t"][0].rstrip("/") == made[0].rstrip("/")
    assert not os.path.exists(made[0])
    limit = store.query_memory_limit()
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert limit == max(int(total * store.QUERY_MEMORY_SHARE), 256 * 1024**2)
    # DuckDB prints the limit with one decimal of its unit (5.885 GiB as "5.8 GiB")
    value, unit = settings["m"][0].split()
    factor = {"KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "TiB": 1024**4}[unit]
    assert 0 <= limit - float(value) * factor < 0.1 * factor


def test_table_output_is_cut_at_the_limit_with_a_note(run):
    result = runner.invoke(
        app, ["query", str(run.path), "SELECT range AS i FROM range(3000000)", "--limit", "7"]
    )
    assert result.exit_code == 0
    assert result.stderr == (
        "note: only the first 7 rows are shown (--limit); use --format csv or json for every row\n"
    )
    shown = [line for line in result.stdout.splitlines() if line.strip(" │┃").isdigit()]
    assert [int(line.strip(" │┃")) for line in shown] == list(range(7))
    whole = runner.invoke(
        app, ["query", str(run.path), "SELECT range AS i FROM range(7)", "--limit", "7"]
    )
    assert whole.exit_code == 0 and whole.stderr == ""


def test_csv_and_json_stream_every_row_in_batches(run):
    batches = list(
        run.query_batches("SELECT range AS i, range * 0.5 AS x FROM range(2500)", batch_rows=1000)
    )
    assert [len(b) for b in batches] == [1000, 1000, 500]
    sql = (
        "SELECT range AS i, CASE WHEN range = 3 THEN 'nan'::DOUBLE ELSE range * 0.5 END AS x "
        "FROM range(25000)"
    )
    expected = pd.DataFrame({"i": range(25000), "x": [i * 0.5 for i in range(25000)]})
    expected.loc[3, "x"] = float("nan")
    as_csv = runner.invoke(app, ["query", str(run.path), sql, "-f", "csv"])
    assert as_csv.exit_code == 0
    assert as_csv.stdout.count("i,x") == 1  # one header, not one per batch
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(as_csv.stdout)), expected)
    as_json = runner.invoke(app, ["query", str(run.path), sql, "-f", "json"])
    records = json.loads(as_json.stdout)
    assert records[3] == {"i": 3, "x": None}
    assert records[:3] + records[4:] == [r for r in expected.to_dict("records") if r["i"] != 3]
    empty = runner.invoke(app, ["query", str(run.path), "SELECT 1 AS a WHERE false", "-f", "json"])
    assert json.loads(empty.stdout) == []
    empty_csv = runner.invoke(
        app, ["query", str(run.path), "SELECT 1 AS a WHERE false", "-f", "csv"]
    )
    assert empty_csv.stdout == "a\n"


def test_install_is_refused_as_install(run):
    for sql in ("INSTALL httpfs", "FORCE INSTALL httpfs", "/* x */ install httpfs"):
        result = runner.invoke(app, ["query", str(run.path), sql])
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: {run.path}: field 'sql': queries over a run are "
            "read-only (expected one SELECT statement, found 'INSTALL')\n"
        )
    load = runner.invoke(app, ["query", str(run.path), "LOAD httpfs"])
    assert load.stderr.endswith("found 'LOAD')\n")
