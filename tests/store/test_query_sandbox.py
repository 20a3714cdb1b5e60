"""`accord query` is read-only and confined to the run's directory (issue 9, item 2)."""

import hashlib
import subprocess
import sys

import duckdb
import pytest
from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate
from typer.testing import CliRunner

from accord.cli import app
from accord.experiments import make_design, run_experiments
from accord.spec.errors import ScenarioError

runner = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("sandbox")
    design = make_design(UNCERTAINTIES, LEVERS, 10, seed=2)
    return run_experiments(
        toy_simulate,
        design,
        seed=2,
        out_dir=out_dir,
        run_id="r",
        meta={"scenario": "toy", "variant": "base"},
        progress=False,
    )


@pytest.fixture(scope="module")
def secret(run):
    path = run.path.parent / "secret.csv"  # next to the run, outside its directory
    path.write_text("password\nhunter2\n")
    sibling = run.path.parent / "r-sibling"  # a name that starts like the run's
    sibling.mkdir()
    (sibling / "data.csv").write_text("a\n1\n")
    return path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def attacks(run, secret):
    chunk = run.path / "scalars" / "part-00000.parquet"
    return {
        "read outside": (f"SELECT * FROM read_csv('{secret}')", "disabled by configuration"),
        "read via ..": (
            f"SELECT * FROM read_csv('{run.path}/../{secret.name}')",
            "disabled by configuration",
        ),
        "read sibling": (
            f"SELECT * FROM read_csv('{run.path}-sibling/data.csv')",
            "disabled by configuration",
        ),
        "glob outside": (f"SELECT * FROM glob('{secret.parent}/*')", "disabled by configuration"),
        "url": (
            "SELECT * FROM read_parquet('https://example.invalid/x.parquet')",
            "disabled by configuration",
        ),
        "copy over a chunk": (
            f"COPY (SELECT 1 AS experiment) TO '{chunk}' (FORMAT parquet)",
            "read-only",
        ),
        "copy in a comment": (f"/* SELECT */ COPY scalars TO '{run.path}/x.csv'", "read-only"),
        "attach": (f"ATTACH '{run.path}/x.duckdb' AS x", "read-only"),
        "install": ("INSTALL httpfs", "read-only"),
        "load": ("LOAD httpfs", "read-only"),
        "set": ("SET enable_external_access = true", "read-only"),
        "create": ("CREATE TABLE t AS SELECT 1", "read-only"),
        "two statements": ("SELECT 1; SELECT 2", "one statement"),
        "empty": ("", "empty query"),
        "blank": ("  \n ", "empty query"),
        "syntax": ("SELEC 1", "syntax error"),
    }


def test_the_library_refuses_every_attack_and_changes_nothing(run, secret):
    before = {path: digest(path) for path in run.path.rglob("*.parquet")}
    for name, (sql, message) in attacks(run, secret).items():
        with pytest.raises(ScenarioError, match=message) as caught:
            run.query(sql)
        assert "\n" not in str(caught.value), name
        assert "hunter2" not in str(caught.value), name
    assert {path: digest(path) for path in run.path.rglob("*.parquet")} == before
    assert sorted(p.name for p in run.path.iterdir()) == [
        ".lock",
        "chunks.json",
        "design.parquet",
        "meta.json",
        "scalars",
        "series",
    ]
    assert len(run.query("SELECT * FROM scalars")) == 20  # queries still work


def test_the_connection_itself_is_confined(run, secret):
    # Defence in depth: even SQL that skipped the statement check cannot leave the run.
    connection = run.connect()
    try:
        with pytest.raises(duckdb.Error, match="disabled by configuration"):
            connection.execute(f"SELECT * FROM read_csv('{secret}')")
        with pytest.raises(duckdb.Error, match="locked"):
            connection.execute("SET enable_external_access = true")
        with pytest.raises(duckdb.Error, match="locked"):
            connection.execute(f"SET allowed_directories = ['{secret.parent}/']")
        assert connection.execute("SELECT count(*) FROM design").fetchone() == (20,)
    finally:
        connection.close()


@pytest.mark.parametrize(
    "name", ["read outside", "copy over a chunk", "attach", "install", "set", "empty", "syntax"]
)
def test_the_cli_gives_one_line_and_exit_2(run, secret, name):
    sql, message = attacks(run, secret)[name]
    result = runner.invoke(app, ["query", str(run.path), sql])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stdout == "" and "hunter2" not in result.output


def test_the_installed_entry_point_too(run, secret):
    sql = f"SELECT * FROM read_csv('{secret}')"
    done = subprocess.run(
        [sys.executable, "-m", "accord", "query", str(run.path), sql],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr and "hunter2" not in done.stdout + done.stderr
