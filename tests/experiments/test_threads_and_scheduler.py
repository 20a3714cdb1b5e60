"""Threads follow the CPU affinity and are 1 inside executor workers; numba's cache folder is
writable; `accord run --executor dask --scheduler ADDRESS` uses an existing cluster."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from accord import threads
from accord.cli import app
from accord.store.runs import open_run


def test_thread_budget_is_the_affinity_in_a_plain_process(monkeypatch) -> None:
    monkeypatch.delenv("ACCORD_THREADS", raising=False)
    assert threads.thread_budget() == len(os.sched_getaffinity(0))
    code = "from accord.threads import thread_budget; print(thread_budget())"
    done = subprocess.run(
        ["taskset", "-c", "0", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "ACCORD_THREADS"},
    )
    assert done.stdout.strip() == "1"
    monkeypatch.setenv("ACCORD_THREADS", "3")
    assert threads.thread_budget() == 3


def test_one_thread_inside_a_worker_process(monkeypatch) -> None:
    monkeypatch.delenv("ACCORD_THREADS", raising=False)
    with ProcessPoolExecutor(1, mp_context=get_context("forkserver")) as pool:
        assert pool.submit(threads.thread_budget).result() == 1


def test_numba_cache_moves_to_the_user_cache_when_the_package_is_read_only(tmp_path) -> None:
    read_only = tmp_path / "site-packages"
    read_only.mkdir()
    writable = tmp_path / "src"
    writable.mkdir()
    environ = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert threads.numba_cache_dir(writable, environ) is None
    read_only.chmod(0o555)
    try:
        if os.access(read_only, os.W_OK):  # root ignores the bits: probe with a mount-free stub
            original = os.access
            os.access = lambda path, mode: (
                False if Path(path) == read_only else original(path, mode)
            )
            try:
                found = threads.numba_cache_dir(read_only, environ)
            finally:
                os.access = original
        else:
            found = threads.numba_cache_dir(read_only, environ)
    finally:
        read_only.chmod(0o755)
    assert found == str(tmp_path / "cache" / "accord" / "numba")
    assert threads.numba_cache_dir(read_only, {"NUMBA_CACHE_DIR": "/x"}) is None


def test_run_on_an_existing_dask_cluster(tmp_path: Path) -> None:
    import distributed  # the "distributed" extra, installed by make test

    runner = CliRunner()
    common = [
        "run",
        "ukraine-2025",
        "-v",
        "baseline",
        "-n",
        "6",
        "-s",
        "5",
        "--chunk-size",
        "3",
        "--no-report",
    ]
    local = runner.invoke(app, [*common, "--out", str(tmp_path / "local")])
    assert local.exit_code == 0, local.output
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        host="127.0.0.1",
        protocol="tcp",
        scheduler_port=0,
        dashboard_address=None,
    ) as cluster:
        address = cluster.scheduler_address
        done = runner.invoke(
            app,
            [
                *common,
                "--executor",
                "dask",
                "--scheduler",
                address,
                "--out",
                str(tmp_path / "dask"),
            ],
        )
        assert done.exit_code == 0, done.output
        assert cluster.status.name == "running"  # accord used it and left it running
        with distributed.Client(address) as client:
            assert len(client.scheduler_info()["workers"]) == 1
    a = open_run(tmp_path / "local" / "baseline").scalars()
    b = open_run(tmp_path / "dask" / "baseline").scalars()
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_a_scheduler_needs_the_dask_executor(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        app,
        [
            "run",
            "ukraine-2025",
            "-n",
            "2",
            "--scheduler",
            "tcp://127.0.0.1:1",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert done.exit_code == 2 and "dask" in done.output
    assert list(tmp_path.iterdir()) == []
