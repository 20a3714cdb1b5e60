"""Summaries of a run kept beside it: computed once, read back while the run is unchanged.

A face that summarises a run (the report, the dashboard, ``accord compare``) asks
:func:`cached_value` for a value by a *name* and its *parameters*. The value is kept as JSON in
``<run>/summaries/<name>-<hash of the parameters>.json`` with the fingerprint of every run it
was computed from (:func:`fingerprint`); it is read back while those fingerprints match, and
computed again (and the file rewritten) when one changed. A file that cannot be read or
parsed, or that is for other runs, counts as absent: it is recomputed and rewritten, never an
error. A run folder that cannot be written (read-only, a full disk) keeps no summary; the value
is still returned.

A run's fingerprint covers its ``meta.json`` and ``chunks.json`` (their bytes: the manifest
holds every chunk's SHA-256) and the size and time of change of its design and of every chunk
file it names, so that a chunk rewritten, truncated or replaced, a resumed or overwritten run,
or new metadata gives a new fingerprint, without reading the chunks (``os.stat`` only).

Files are written through :func:`accord.safeio.atomic_write_text` (a temporary name, then an
atomic rename): a reader never sees half a summary, and two processes computing the same one
at once both write a whole file. This module knows nothing of what the values mean and imports
neither pandas nor numpy.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from accord.safeio import atomic_write_text, ensure_directory
from accord.spec.errors import ScenarioError
from accord.store.manifest import KINDS, MANIFEST_FILE, chunk_path, read_manifest

SUMMARY_DIR = "summaries"
#: Version of the summary files; a file of another version is recomputed.
SUMMARY_VERSION = 1
_META_FILE = "meta.json"  # as accord.store.runs.META_FILE (runs imports pandas)
_DESIGN_FILE = "design.parquet"

T = TypeVar("T")


def fingerprint(run_dir: str | os.PathLike[str]) -> str:
    """A hash that changes whenever the data a reader gets from the run may change."""
    folder = Path(run_dir)
    digest = hashlib.sha256()
    for name in (_META_FILE, MANIFEST_FILE):
        try:
            digest.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
        except OSError:
            digest.update(name.encode() + b"\0-\0")
    chunks, _ = read_manifest(folder)
    paths = [folder / _DESIGN_FILE]
    paths += [chunk_path(folder, kind, chunk) for chunk in sorted(chunks) for kind in KINDS]
    for path in paths:
        try:
            info = path.stat()
            digest.update(f"{path.name}:{info.st_size}:{info.st_mtime_ns}:{info.st_ino}".encode())
        except OSError:
            digest.update(f"{path.name}:-".encode())
    return digest.hexdigest()


def _parameters_hash(name: str, parameters: dict[str, Any]) -> str:
    text = json.dumps({"name": name, "parameters": parameters}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def summary_path(run_dir: str | os.PathLike[str], name: str, parameters: dict[str, Any]) -> Path:
    """The file that keeps the summary ``name`` with ``parameters`` of a run."""
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise ValueError(f"a summary name is letters, digits, '-' and '_', got {name!r}")
    return Path(run_dir) / SUMMARY_DIR / f"{name}-{_parameters_hash(name, parameters)}.json"


def _marks(run_dirs: Sequence[str | os.PathLike[str]]) -> list[str]:
    return [fingerprint(folder) for folder in run_dirs]


def read_summary(
    run_dirs: Sequence[str | os.PathLike[str]], name: str, parameters: dict[str, Any]
) -> tuple[bool, Any]:
    """``(True, value)`` when a valid summary is kept for these runs, else ``(False, None)``.

    The summary lives in the first run's folder and is valid while every run's fingerprint
    is the one it was computed from.
    """
    path = summary_path(run_dirs[0], name, parameters)
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return False, None
    if (
        not isinstance(kept, dict)
        or kept.get("version") != SUMMARY_VERSION
        or kept.get("name") != name
        or kept.get("parameters") != json.loads(json.dumps(parameters, default=str))
        or kept.get("runs") != _marks(run_dirs)
        or "value" not in kept
    ):
        return False, None
    return True, kept["value"]


def write_summary(
    run_dirs: Sequence[str | os.PathLike[str]],
    name: str,
    parameters: dict[str, Any],
    value: Any,
    marks: list[str] | None = None,
) -> bool:
    """Keep ``value`` (JSON: NaN and infinities allowed) for these runs; False when the run's
    folder cannot be written (nothing is kept then)."""
    path = summary_path(run_dirs[0], name, parameters)
    body = {
        "version": SUMMARY_VERSION,
        "name": name,
        "parameters": parameters,
        "runs": marks if marks is not None else _marks(run_dirs),
        "value": value,
    }
    try:
        text = json.dumps(body, sort_keys=True, default=str)
        ensure_directory(path.parent, field="summaries")
        atomic_write_text(path, text, field="summaries")
    except (ScenarioError, OSError, TypeError, ValueError):
        return False
    return True


def cached_value(
    run_dirs: Sequence[str | os.PathLike[str]],
    name: str,
    parameters: dict[str, Any],
    compute: Callable[[], T],
    *,
    encode: Callable[[T], Any] = lambda value: value,
    decode: Callable[[Any], T] = lambda value: value,
) -> T:
    """The summary ``name`` of ``run_dirs`` with ``parameters``: read back when kept for the
    runs as they are, else ``compute()``, kept (``encode``: to JSON) and returned.

    ``decode`` turns the JSON back into the value; a kept value it cannot decode counts as
    absent. The runs' fingerprints are taken before computing, so a run that changes while
    its summary is computed gets it computed again the next time.
    """
    if not run_dirs:
        raise ValueError("cached_value needs at least one run folder")
    found, kept = read_summary(run_dirs, name, parameters)
    if found:
        with contextlib.suppress(Exception):  # a damaged value: recomputed below
            return decode(kept)
    marks = _marks(run_dirs)
    value = compute()
    write_summary(run_dirs, name, parameters, encode(value), marks)
    return value
