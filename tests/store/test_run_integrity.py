"""Chunk checksums, repair on resume, damaged runs named, stale temporaries (issue 9, item 4)."""

import functools
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate
from typer.testing import CliRunner

from accord.cli import app
from accord.experiments import make_design, run_experiments
from accord.store.runs import MANIFEST_FILE, open_run, read_manifest, remove_stale_temporaries

SEED = 8
META = {"scenario": "toy", "variant": "base", "scenario_hash": "h"}
runner = CliRunner()


@pytest.fixture(scope="module")
def design():
    return make_design(UNCERTAINTIES, LEVERS, 20, seed=SEED)  # 40 experiments, 5 chunks of 8


@pytest.fixture(scope="module")
def clean(tmp_path_factory, design):
    return run_experiments(
        toy_simulate,
        design,
        seed=SEED,
        out_dir=tmp_path_factory.mktemp("c"),
        run_id="r",
        meta=META,
        chunk_size=8,
        progress=False,
    )


def logging_simulate(design_chunk, seed, log_file):
    with open(log_file, "a") as log:
        log.write(" ".join(map(str, design_chunk["experiment"])) + "\n")
    return toy_simulate(design_chunk, seed)


def computed(log_file):
    text = Path(log_file).read_text() if Path(log_file).exists() else ""
    return sorted(int(x) for x in text.split())


def digests(run):
    return {
        p.relative_to(run.path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(run.path.glob("s*/part-*.parquet"))
    }


def damage(run):
    """Three kinds of damage: truncated, one byte flipped, overwritten by other valid data."""
    truncated = run.path / "scalars" / "part-00001.parquet"
    truncated.write_bytes(truncated.read_bytes()[: truncated.stat().st_size // 2])
    flipped = run.path / "series" / "part-00003.parquet"
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0xFF
    flipped.write_bytes(bytes(data))
    # What `COPY ... TO` over a chunk did before the sandbox: a valid file, other rows.
    replaced = run.path / "scalars" / "part-00004.parquet"
    pd.read_parquet(replaced).head(3).to_parquet(replaced)


def test_a_damaged_run_is_named_read_on_its_good_chunks_and_repaired_bit_for_bit(
    tmp_path, design, clean
):
    log = tmp_path / "log.txt"
    simulate = functools.partial(logging_simulate, log_file=str(log))
    common = {
        "seed": SEED,
        "out_dir": tmp_path / "out",
        "run_id": "r",
        "meta": META,
        "chunk_size": 8,
        "progress": False,
    }
    run = run_experiments(simulate, design, **common)
    assert digests(run) == digests(clean)  # the Parquet bytes are deterministic
    damage(run)

    health = open_run(run.path).health()
    assert health.good == (0, 2) and not health.complete
    assert [name for name, _reason in health.damaged] == [
        "scalars/part-00001.parquet",
        "series/part-00003.parquet",
        "scalars/part-00004.parquet",
    ]
    reasons = dict(health.damaged)
    assert "bytes" in reasons["scalars/part-00001.parquet"]
    assert reasons["series/part-00003.parquet"] == "checksum mismatch"
    problem = health.problem()
    assert "\n" not in problem and "2 of 5 chunks usable" in problem
    assert "scalars/part-00001.parquet" in problem

    # Readers answer on the good chunks and say so in one line.
    assert open_run(run.path).scalars()["experiment"].tolist() == list(range(8)) + list(
        range(16, 24)
    )
    queried = runner.invoke(
        app, ["query", str(run.path), "SELECT count(*) AS n FROM scalars", "-f", "csv"]
    )
    assert queried.exit_code == 0, queried.output
    assert queried.stdout.splitlines() == ["n", "16"]
    assert (
        queried.stderr.count("\n") == 1 and "damaged: scalars/part-00001.parquet" in queried.stderr
    )
    compared = runner.invoke(
        app, ["compare", str(run.path), str(clean.path), "--bootstrap", "100", "-f", "csv"]
    )
    assert compared.exit_code == 0, compared.output
    assert compared.stderr.count("\n") == 1 and str(run.path) in compared.stderr
    assert len(pd.read_csv(io.StringIO(compared.stdout))) > 0

    # Resume recomputes exactly the damaged chunks, and the result is the clean run's bits.
    log.unlink()
    repaired = run_experiments(simulate, design, **common)
    assert computed(log) == list(range(8, 16)) + list(range(24, 40))
    assert digests(repaired) == digests(clean)
    pd.testing.assert_frame_equal(repaired.scalars(), clean.scalars(), check_exact=True)
    pd.testing.assert_frame_equal(repaired.series(), clean.series(), check_exact=True)
    assert repaired.health().problem() is None
    quiet = runner.invoke(app, ["query", str(run.path), "SELECT 1 AS one"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_chunks_written_but_not_recorded_are_recomputed(tmp_path, design, clean):
    log = tmp_path / "log.txt"
    simulate = functools.partial(logging_simulate, log_file=str(log))
    common = {
        "seed": SEED,
        "out_dir": tmp_path,
        "run_id": "r",
        "meta": META,
        "chunk_size": 8,
        "progress": False,
    }
    run = run_experiments(simulate, design, **common)
    manifest = run.path / MANIFEST_FILE
    recorded = json.loads(manifest.read_text())
    del recorded["chunks"]["2"]  # killed after the worker wrote chunk 2, before it was recorded
    manifest.write_text(json.dumps(recorded))
    meta = json.loads((run.path / "meta.json").read_text())
    (run.path / "meta.json").write_text(json.dumps(meta | {"status": "running"}))
    problem = open_run(run.path).health().problem()
    assert problem.startswith("incomplete; 4 of 5 chunks usable")
    log.unlink()
    resumed = run_experiments(simulate, design, **common)
    assert computed(log) == list(range(16, 24))
    assert digests(resumed) == digests(clean)

    manifest.write_text("{not json")  # an unreadable manifest: nothing can be trusted
    assert "chunks.json unreadable" in open_run(run.path).health().problem()
    log.unlink()
    again = run_experiments(simulate, design, **common)
    assert computed(log) == list(range(40))
    assert digests(again) == digests(clean) and sorted(read_manifest(again.path)[0]) == [
        0,
        1,
        2,
        3,
        4,
    ]


def test_temporaries_are_removed_only_when_their_writer_is_dead(tmp_path):
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        names = {
            "live": f".part-00000.parquet.{live.pid}.k2j_x9.tmp",
            "dead": f".part-00001.parquet.{dead.pid}.q0z1ab.tmp",
            "old-style dead": f".meta.json.{dead.pid}.tmp",
        }
        for name in names.values():
            (tmp_path / name).write_text("half a file")
        (tmp_path / "keep.txt").write_text("not a temporary file")
        removed = remove_stale_temporaries(tmp_path)
        assert sorted(p.name for p in removed) == sorted([names["dead"], names["old-style dead"]])
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([names["live"], "keep.txt"])
    finally:
        live.kill()
        live.wait()
