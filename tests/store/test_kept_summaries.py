"""Summaries kept beside a run (accord.store.summaries): read back while the run is unchanged,
computed again when it changes, and a damaged file is ignored and rewritten."""

import json
import os

import pandas as pd
import pytest
from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate

import accord.analysis.compare as compare_module
from accord.analysis.compare import _compare_runs, compare_runs
from accord.experiments import make_design, run_experiments
from accord.store import summaries
from accord.store.manifest import chunk_path, read_manifest
from accord.store.runs import open_run, write_manifest, write_parquet_atomic


@pytest.fixture
def two_runs(tmp_path):
    def run(force):
        design = make_design(UNCERTAINTIES, LEVERS, 60, seed=1, fixed_levers={"force": force})
        return run_experiments(
            toy_simulate,
            design,
            seed=1,
            out_dir=tmp_path,
            chunk_size=30,
            meta={"scenario": "toy", "variant": f"f{force}"},
            progress=False,
        )

    return run(0.2), run(0.0)


@pytest.fixture
def counted(monkeypatch):
    """Count the calls of compare_scalars (the comparison's computation)."""
    calls = []
    original = compare_module.compare_scalars

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(compare_module, "compare_scalars", counting)
    return calls


def fresh(a, b):
    """The comparison computed from the runs as they are now, without the cache."""
    return _compare_runs(open_run(a.path), open_run(b.path), None, 2000, 0, 0.95, "auto", "closed")


def kept_file(a):
    (found,) = (a.path / summaries.SUMMARY_DIR).glob("compare-*.json")
    return found


def test_second_compare_reads_the_kept_table_equal_to_a_fresh_one(two_runs, counted):
    a, b = two_runs
    first = compare_runs(a, b)
    assert len(counted) == 1 and kept_file(a).is_file()
    second = compare_runs(open_run(a.path), open_run(b.path))
    assert len(counted) == 1  # read back, not computed
    pd.testing.assert_frame_equal(second, first)
    assert second.attrs == first.attrs == {"paired": True}
    # other parameters are another summary
    compare_runs(a, b, paired=False)
    assert len(counted) == 2
    pd.testing.assert_frame_equal(second, fresh(a, b))


def test_a_changed_run_is_compared_again(two_runs, counted):
    a, b = two_runs
    before = compare_runs(a, b)
    # Rewrite a chunk of run B with other values and record it, as a repaired run would.
    path = chunk_path(b.path, "scalars", 0)
    chunk = pd.read_parquet(path)
    chunk["end_value"] = chunk["end_value"] + 1.0
    chunks, _ = read_manifest(b.path)
    chunks[0]["scalars"] = write_parquet_atomic(chunk, path)
    write_manifest(b.path, chunks)
    after = compare_runs(open_run(a.path), open_run(b.path))
    assert len(counted) == 2
    end = after.set_index("outcome").loc["end_value", "difference"]
    assert end != before.set_index("outcome").loc["end_value", "difference"]
    pd.testing.assert_frame_equal(after, fresh(a, b))


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "\x00\xff not json",
        lambda text: json.dumps({**json.loads(text), "value": {"columns": 3}}),  # undecodable
        lambda text: json.dumps([1, 2]),
    ],
)
def test_a_damaged_kept_file_is_ignored_and_rewritten(two_runs, counted, damage):
    a, b = two_runs
    first = compare_runs(a, b)
    path = kept_file(a)
    path.write_text(damage(path.read_text()))
    again = compare_runs(a, b)
    assert len(counted) == 2  # computed again, no error
    pd.testing.assert_frame_equal(again, first)
    compare_runs(a, b)
    assert len(counted) == 2  # the rewritten file is read back
    assert json.loads(path.read_text())["version"] == summaries.SUMMARY_VERSION


def test_a_folder_that_cannot_be_written_keeps_nothing_and_still_answers(
    two_runs, counted, monkeypatch
):
    a, b = two_runs

    def refuse(path, text, **options):
        raise summaries.ScenarioError(str(path), "is not writable", field="summaries")

    monkeypatch.setattr(summaries, "atomic_write_text", refuse)
    pd.testing.assert_frame_equal(compare_runs(a, b), fresh(a, b))
    assert not (a.path / summaries.SUMMARY_DIR).exists() or not list(
        (a.path / summaries.SUMMARY_DIR).glob("compare-*.json")
    )


def test_the_fingerprint_follows_the_data_not_the_summaries(two_runs):
    a, _ = two_runs
    mark = summaries.fingerprint(a.path)
    summaries.write_summary([a.path], "other", {}, [1.0, float("nan")])
    assert summaries.fingerprint(a.path) == mark
    found, value = summaries.read_summary([a.path], "other", {})
    assert found and value[0] == 1.0 and value[1] != value[1]  # NaN kept
    path = chunk_path(a.path, "series", 1)
    copy = path.with_name("copy.parquet")
    copy.write_bytes(path.read_bytes())
    os.replace(copy, path)  # the same bytes in another file: a replaced chunk
    assert summaries.fingerprint(a.path) != mark
    assert summaries.read_summary([a.path], "other", {}) == (False, None)
