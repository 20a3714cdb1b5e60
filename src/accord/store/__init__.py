"""The run store: Parquet chunks, their manifest, the writer lock and sandboxed queries.

* :mod:`accord.store.runs` -- a run directory, its catalogue and queries (:class:`Run`,
  :func:`open_run`);
* :mod:`accord.store.manifest` -- the record of every finished chunk (rows, bytes, SHA-256);
* :mod:`accord.store.lock` -- one writer per run.
"""

from accord.store.runs import Run, open_run, read_catalogue

__all__ = ["Run", "open_run", "read_catalogue"]
