"""The run store: Parquet chunks, their manifest, the writer lock and sandboxed queries.

* :mod:`accord.store.runs` -- a run directory, its catalogue and queries (``Run``, ``open_run``);
* :mod:`accord.store.manifest` -- the record of every finished chunk (rows, bytes, SHA-256);
* :mod:`accord.store.lock` -- one writer per run.

This package imports none of them, so that the lock and the manifest load without pandas.
"""
