"""The runner streams: each chunk is written before the next is simulated, and no chunk's
results stay in memory after they are written (so memory does not grow with the chunks)."""

import gc
import weakref

from accord_toy_model import LEVERS, UNCERTAINTIES, toy_simulate

from accord.experiments import make_design, run_experiments
from accord.store.manifest import chunk_path, read_manifest

SEED = 5
CHUNK = 4


def test_each_chunk_is_written_and_released_before_the_next(tmp_path) -> None:
    design = make_design(UNCERTAINTIES, LEVERS, 2 * CHUNK, seed=SEED)
    n_chunks = len(design) // CHUNK
    assert n_chunks >= 4 and len(design) % CHUNK == 0
    run_dir = tmp_path / "streamed"
    frames: list[weakref.ref] = []
    seen: list[int] = []

    def simulate(chunk_design, seed):
        chunk = int(chunk_design["experiment"].iloc[0]) // CHUNK
        if any(ref() is not None for ref in frames):
            gc.collect()  # only a reference cycle waits for the collector (slow: 0.7 s)
        # Every earlier chunk is on disk and in the manifest ...
        recorded, problem = read_manifest(run_dir)
        assert problem is None and sorted(recorded) == list(range(chunk))
        for earlier in range(chunk):
            assert chunk_path(run_dir, "series", earlier).is_file()
            assert chunk_path(run_dir, "scalars", earlier).is_file()
        # ... and its results are no longer held by anyone.
        assert [ref() is None for ref in frames] == [True] * chunk
        result = toy_simulate(chunk_design, seed)
        frames.append(weakref.ref(result.series))
        seen.append(chunk)
        return result

    run = run_experiments(
        simulate,
        design,
        seed=SEED,
        out_dir=tmp_path,
        run_id="streamed",
        meta={"scenario": "toy", "variant": "base"},
        chunk_size=CHUNK,
        progress=False,
    )
    assert seen == list(range(n_chunks))
    assert run.complete and len(run.scalars()) == len(design)
