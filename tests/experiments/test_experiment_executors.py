"""Executors give identical bits: in-process (any chunk size), process pool, dask cluster."""

import pandas as pd
import pytest
from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate

from accord.experiments import make_design, map_unordered, run_experiments

SEED = 11
META = {"scenario": "toy", "variant": "base", "scenario_hash": "toy-hash"}


@pytest.fixture(scope="module")
def design():
    return make_design(UNCERTAINTIES, LEVERS, 30, seed=SEED)


@pytest.fixture(scope="module")
def reference(design):
    """The whole design simulated in one call, without the runner."""
    return toy_simulate(design, SEED)


def _assert_same(run, reference):
    pd.testing.assert_frame_equal(run.scalars(), reference.scalars, check_dtype=False)
    pd.testing.assert_frame_equal(run.series(), reference.series, check_dtype=False)


@pytest.mark.parametrize("chunk_size", [1, 7, 1000])
def test_chunk_size_does_not_change_results(tmp_path, design, reference, chunk_size):
    run = run_experiments(
        toy_simulate,
        design,
        seed=SEED,
        out_dir=tmp_path,
        meta=META,
        chunk_size=chunk_size,
        progress=False,
    )
    assert run.complete and run.meta["n_chunks"] == -(-len(design) // chunk_size)
    _assert_same(run, reference)


def test_process_pool_gives_the_same_bits(tmp_path, design, reference):
    run = run_experiments(
        toy_simulate,
        design,
        seed=SEED,
        out_dir=tmp_path,
        meta=META,
        executor="processes",
        max_workers=2,
        chunk_size=7,
        progress=False,
    )
    _assert_same(run, reference)


def test_dask_local_cluster_gives_the_same_bits(tmp_path, design, reference):
    from distributed import LocalCluster

    with LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        run = run_experiments(
            toy_simulate,
            design,
            seed=SEED,
            out_dir=tmp_path,
            meta=META,
            executor="dask",
            dask_address=cluster.scheduler_address,
            chunk_size=7,
            progress=False,
        )
    _assert_same(run, reference)


def test_map_unordered_yields_every_result_once():
    for executor in ("inprocess", "processes"):
        results = list(map_unordered(abs, range(-20, 0), executor=executor, max_workers=2))
        assert sorted(results) == list(range(1, 21))
    with pytest.raises(ValueError, match="unknown executor"):
        list(map_unordered(abs, [1], executor="threads"))
