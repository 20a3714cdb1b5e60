"""Chunk integrity: what was written (rows, bytes, SHA-256), and whether it is still there.

When a worker writes a chunk's Parquet file it returns the file's row count, size and SHA-256,
computed from the bytes it wrote. The parent process records them in ``<run>/chunks.json``
(rewritten atomically after each chunk), so the manifest only ever names finished chunks.

A chunk is *good* when its manifest entry exists and both its files match it: same size, a
readable Parquet footer with the recorded row count, the same SHA-256. Readers use only good
chunks; a resumed run recomputes every other chunk. A chunk is *damaged* when it was recorded
but its files no longer match (truncated, overwritten, deleted); it is *missing* when it was
never recorded (not computed yet, or the run was killed before the parent recorded it).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST_FILE = "chunks.json"
MANIFEST_VERSION = 1
KINDS = ("scalars", "series")

Record = dict[str, Any]  # {"rows": int, "bytes": int, "sha256": str}


def chunk_path(run_dir: str | os.PathLike[str], kind: str, chunk: int) -> Path:
    """Final path of a chunk's Parquet file (``kind`` is "scalars" or "series")."""
    return Path(run_dir) / kind / f"part-{chunk:05d}.parquet"


def parquet_record(data: bytes, rows: int) -> Record:
    """The manifest record of a Parquet file's bytes."""
    return {"rows": int(rows), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def check_file(path: Path, record: Record | None) -> str | None:
    """Why ``path`` does not match ``record`` (None when it does)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if record is None:
        return "no checksum recorded"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "file missing"
    except OSError as error:
        return f"unreadable: {error.strerror}"
    if len(data) != record.get("bytes"):
        return f"{len(data)} bytes, {record.get('bytes')} written"
    try:
        rows = pq.ParquetFile(pa.BufferReader(data)).metadata.num_rows
    except (pa.ArrowException, OSError, ValueError):
        return "Parquet footer unreadable"
    if rows != record.get("rows"):
        return f"{rows} rows, {record.get('rows')} written"
    if hashlib.sha256(data).hexdigest() != record.get("sha256"):
        return "checksum mismatch"
    return None


Chunks = dict[int, dict[str, Record]]  # {chunk: {kind: record}}


def read_manifest(run_dir: str | os.PathLike[str]) -> tuple[Chunks, str | None]:
    """The recorded chunks ``{chunk: {kind: record}}``, and why the manifest is unusable."""
    path = Path(run_dir) / MANIFEST_FILE
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError) as error:
        return {}, f"{MANIFEST_FILE} unreadable ({type(error).__name__})"
    try:
        chunks = {
            int(key): {kind: dict(value[kind]) for kind in KINDS}
            for key, value in data["chunks"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}, f"{MANIFEST_FILE} malformed"
    return chunks, None


def manifest_text(chunks: dict[int, dict[str, Record]]) -> str:
    """The JSON text of a manifest (chunks in order)."""
    body = {
        "version": MANIFEST_VERSION,
        "chunks": {str(chunk): chunks[chunk] for chunk in sorted(chunks)},
    }
    return json.dumps(body, indent=1, sort_keys=True)


@dataclass(frozen=True)
class RunHealth:
    """What is on disk for a run, chunk by chunk.

    Attributes
    ----------
    n_chunks
        Chunks the run will have when complete.
    good
        Chunks whose files match their manifest record (the only ones read).
    missing
        Chunks not (yet) recorded.
    damaged
        ``(file, reason)`` for recorded chunks whose files no longer match, relative to the
        run directory (and the manifest itself when it is unreadable).
    status
        ``meta.json``'s status ("running" or "complete").
    writer
        Pid of the process writing the run now, if one is alive.
    """

    n_chunks: int
    good: tuple[int, ...]
    missing: tuple[int, ...]
    damaged: tuple[tuple[str, str], ...]
    status: str
    writer: int | None = None

    @property
    def complete(self) -> bool:
        return self.status == "complete" and len(self.good) == self.n_chunks

    def problem(self) -> str | None:
        """One line saying what is wrong (None when the run is complete and intact)."""
        if self.complete and not self.damaged:
            return None
        parts = []
        if self.writer is not None:
            parts.append(f"still being written (pid {self.writer})")
        elif self.missing or self.status != "complete":
            parts.append("incomplete")
        parts.append(f"{len(self.good)} of {self.n_chunks} chunks usable")
        if self.damaged:
            shown = ", ".join(f"{name} ({reason})" for name, reason in self.damaged[:3])
            more = f" and {len(self.damaged) - 3} more" if len(self.damaged) > 3 else ""
            parts.append(f"damaged: {shown}{more}")
        advice = (
            ""
            if self.writer is not None
            else ("; run the same accord run command again to finish and repair it")
        )
        return "; ".join(parts) + "; results below use the usable chunks only" + advice


def run_health(
    run_dir: str | os.PathLike[str], n_chunks: int, status: str, writer: int | None = None
) -> RunHealth:
    """Check every chunk of a run against its manifest (reads every chunk file once)."""
    folder = Path(run_dir)
    recorded, manifest_problem = read_manifest(folder)
    good, missing, damaged = [], [], []
    if manifest_problem:
        damaged.append((MANIFEST_FILE, manifest_problem))
    for chunk in range(n_chunks):
        record = recorded.get(chunk)
        if record is None:
            missing.append(chunk)
            continue
        problems = [
            (f"{kind}/{chunk_path(folder, kind, chunk).name}", reason)
            for kind in KINDS
            if (reason := check_file(chunk_path(folder, kind, chunk), record[kind]))
        ]
        if problems:
            damaged.extend(problems)
        else:
            good.append(chunk)
    return RunHealth(n_chunks, tuple(good), tuple(missing), tuple(damaged), status, writer)
