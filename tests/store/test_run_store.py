"""The run store: Parquet chunks, catalogue, queries, resume, and resume after SIGKILL."""

import functools
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate

from accord.experiments import ChunkResult, make_design, run_experiments
from accord.spec.errors import ScenarioError
from accord.store.runs import open_run, read_catalogue, read_manifest

SEED = 5
META = {"scenario": "toy", "variant": "base", "scenario_hash": "hash-1"}
TOY_DIR = Path(__file__).resolve().parents[1] / "experiments"


@pytest.fixture(scope="module")
def design():
    return make_design(UNCERTAINTIES, LEVERS, 20, seed=SEED)


def logging_simulate(design_chunk, seed, log_file):
    """Toy simulate that records which experiments it computed."""
    with open(log_file, "a") as log:
        log.write(" ".join(map(str, design_chunk["experiment"])) + "\n")
    return toy_simulate(design_chunk, seed)


def logged_experiments(log_file):
    if not Path(log_file).exists():
        return []
    return [int(x) for line in Path(log_file).read_text().split("\n") for x in line.split()]


def test_layout_round_trip_and_catalogue(tmp_path, design):
    run = run_experiments(
        toy_simulate, design, seed=SEED, out_dir=tmp_path, meta=META, chunk_size=8, progress=False
    )
    assert run.path.parent == tmp_path
    names = sorted(p.relative_to(run.path).as_posix() for p in run.path.rglob("*"))
    assert names == [
        ".lock",
        "chunks.json",
        "design.parquet",
        "meta.json",
        "scalars",
        "scalars/part-00000.parquet",
        "scalars/part-00001.parquet",
        "scalars/part-00002.parquet",
        "scalars/part-00003.parquet",
        "scalars/part-00004.parquet",
        "series",
        "series/part-00000.parquet",
        "series/part-00001.parquet",
        "series/part-00002.parquet",
        "series/part-00003.parquet",
        "series/part-00004.parquet",
    ]
    direct = toy_simulate(design, SEED)
    pd.testing.assert_frame_equal(run.scalars(), direct.scalars, check_dtype=False)
    pd.testing.assert_frame_equal(run.series(), direct.series, check_dtype=False)
    pd.testing.assert_frame_equal(run.series(columns=["level"]), direct.series, check_dtype=False)
    pd.testing.assert_frame_equal(run.design(), design, check_dtype=False)

    meta = open_run(run.path).meta
    for key in (
        "scenario",
        "variant",
        "scenario_hash",
        "seed",
        "design",
        "n_experiments",
        "code_version",
        "created",
        "status",
        "chunk_size",
    ):
        assert key in meta
    assert meta["seed"] == SEED and meta["n_experiments"] == 40 and meta["status"] == "complete"
    assert meta["design"]["method"] == "lhs" and meta["design"]["levers"] == ["force"]

    catalogue = read_catalogue(tmp_path)
    assert list(catalogue.columns) == [
        "run_id",
        "scenario",
        "variant",
        "scenario_hash",
        "seed",
        "design",
        "n_experiments",
        "code_version",
        "created",
        "status",
        "path",
    ]
    (row,) = catalogue.to_dict("records")
    assert row["run_id"] == run.run_id and row["status"] == "complete"
    assert row["n_experiments"] == 40 and row["scenario_hash"] == "hash-1"
    assert Path(row["path"]) == run.path.resolve()
    assert json.loads(row["design"])["fingerprint"] == meta["design"]["fingerprint"]


def test_query_views_and_errors(tmp_path, design):
    run = run_experiments(
        toy_simulate, design, seed=SEED, out_dir=tmp_path, meta=META, progress=False
    )
    direct = toy_simulate(design, SEED).scalars
    counts = run.query(
        "SELECT (SELECT count(*) FROM scalars) AS s, (SELECT count(*) FROM series)"
        " AS m, (SELECT count(*) FROM design) AS d"
    )
    assert counts.iloc[0].tolist() == [40, 40 * 12, 40]
    by_force = run.query(
        "SELECT d.force, avg(s.end_value) AS mean_end FROM scalars s "
        "JOIN design d USING (experiment) GROUP BY d.force ORDER BY d.force"
    )
    expected = direct.groupby(design["force"])["end_value"].mean()
    np.testing.assert_allclose(by_force["mean_end"], expected.to_numpy(), rtol=1e-12)
    with pytest.raises(ScenarioError, match="query failed"):
        run.query("SELECT nope FROM scalars")
    with pytest.raises(ScenarioError, match="not an accord run"):
        open_run(tmp_path / "missing")


def test_resume_recomputes_only_missing_chunks(tmp_path, design):
    log = tmp_path / "log.txt"
    simulate = functools.partial(logging_simulate, log_file=str(log))
    run = run_experiments(
        simulate,
        design,
        seed=SEED,
        out_dir=tmp_path / "out",
        meta=META,
        chunk_size=8,
        progress=False,
    )
    assert sorted(logged_experiments(log)) == list(range(40))
    before = run.scalars()
    (run.path / "scalars" / "part-00002.parquet").unlink()  # chunk 2 incomplete
    (run.path / "series" / "part-00004.parquet").unlink()  # chunk 4 incomplete
    (run.path / "scalars" / ".part-00001.parquet.999.tmp").write_text("half a file")
    log.unlink()
    again = run_experiments(
        simulate,
        design,
        seed=SEED,
        out_dir=tmp_path / "out",
        meta=META,
        chunk_size=3,
        progress=False,
    )  # chunk size of the first start wins
    assert again.path == run.path
    assert sorted(logged_experiments(log)) == list(range(16, 24)) + list(range(32, 40))
    pd.testing.assert_frame_equal(again.scalars(), before)
    assert not list(run.path.rglob("*.tmp"))
    assert len(read_catalogue(tmp_path / "out")) == 1


def test_different_arguments_refuse_to_mix(tmp_path, design):
    common = {"out_dir": tmp_path, "run_id": "mine", "progress": False}
    run_experiments(toy_simulate, design, seed=SEED, meta=META, **common)
    with pytest.raises(ScenarioError, match="seed 5 != 6"):
        run_experiments(toy_simulate, design, seed=6, meta=META, **common)
    with pytest.raises(ScenarioError, match="scenario_hash"):
        run_experiments(
            toy_simulate, design, seed=SEED, meta=META | {"scenario_hash": "h2"}, **common
        )
    other_design = make_design(UNCERTAINTIES, LEVERS, 20, seed=SEED + 1)
    with pytest.raises(ScenarioError, match="design_fingerprint"):
        run_experiments(toy_simulate, other_design, seed=SEED, meta=META, **common)
    replaced = run_experiments(toy_simulate, design, seed=6, meta=META, overwrite=True, **common)
    assert replaced.meta["seed"] == 6
    pd.testing.assert_frame_equal(
        replaced.scalars(), toy_simulate(design, 6).scalars, check_dtype=False
    )
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "notes.txt").write_text("mine")
    with pytest.raises(ScenarioError, match="not an accord run"):
        run_experiments(
            toy_simulate,
            design,
            seed=SEED,
            meta=META,
            out_dir=tmp_path,
            run_id="junk",
            progress=False,
        )


def bad_simulate(design_chunk, seed):
    result = toy_simulate(design_chunk, seed)
    return ChunkResult(scalars=result.scalars.iloc[1:], series=result.series)


def test_a_simulate_missing_experiments_is_an_error(tmp_path, design):
    with pytest.raises(ValueError, match="each of the chunk's"):
        run_experiments(bad_simulate, design, seed=SEED, out_dir=tmp_path, progress=False)


RUN_SCRIPT = textwrap.dedent(
    """
    import functools, sys
    from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate
    from accord.experiments import make_design, run_experiments

    design = make_design(UNCERTAINTIES, LEVERS, 30, seed=3)
    run_experiments(functools.partial(toy_simulate, delay=float(sys.argv[2])), design, seed=3,
                    out_dir=sys.argv[1], meta={"scenario": "toy", "variant": "kill"},
                    chunk_size=4, executor=sys.argv[3], max_workers=2, progress=False)
    """
)


def _launch(out_dir, delay, executor):
    path = os.pathsep.join([str(TOY_DIR), os.environ.get("PYTHONPATH", "")])
    env = dict(os.environ, PYTHONPATH=path)
    return subprocess.Popen(
        [sys.executable, "-c", RUN_SCRIPT, str(out_dir), str(delay), executor],
        env=env,
        start_new_session=True,
    )


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["inprocess", "processes", "dask"])
def test_sigkill_then_same_command_resumes_exactly_once(tmp_path, executor):
    out_dir = tmp_path / "runs"
    process = _launch(out_dir, 0.25, executor)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        recorded = [read_manifest(path)[0] for path in out_dir.glob("*/")]
        if recorded and len(recorded[0]) >= 3:  # three chunks written and recorded
            break
        time.sleep(0.02)
    assert process.poll() is None, "the run finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)  # the runner and any worker it started
    process.wait()
    (run_dir,) = [path for path in out_dir.iterdir() if path.is_dir()]
    killed = open_run(run_dir)
    assert killed.meta["status"] == "running"
    assert 3 <= len(killed.chunks()) < killed.meta["n_chunks"]

    assert _launch(out_dir, 0.0, executor).wait(timeout=120) == 0
    resumed = open_run(run_dir)
    assert resumed.complete
    scalars = resumed.scalars()
    assert scalars["experiment"].tolist() == list(range(60))
    assert resumed.query("SELECT count(DISTINCT experiment) AS n, count(*) AS m FROM series").iloc[
        0
    ].tolist() == [60, 60 * 12]

    design = make_design(UNCERTAINTIES, LEVERS, 30, seed=3)
    uninterrupted = run_experiments(
        toy_simulate,
        design,
        seed=3,
        out_dir=tmp_path / "clean",
        meta={"scenario": "toy", "variant": "kill"},
        progress=False,
    )
    pd.testing.assert_frame_equal(scalars, uninterrupted.scalars())
    pd.testing.assert_frame_equal(resumed.series(), uninterrupted.series())
    (row,) = read_catalogue(out_dir).to_dict("records")
    assert row["status"] == "complete"


def test_concurrent_runs_share_one_catalogue(tmp_path, design):
    from concurrent.futures import ThreadPoolExecutor

    def one(variant):
        return run_experiments(
            toy_simulate,
            design,
            seed=SEED,
            out_dir=tmp_path,
            meta=META | {"variant": variant},
            chunk_size=10,
            progress=False,
        )

    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(one, ["v1", "v2", "v3", "v4"]))
    catalogue = read_catalogue(tmp_path)
    assert sorted(catalogue["variant"]) == ["v1", "v2", "v3", "v4"]
    assert set(catalogue["status"]) == {"complete"}
    assert sorted(catalogue["run_id"]) == sorted(run.run_id for run in runs)


def test_an_unusable_catalogue_does_not_lose_the_run(tmp_path, design):
    (tmp_path / "catalogue.duckdb").write_text("not a database")
    with pytest.warns(RuntimeWarning, match="catalogue not updated"):
        run = run_experiments(
            toy_simulate, design, seed=SEED, out_dir=tmp_path, meta=META, progress=False
        )
    assert run.complete and len(run.scalars()) == 40
