"""accord's web dashboard (Shiny for Python): explore stored runs and ask new questions.

``accord dashboard [RUNS_DIR] [--port P]`` serves it on 127.0.0.1. Shiny is imported only when
the dashboard is built or served. How to use it and why it is built this way:
``docs/dashboard.md``.

Modules
-------
data
    The one door to the library: catalogue of runs, their tables, analyses, what-ifs, new runs.
app
    The shell: the header and the tabs, one Shiny module per page.
pages
    The pages, one Shiny module each (``page_ui`` / ``page_server``).
state
    What the pages share, passed explicitly: the process's store, the session's selection, and
    the worker threads beside Shiny's flush.
widgets
    Messages, numbers and tables as every page shows them.
shiny_costs
    Shiny's source lookups at a session's start, kept per piece of code.
figures
    matplotlib Figures for the pages.
worker
    A run started from the page, in its own process.
guard
    The ASGI middleware that refuses foreign Hosts, Origins and requests without the token.
"""

from __future__ import annotations

from pathlib import Path

HOST = "127.0.0.1"


def serve(
    runs_dir: str | Path,
    port: int = 8050,
    *,
    token: str | None = None,
    running: int | None = None,
    queued: int | None = None,
    detach: bool = False,
    launch_browser: bool = False,
) -> None:
    """Serve the dashboard over ``runs_dir`` on 127.0.0.1:``port`` until interrupted.

    Every request passes :class:`accord.dashboard.guard.Guard` (own Host and Origin only, and
    ``token`` unless it is None). Runs started from the page go through one
    :class:`accord.dashboard.data.JobQueue` (``running`` / ``queued`` caps) and end with the
    dashboard unless ``detach``.
    """
    import uvicorn

    from accord.dashboard import data
    from accord.dashboard.app import create_app
    from accord.dashboard.guard import Guard

    queue = data.JobQueue(
        data.MAX_RUNNING_JOBS if running is None else running,
        data.MAX_QUEUED_JOBS if queued is None else queued,
        detach=detach,
    )
    app = Guard(create_app(runs_dir, queue=queue), port=port, token=token)
    try:
        # Open pages must not hold the shutdown (and the jobs' end) for long.
        uvicorn.run(app, host=HOST, port=port, log_level="warning", timeout_graceful_shutdown=3)
    finally:
        queue.stop()
