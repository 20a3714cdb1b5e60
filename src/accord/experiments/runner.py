"""Run a design through a simulation, chunk by chunk, into the run store; resume after a kill.

``run_experiments`` splits the design into chunks of consecutive experiments, hands each to
``simulate(design_chunk, seed)`` on the chosen executor, and writes each chunk's results as
soon as it is done (by the worker that computed it, atomically, see :mod:`accord.store.runs`).
Called again with the same arguments on the same run directory, it skips the chunks already
complete; called with different arguments (scenario hash, seed, design), it refuses.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from accord.experiments.design import design_fingerprint
from accord.experiments.executors import ExecutorName, default_workers, map_unordered
from accord.experiments.spec import ChunkResult
from accord.safeio import ensure_directory
from accord.spec.errors import ScenarioError
from accord.spec.limits import check_seed
from accord.store.manifest import Record, run_health
from accord.store.runs import (
    DESIGN_FILE,
    KINDS,
    LOCK_FILE,
    MANIFEST_FILE,
    META_FILE,
    Run,
    RunHealth,
    chunk_path,
    code_version,
    now_iso,
    open_run,
    read_manifest,
    remove_stale_temporaries,
    update_catalogue,
    write_json_atomic,
    write_manifest,
    write_parquet_atomic,
    writer_lock,
)

Simulate = Callable[[pd.DataFrame, int], ChunkResult]
MAX_DEFAULT_CHUNK = 5000


def default_chunk_size(n_experiments: int, workers: int) -> int:
    """About four chunks per worker, at most 5000 experiments per chunk."""
    return int(min(MAX_DEFAULT_CHUNK, max(1, math.ceil(n_experiments / (4 * workers)))))


def default_run_id(meta: Mapping[str, Any], fingerprint: str) -> str:
    """``<scenario>-<variant>-<8 hex of the run's identity>``, safe as a directory name."""
    parts = [str(meta[key]) for key in ("scenario", "variant") if meta.get(key)]
    stem = "-".join(parts) or "run"
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)
    return f"{stem}-{fingerprint[:8]}"


@dataclass(frozen=True)
class _ChunkTask:
    simulate: Simulate
    design_chunk: pd.DataFrame
    seed: int
    run_dir: str
    chunk: int


def check_chunk_result(result: ChunkResult, experiment_ids: np.ndarray, chunk: int) -> None:
    """Raise ``ValueError`` unless ``result`` has exactly the chunk's experiments."""
    if not isinstance(result, ChunkResult):
        raise ValueError(f"chunk {chunk}: simulate must return a ChunkResult, got {type(result)}")
    scalars, series = result.scalars, result.series
    if len(scalars.columns) == 0 or scalars.columns[0] != "experiment":
        raise ValueError(f"chunk {chunk}: scalars must have 'experiment' as first column")
    got = np.sort(scalars["experiment"].to_numpy())
    if got.shape != experiment_ids.shape or not np.array_equal(got, np.sort(experiment_ids)):
        raise ValueError(
            f"chunk {chunk}: scalars must hold each of the chunk's {experiment_ids.size} "
            f"experiments once, got {got.size} rows"
        )
    if list(series.columns[:2]) != ["experiment", "month"]:
        raise ValueError(f"chunk {chunk}: series must start with columns 'experiment', 'month'")
    if not np.isin(series["experiment"].to_numpy(), experiment_ids).all():
        raise ValueError(f"chunk {chunk}: series holds experiments outside the chunk")


def _simulate_and_write(task: _ChunkTask) -> tuple[int, int, dict[str, Record]]:
    """Worker side: simulate one chunk, write its two Parquet files, return their records."""
    result = task.simulate(task.design_chunk, task.seed)
    ids = task.design_chunk["experiment"].to_numpy()
    check_chunk_result(result, ids, task.chunk)
    run_dir = Path(task.run_dir)
    records = {
        "series": write_parquet_atomic(
            result.series.reset_index(drop=True), chunk_path(run_dir, "series", task.chunk)
        ),
        "scalars": write_parquet_atomic(
            result.scalars.reset_index(drop=True), chunk_path(run_dir, "scalars", task.chunk)
        ),
    }
    return task.chunk, int(ids.size), records


def _identity(meta: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "scenario_hash": meta.get("scenario_hash"),
        "seed": meta.get("seed"),
        "design_fingerprint": meta.get("design", {}).get("fingerprint"),
        "n_experiments": meta.get("n_experiments"),
    }


_RUN_ENTRIES = {DESIGN_FILE, META_FILE, MANIFEST_FILE, LOCK_FILE, *KINDS}


def _refuse_foreign_directory(run_dir: Path) -> None:
    """Refuse to write into an existing directory that is not an accord run."""
    if run_dir.exists() and not run_dir.is_dir():
        raise ScenarioError(str(run_dir), "exists and is not a directory", field="out")
    if (
        run_dir.is_dir()
        and not (run_dir / META_FILE).exists()
        and any(
            entry.name not in _RUN_ENTRIES and not entry.name.endswith(".tmp")
            for entry in run_dir.iterdir()
        )
    ):
        raise ScenarioError(str(run_dir), "directory exists and is not an accord run")


def _clear_run_dir(run_dir: Path) -> None:
    """Remove a run's files, keeping the lock file (held by this process)."""
    for entry in run_dir.iterdir():
        if entry.name == LOCK_FILE:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _prepare_run_dir(
    run_dir: Path, meta: dict[str, Any], design: pd.DataFrame, overwrite: bool
) -> dict[str, Any]:
    """Start a new run in ``run_dir`` or check that the stored one is the same; return meta.

    Called with the run's writer lock held.
    """
    meta_file = run_dir / META_FILE
    if meta_file.exists():
        existing = open_run(run_dir).meta
        old, new = _identity(existing), _identity(meta)
        if old == new:
            existing["status"] = "running"
            existing["resumed"] = now_iso()
            write_json_atomic(existing, meta_file)
            for kind in KINDS:
                (run_dir / kind).mkdir(exist_ok=True)
            return existing
        if not overwrite:
            differences = "; ".join(
                f"{key} {old[key]!r} != {new[key]!r}" for key in old if old[key] != new[key]
            )
            raise ScenarioError(
                str(run_dir),
                f"a different run is stored here ({differences}); choose another output "
                "directory or run id, or overwrite it",
            )
        _clear_run_dir(run_dir)
    for kind in KINDS:
        (run_dir / kind).mkdir(exist_ok=True)
    write_parquet_atomic(design, run_dir / DESIGN_FILE)
    # A new run's meta is created exclusively: it never replaces another writer's.
    write_json_atomic(meta, meta_file, exclusive=True)
    return meta


def _check_chunks(
    run_dir: Path, n_chunks: int, status: str
) -> tuple[dict[int, dict[str, Record]], RunHealth]:
    """Verify every recorded chunk; forget and delete the bad ones, keep the good records."""
    health = run_health(run_dir, n_chunks, status)
    recorded, _problem = read_manifest(run_dir)
    kept = {chunk: recorded[chunk] for chunk in health.good}
    for chunk in range(n_chunks):
        if chunk not in kept:
            for kind in KINDS:
                chunk_path(run_dir, kind, chunk).unlink(missing_ok=True)
    if kept != recorded or not (run_dir / MANIFEST_FILE).exists():
        write_manifest(run_dir, kept)
    return kept, health


def _check_run_id(run_id: str) -> None:
    if not run_id or run_id in (".", "..") or "/" in run_id or "\\" in run_id or "\x00" in run_id:
        raise ScenarioError(
            None, "a run id must be a plain folder name", field="run_id", found=run_id
        )


def run_experiments(
    simulate: Simulate,
    design: pd.DataFrame,
    *,
    seed: int,
    out_dir: str | Path,
    executor: ExecutorName = "inprocess",
    chunk_size: int | None = None,
    meta: Mapping[str, Any] | None = None,
    progress: bool = True,
    run_id: str | None = None,
    max_workers: int | None = None,
    dask_address: str | None = None,
    overwrite: bool = False,
) -> Run:
    """Run every experiment of ``design`` through ``simulate`` and store the results.

    Parameters
    ----------
    simulate
        ``simulate(design_chunk, seed) -> ChunkResult``; picklable for processes/dask. It
        must draw its randomness per experiment (:func:`accord.experiments.rng.experiment_rngs`)
        so that results do not depend on chunking.
    design
        Table from :func:`~accord.experiments.design.make_design`: ``experiment`` must be
        ``0..n-1`` in order.
    seed
        Run seed, passed on to ``simulate``.
    out_dir
        Directory of runs; this run goes to ``out_dir/run_id`` and is recorded in
        ``out_dir/catalogue.duckdb``.
    executor
        ``"inprocess"``, ``"processes"`` or ``"dask"`` (see :mod:`accord.experiments.executors`).
    chunk_size
        Experiments per chunk (default: about four chunks per worker, at most 5000). A
        resumed run keeps the chunk size it started with.
    meta
        Run description: ``scenario``, ``variant``, ``scenario_hash`` and anything else
        JSON-serialisable; stored in ``meta.json`` and the catalogue.
    progress
        Show progress with an ETA on stderr (:mod:`accord.spec.progress`): a bar on a terminal,
        a line about every 10 s off it.
    run_id
        Name of the run directory (default: scenario-variant-<hash of scenario hash, seed and
        design>, so the same command resumes the same run).
    max_workers, dask_address
        Passed to the executor.
    overwrite
        Replace an existing, different run of the same ``run_id`` instead of refusing.

    Returns
    -------
    Run
        The stored run (:func:`accord.store.runs.open_run`).
    """
    seed = check_seed(seed)  # before anything is written (the catalogue's BIGINT)
    if "experiment" not in design.columns:
        raise ValueError("the design needs an 'experiment' column")
    ids = design["experiment"].to_numpy()
    n_experiments = len(design)
    if not np.array_equal(ids, np.arange(n_experiments)):
        raise ValueError("design['experiment'] must be 0..n-1 in order")
    workers = 1 if executor == "inprocess" else (max_workers or default_workers())
    fingerprint = design_fingerprint(design)
    user_meta = dict(meta or {})
    design_info = {key: value for key, value in design.attrs.items() if isinstance(key, str)} | {
        "fingerprint": fingerprint
    }
    identity = f"{user_meta.get('scenario_hash')}|{int(seed)}|{fingerprint}"
    import hashlib

    run_key = hashlib.sha256(identity.encode()).hexdigest()
    run_id = run_id or default_run_id(user_meta, run_key)
    out_path = Path(out_dir)
    run_dir = out_path / run_id
    proposed = user_meta | {
        "run_id": run_id,
        "seed": int(seed),
        "design": design_info,
        "n_experiments": n_experiments,
        "chunk_size": int(chunk_size or default_chunk_size(n_experiments, workers)),
        "code_version": code_version(),
        "created": now_iso(),
        "status": "running",
    }
    proposed["n_chunks"] = math.ceil(n_experiments / proposed["chunk_size"])
    _check_run_id(run_id)
    _refuse_foreign_directory(run_dir)
    ensure_directory(out_path, field="out")
    ensure_directory(run_dir, field="out")
    with writer_lock(run_dir):
        run_meta = _prepare_run_dir(run_dir, proposed, design, overwrite)
        remove_stale_temporaries(run_dir, *(run_dir / kind for kind in KINDS))
        size = int(run_meta["chunk_size"])
        n_chunks = int(run_meta["n_chunks"])
        recorded, _health = _check_chunks(run_dir, n_chunks, "running")
        update_catalogue(out_path, run_meta, run_dir)

        todo = [chunk for chunk in range(n_chunks) if chunk not in recorded]
        done_experiments = n_experiments - sum(
            min(size, n_experiments - chunk * size) for chunk in todo
        )
        tasks = (
            _ChunkTask(
                simulate,
                design.iloc[chunk * size : (chunk + 1) * size].reset_index(drop=True),
                int(seed),
                str(run_dir),
                chunk,
            )
            for chunk in todo
        )
        results = map_unordered(
            _simulate_and_write,
            tasks,
            executor=executor,
            max_workers=max_workers,
            dask_address=dask_address,
        )
        from accord.spec.progress import Progress

        with Progress(
            run_id,
            n_experiments,
            unit="experiments",
            completed=done_experiments,
            enabled=progress and bool(todo),
        ) as bar:
            for chunk, n_rows, records in results:
                recorded[chunk] = records
                write_manifest(run_dir, recorded)
                bar.advance(n_rows)

        run_meta["status"] = "complete"
        run_meta["finished"] = now_iso()
        write_json_atomic(run_meta, run_dir / META_FILE)
        update_catalogue(out_path, run_meta, run_dir)
    return open_run(run_dir)
