"""The run store: results on disk as Parquet chunks, with a DuckDB catalogue of runs.

Layout of a run directory::

    <out_dir>/catalogue.duckdb          table ``runs``, one row per run (all runs of out_dir)
    <out_dir>/<run_id>/meta.json        scenario, variant, scenario hash, seed, design, ...
    <out_dir>/<run_id>/design.parquet   the design table
    <out_dir>/<run_id>/chunks.json      rows, bytes and SHA-256 of every finished chunk file
    <out_dir>/<run_id>/.lock            the writer lock (holds the writer's pid)
    <out_dir>/<run_id>/scalars/part-00000.parquet   one row per experiment of chunk 0
    <out_dir>/<run_id>/series/part-00000.parquet    monthly series of chunk 0 (long format)

Every file is written through :func:`accord.safeio.atomic_write` (a temporary name carrying the
writer's pid, then an atomic rename), so a reader or a killed writer never sees half a file.
One process writes a run, under :func:`accord.store.lock.writer_lock`. A chunk counts when
both its files match their record in ``chunks.json`` (:mod:`accord.store.manifest`); a
resumed run recomputes the others. Catalogue writes are few (start and end of a run), made
only by the parent process, under an exclusive file lock, in one DuckDB transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import warnings
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pandas as pd

from accord.safeio import atomic_write, atomic_write_text
from accord.spec.errors import ScenarioError
from accord.store.lock import (
    LOCK_FILE,
    lock_holder,
    process_is_alive,
    remove_stale_temporaries,
    writer_lock,
)
from accord.store.manifest import (
    KINDS,
    MANIFEST_FILE,
    Record,
    RunHealth,
    chunk_path,
    manifest_text,
    read_manifest,
    run_health,
)

__all__ = [
    "CATALOGUE_FILE",
    "DESIGN_FILE",
    "KINDS",
    "LOCK_FILE",
    "MANIFEST_FILE",
    "META_FILE",
    "Run",
    "RunHealth",
    "chunk_path",
    "open_run",
    "read_catalogue",
    "read_manifest",
    "remove_stale_temporaries",
    "update_catalogue",
    "write_json_atomic",
    "write_manifest",
    "write_parquet_atomic",
    "writer_lock",
]

META_FILE = "meta.json"
DESIGN_FILE = "design.parquet"
CATALOGUE_FILE = "catalogue.duckdb"
#: Default time limit of a query, fetching included (``accord query --timeout``). Judgement:
#: the README's queries over a 4,000-experiment run take well under a second; a minute
#: tells a heavy query from a runaway one (a recursive CTE, ``range(1e12)``).
QUERY_TIMEOUT_SECONDS = 60.0
#: Rows per streamed batch (DuckDB's own vector size times about five).
QUERY_BATCH_ROWS = 10_000
#: Share of the machine's memory a query may use before DuckDB spills or refuses.
#: Judgement: DuckDB's default is 80 %; a quarter leaves room for the run that may be
#: writing beside it and for the rest of a shared 2-core, 24 GiB machine.
QUERY_MEMORY_SHARE = 0.25
_PART = re.compile(r"^part-(\d+)\.parquet$")


# ----------------------------------------------------------------------------- writing files


#: Rows converted to Arrow at a time by :func:`write_parquet_atomic`: a large frame (a run's
#: design of 1,000,000 experiments is about 600 MiB) is never copied into Arrow whole; each
#: slice becomes its own row group. Judgement: 262,144 rows is a few tens of MiB of Arrow
#: for the design's 75 columns, and above the 120 x 2,000 = 240,000 series rows of a chunk
#: of the default size, whose files stay one row group as before.
PARQUET_SLICE_ROWS = 262_144


def write_parquet_atomic(frame: pd.DataFrame, path: Path) -> Record:
    """Write ``frame`` to ``path`` atomically; return its record (rows, bytes, SHA-256).

    The file's folder must exist. The checksum is taken from the very bytes written, as
    they stream to the temporary file. The frame is converted to Arrow
    :data:`PARQUET_SLICE_ROWS` rows at a time (one row group each), so beyond the frame
    the write holds one slice, never the whole table or file (a run's design of 1,000,000
    experiments is about 600 MiB, and its random floats barely compress).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    first = pa.Table.from_pandas(frame.iloc[:PARQUET_SLICE_ROWS], preserve_index=False)
    # Dictionary-encode keys and labels only: on float columns it costs 3-4x the write time
    # and makes the files larger (benchmarks/bench_executors.py).
    keyed = [field.name for field in first.schema if not pa.types.is_floating(field.type)]
    digest = hashlib.sha256()
    size = 0

    def write(stream: IO[bytes]) -> None:
        nonlocal first, size
        sink = _HashingSink(stream, digest)
        with pq.ParquetWriter(
            sink, first.schema, compression="zstd", use_dictionary=keyed or False
        ) as writer:
            writer.write_table(first, row_group_size=PARQUET_SLICE_ROWS)
            first = None
            for start in range(PARQUET_SLICE_ROWS, len(frame), PARQUET_SLICE_ROWS):
                piece = frame.iloc[start : start + PARQUET_SLICE_ROWS]
                writer.write_table(
                    pa.Table.from_pandas(piece, schema=writer.schema, preserve_index=False),
                    row_group_size=PARQUET_SLICE_ROWS,
                )
        size = sink.written

    atomic_write(path, write, field="out")
    return {"rows": int(len(frame)), "bytes": size, "sha256": digest.hexdigest()}


class _HashingSink:
    """A write-only file for pyarrow that hashes and counts what it passes on to ``stream``
    (closing it leaves ``stream`` open: :func:`accord.safeio.atomic_write` syncs it)."""

    def __init__(self, stream: IO[bytes], digest: Any) -> None:
        self._stream = stream
        self._digest = digest
        self.written = 0
        self.closed = False

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self._digest.update(view)
        self._stream.write(view)
        self.written += view.nbytes
        return view.nbytes

    def tell(self) -> int:
        return self.written

    def flush(self) -> None:
        self._stream.flush()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


def write_json_atomic(data: dict[str, Any], path: Path, *, exclusive: bool = False) -> None:
    """Write ``data`` as JSON to ``path`` atomically (``exclusive``: only if it is new)."""
    atomic_write_text(
        path,
        json.dumps(data, indent=2, sort_keys=True, default=str),
        field="out",
        exclusive=exclusive,
    )


def write_manifest(run_dir: Path, chunks: dict[int, dict[str, Record]]) -> None:
    """Record the finished chunks of a run in ``chunks.json`` (atomically)."""
    atomic_write_text(Path(run_dir) / MANIFEST_FILE, manifest_text(chunks), field="out")


def chunk_files(run_dir: Path) -> dict[str, set[int]]:
    """Chunk numbers with a final file on disk, per kind (recorded or not)."""
    found = {}
    for kind in KINDS:
        directory = Path(run_dir) / kind
        names = os.listdir(directory) if directory.is_dir() else []
        found[kind] = {int(m.group(1)) for m in map(_PART.match, names) if m}
    return found


# ----------------------------------------------------------------------------- catalogue

CATALOGUE_COLUMNS = (
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
)


#: The catalogue's own connections run only accord's fixed SQL; still no files, no network.
_CATALOGUE_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    import filelock

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with filelock.FileLock(lock_path):  # waits: catalogue writes are short
        yield


def update_catalogue(out_dir: Path, meta: dict[str, Any], run_dir: Path) -> None:
    """Insert or replace the row of a run in ``<out_dir>/catalogue.duckdb`` (locked, atomic)."""
    import duckdb

    out_dir = Path(out_dir)
    row = (
        str(meta.get("run_id")),
        _text(meta.get("scenario")),
        _text(meta.get("variant")),
        _text(meta.get("scenario_hash")),
        int(meta["seed"]),
        json.dumps(meta.get("design", {}), sort_keys=True, default=str),
        int(meta["n_experiments"]),
        _text(meta.get("code_version")),
        _text(meta.get("created")),
        _text(meta.get("status")),
        str(Path(run_dir).resolve()),
    )
    with _locked(out_dir / ".catalogue.lock"):
        try:
            connection = duckdb.connect(str(out_dir / CATALOGUE_FILE), config=_CATALOGUE_CONFIG)
        except duckdb.Error as error:
            # The run itself (meta.json + Parquet) is the record; a catalogue held open by
            # another program must not make a run fail.
            warnings.warn(f"run catalogue not updated: {error}", RuntimeWarning, stacklevel=2)
            return
        try:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS runs (run_id VARCHAR PRIMARY KEY, scenario VARCHAR, "
                "variant VARCHAR, scenario_hash VARCHAR, seed BIGINT, design VARCHAR, "
                "n_experiments BIGINT, code_version VARCHAR, created VARCHAR, status VARCHAR, "
                "path VARCHAR)"
            )
            connection.execute("BEGIN TRANSACTION")
            connection.execute("DELETE FROM runs WHERE run_id = ?", [row[0]])
            connection.execute(f"INSERT INTO runs VALUES ({', '.join('?' * len(row))})", row)
            connection.execute("COMMIT")
        finally:
            connection.close()


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def read_catalogue(out_dir: Path) -> pd.DataFrame:
    """All runs recorded in ``<out_dir>/catalogue.duckdb`` (empty table if there is none)."""
    import duckdb

    path = Path(out_dir) / CATALOGUE_FILE
    if not path.exists():
        return pd.DataFrame(columns=list(CATALOGUE_COLUMNS))
    with _locked(Path(out_dir) / ".catalogue.lock"):
        connection = duckdb.connect(str(path), read_only=True, config=_CATALOGUE_CONFIG)
        try:
            return connection.execute("SELECT * FROM runs ORDER BY created, run_id").df()
        finally:
            connection.close()


# ----------------------------------------------------------------------------- code version


def code_version() -> str:
    """accord's version, plus the git commit of the source tree when there is one."""
    from accord.version import __version__

    commit = _git_commit(Path(__file__).resolve().parent)
    return f"{__version__}+g{commit[:12]}" if commit else __version__


def _git_commit(start: Path) -> str | None:
    for directory in (start, *start.parents):
        git = directory / ".git"
        if git.is_dir():
            try:
                head = (git / "HEAD").read_text().strip()
                if not head.startswith("ref: "):
                    return head
                ref = head[5:]
                if (git / ref).exists():
                    return (git / ref).read_text().strip()
                packed = git / "packed-refs"
                if packed.exists():
                    for line in packed.read_text().splitlines():
                        if line.endswith(" " + ref):
                            return line.split()[0]
            except OSError:
                return None
            return None
    return None


def now_iso() -> str:
    """Current UTC time, ISO 8601, seconds."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# ----------------------------------------------------------------------------- reading runs


class Run:
    """A run on disk: its metadata, design, scalar outcomes and monthly series.

    Only good chunks are read (both files match their record in ``chunks.json``), so a run
    that is still going, was killed or was damaged reads as its intact experiments;
    :meth:`health` says what is missing or damaged.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        meta_file = self.path / META_FILE
        if not meta_file.is_file():
            raise ScenarioError(
                str(self.path), "not an accord run directory", expected=f"a {META_FILE} file"
            )
        try:
            self.meta: dict[str, Any] = json.loads(meta_file.read_text())
        except (OSError, ValueError) as error:
            raise ScenarioError(
                str(meta_file), f"unreadable run metadata: {type(error).__name__}"
            ) from None
        if not isinstance(self.meta, dict):
            raise ScenarioError(str(meta_file), "unreadable run metadata: not a JSON object")
        self._health: tuple[Any, RunHealth] | None = None

    def __repr__(self) -> str:
        return f"Run({str(self.path)!r}, n_experiments={self.meta.get('n_experiments')})"

    @property
    def run_id(self) -> str:
        return str(self.meta.get("run_id", self.path.name))

    @property
    def complete(self) -> bool:
        """True when every chunk has been written and is intact."""
        return self.health().complete

    def health(self) -> RunHealth:
        """Chunk by chunk: good, missing, damaged (checksums verified).

        Verifying reads every chunk file; the answer is kept until a file's size or time of
        change moves, so the views of one connection cost one verification.
        """
        key = self._state_key()
        if self._health is None or self._health[0] != key:
            status = str(self.meta.get("status", "unknown"))
            holder = lock_holder(self.path)
            writer = (
                holder
                if status == "running"
                and holder
                and process_is_alive(holder)
                and holder != os.getpid()
                else None
            )
            health = run_health(self.path, int(self.meta.get("n_chunks") or 0), status, writer)
            self._health = (key, health)
        return self._health[1]

    def _state_key(self) -> tuple[Any, ...]:
        entries: list[tuple[Any, ...]] = []
        for name in (MANIFEST_FILE, META_FILE, *KINDS):
            try:
                info = (self.path / name).stat()
            except OSError:
                continue
            entries.append((name, info.st_size, info.st_mtime_ns))
        for kind, chunks in chunk_files(self.path).items():
            for chunk in sorted(chunks):
                with contextlib.suppress(OSError):
                    info = chunk_path(self.path, kind, chunk).stat()
                    entries.append((kind, chunk, info.st_size, info.st_mtime_ns, info.st_ino))
        return tuple(entries)

    def chunks(self) -> list[int]:
        """Indices of the good chunks (recorded, files intact)."""
        return list(self.health().good)

    def _source(self, kind: str, chunks: Sequence[int]) -> str:
        if kind == "design":
            return f"read_parquet('{_quote(str(self.path / DESIGN_FILE))}')"
        files = [str(chunk_path(self.path, kind, chunk)) for chunk in chunks]
        if not files:
            return ""
        listed = ", ".join(f"'{_quote(f)}'" for f in files)
        return f"read_parquet([{listed}], union_by_name = true)"

    def connect(self, *, temp_directory: str | None = None) -> Any:
        """A sandboxed in-memory DuckDB connection with views ``scalars``, ``series``, ``design``.

        The connection can read files only inside the run directory and cannot change its
        configuration (see :func:`sandboxed_connection`).
        """
        chunks = self.chunks()
        connection = sandboxed_connection(self.path, temp_directory=temp_directory)
        for kind in ("scalars", "series", "design"):
            source = self._source(kind, chunks)
            if source:
                connection.execute(f"CREATE VIEW {kind} AS SELECT * FROM {source}")
            elif kind == "scalars":
                connection.execute(
                    f"CREATE VIEW {kind} AS SELECT NULL::BIGINT AS experiment WHERE false"
                )
            else:
                connection.execute(
                    f"CREATE VIEW {kind} AS SELECT NULL::BIGINT AS experiment, "
                    "NULL::BIGINT AS month WHERE false"
                )
        return connection

    def query(self, sql: str, *, timeout: float = QUERY_TIMEOUT_SECONDS) -> pd.DataFrame:
        """Run one read-only SQL query over the views ``scalars``, ``series`` and ``design``.

        Anything but a single query (``SELECT``, ``WITH``, ``FROM``, ``DESCRIBE``...) is
        refused before it runs: no ``COPY``, ``ATTACH``, ``INSTALL``, ``SET``, ``CREATE``.
        Bad SQL raises :class:`~accord.spec.errors.ScenarioError` with DuckDB's message in one line.
        The query is bounded as :meth:`query_batches` says (``timeout`` seconds, DuckDB's
        memory limit); the whole answer is returned.
        """
        import pandas as pd

        batches = self.query_batches(sql, timeout=timeout)
        try:
            return pd.concat(list(batches), ignore_index=True)
        finally:
            batches.close()

    def query_batches(
        self,
        sql: str,
        *,
        timeout: float = QUERY_TIMEOUT_SECONDS,
        batch_rows: int = QUERY_BATCH_ROWS,
    ) -> Generator[pd.DataFrame, None, None]:
        """The answer of :meth:`query` as DataFrames of at most ``batch_rows`` rows, streamed.

        At least one frame is yielded (empty when there are no rows, with the columns).
        Bounds (docs/experiments.md, "Querying a run"): the query, fetching included, is
        interrupted after ``timeout`` seconds (:class:`~accord.spec.errors.ScenarioError` naming
        ``timeout``); DuckDB may use at most :func:`query_memory_limit` bytes and spills
        beyond that into a temporary folder that is removed when the generator ends (close
        it, or exhaust it, to release the connection at once).
        """
        import shutil
        import tempfile
        import threading

        import duckdb

        check_read_only_query(sql, source=str(self.path))
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
            raise ScenarioError(
                str(self.path), "must be a number of seconds > 0", field="timeout", found=timeout
            )
        spill = tempfile.mkdtemp(prefix="accord-query-")
        timer: threading.Timer | None = None
        try:
            connection = self.connect(temp_directory=spill)
            try:
                timer = threading.Timer(float(timeout), connection.interrupt)
                timer.daemon = True
                timer.start()
                reader = connection.sql(sql).to_arrow_reader(batch_rows)
                sent = False
                for batch in reader:
                    sent = True
                    yield batch.to_pandas()
                if not sent:
                    yield reader.schema.empty_table().to_pandas()
            except duckdb.InterruptException:
                raise ScenarioError(
                    str(self.path),
                    f"query stopped after {timeout:g} s",
                    field="timeout",
                    expected="a query that ends in time, or a larger --timeout",
                ) from None
            except duckdb.Error as error:
                raise ScenarioError(str(self.path), f"query failed: {_one_line(error)}") from None
            finally:
                if timer is not None:
                    timer.cancel()
                connection.close()
        finally:
            shutil.rmtree(spill, ignore_errors=True)

    def _select(
        self, kind: str, columns: Sequence[str] | None, keys: Sequence[str]
    ) -> pd.DataFrame:
        if columns is None:
            selected = "*"
        else:
            wanted = list(keys) + [c for c in columns if c not in keys]
            selected = ", ".join(_identifier(c) for c in wanted)
        order = ", ".join(_identifier(k) for k in keys)
        import duckdb

        connection = self.connect()
        try:
            return connection.execute(f"SELECT {selected} FROM {kind} ORDER BY {order}").df()
        except duckdb.Error as error:
            raise ScenarioError(str(self.path), f"cannot read {kind}: {_one_line(error)}") from None
        finally:
            connection.close()

    def scalars(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Scalar outcomes, one row per experiment, sorted by ``experiment``."""
        return self._select("scalars", columns, ["experiment"])

    def series(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Monthly series (long: ``experiment``, ``month``, variables), sorted."""
        return self._select("series", columns, ["experiment", "month"])

    def design(self) -> pd.DataFrame:
        """The design table of the run (experiment, uncertainties, levers)."""
        import pyarrow.parquet as pq

        return pq.read_table(self.path / DESIGN_FILE).to_pandas()


RunHandle = Run


def open_run(path: str | os.PathLike[str]) -> Run:
    """Open the run stored in ``path`` (a directory holding ``meta.json``)."""
    return Run(path)


# ----------------------------------------------------------------------------- SQL sandbox

#: Statement types ``Run.query`` accepts. EXPLAIN is left out: ``EXPLAIN ANALYZE`` executes
#: the statement it explains, whatever its type.
QUERY_STATEMENTS = frozenset({"SELECT"})
_MESSAGE_LIMIT = 300


def query_memory_limit() -> int:
    """Bytes a query's DuckDB may use: :data:`QUERY_MEMORY_SHARE` of physical memory."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 8 * 1024**3  # judgement: a small machine, where sysconf cannot tell
    return max(int(total * QUERY_MEMORY_SHARE), 256 * 1024**2)


def sandboxed_connection(
    directory: str | os.PathLike[str], *, temp_directory: str | None = None
) -> Any:
    """An in-memory DuckDB connection confined to reading files inside ``directory``.

    ``allowed_directories`` is the directory (with a trailing separator, so a sibling whose
    name starts the same is outside), ``enable_external_access=false`` refuses every other
    path, URL, extension install or load, ``temp_directory=''`` keeps DuckDB from spilling
    files into the working directory (given ``temp_directory``, it spills there instead: a
    temporary folder its caller removes), ``memory_limit`` is :func:`query_memory_limit`, and
    ``lock_configuration=true`` stops SQL from undoing any of it (DuckDB's documented way to
    sandbox untrusted SQL, "Securing DuckDB").
    """
    import duckdb

    folder = str(Path(directory).resolve()) + os.sep
    connection = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        },
    )
    try:
        # allowed_directories can only be set once the database is started, and before
        # external access is disabled: hence SET statements in this order.
        connection.execute(f"SET allowed_directories = ['{_quote(folder)}']")
        connection.execute(f"SET temp_directory = '{_quote(temp_directory or '')}'")
        connection.execute(f"SET memory_limit = '{query_memory_limit()}B'")
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
    except BaseException:
        connection.close()
        raise
    return connection


def check_read_only_query(sql: str, *, source: str | None = None) -> None:
    """Raise ScenarioError unless ``sql`` is exactly one query (a SELECT statement).

    DuckDB's own parser (``duckdb.extract_statements``) decides the statement type, so
    comments, quoting or case cannot smuggle a ``COPY`` or ``ATTACH`` past the check.
    """
    import duckdb

    if not sql or not sql.strip():
        raise ScenarioError(source, "empty query", field="sql", expected="one SELECT statement")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        raise ScenarioError(source, f"query failed: {_one_line(error)}", field="sql") from None
    if len(statements) != 1:
        raise ScenarioError(
            source,
            "only one statement per query",
            field="sql",
            expected="one SELECT statement",
            found=f"{len(statements)} statements",
        )
    kind = statements[0].type.name
    if kind == "LOAD" and _first_words(statements[0].query) & {"INSTALL"}:
        kind = "INSTALL"  # DuckDB parses INSTALL as a LOAD statement
    if kind not in QUERY_STATEMENTS:
        raise ScenarioError(
            source,
            "queries over a run are read-only",
            field="sql",
            expected="one SELECT statement",
            found=kind,
        )


def _first_words(sql: str) -> set[str]:
    """The first two words of ``sql``, upper-cased, comments left out (``FORCE INSTALL``)."""
    text = re.sub(r"/\*.*?\*/|--[^\n]*", " ", sql, flags=re.DOTALL)
    return {word.upper() for word in text.split()[:2]}


def _one_line(error: BaseException) -> str:
    """DuckDB's message, first line only, bounded (its messages add a caret diagram)."""
    text = str(error).strip()
    line = text.splitlines()[0] if text else type(error).__name__
    return line if len(line) <= _MESSAGE_LIMIT else line[: _MESSAGE_LIMIT - 3] + "..."


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
