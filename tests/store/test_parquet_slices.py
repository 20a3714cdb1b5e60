"""write_parquet_atomic streams a frame slice by slice into the file, hashing what it writes."""

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from accord.store import runs
from accord.store.manifest import check_file


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame(
        {
            "experiment": np.arange(n),
            "value": rng.normal(size=n),
            "label": pd.array(rng.choice(["full", "backseat"], n), dtype="str"),
            "flag": rng.random(n) < 0.5,
        }
    )


def test_a_frame_of_many_slices_round_trips_with_its_record(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(runs, "PARQUET_SLICE_ROWS", 7)
    frame = _frame(50)
    path = tmp_path / "part.parquet"
    record = runs.write_parquet_atomic(frame, path)
    assert record["rows"] == 50 and record["bytes"] == path.stat().st_size
    assert check_file(path, record) is None  # the checksum is that of the file's bytes
    assert pq.ParquetFile(path).num_row_groups == 8  # one per slice of 7 rows
    pd.testing.assert_frame_equal(pd.read_parquet(path), frame)


def test_a_small_frame_is_one_row_group_and_an_empty_one_is_written(tmp_path) -> None:
    path = tmp_path / "small.parquet"
    record = runs.write_parquet_atomic(_frame(20), path)
    assert pq.ParquetFile(path).num_row_groups == 1 and check_file(path, record) is None
    empty = tmp_path / "empty.parquet"
    record = runs.write_parquet_atomic(_frame(0), empty)
    assert record["rows"] == 0 and check_file(empty, record) is None
    assert len(pd.read_parquet(empty)) == 0
