"""CLI command: ``accord dashboard`` -- the web dashboard over stored runs (127.0.0.1 only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add ``accord dashboard``."""
    app.command("dashboard")(dashboard)


def dashboard(
    runs_dir: Annotated[
        Path,
        typer.Argument(
            help="Folder of stored runs (e.g. out/ukraine-2025, or a folder holding several)."
        ),
    ] = Path("runs"),
    port: Annotated[
        int, typer.Option("--port", "-p", min=1, max=65535, help="Port on 127.0.0.1.")
    ] = 8050,
    no_token: Annotated[
        bool,
        typer.Option(
            "--no-token",
            help="Serve without the secret token (127.0.0.1 only): any local user "
            "can then drive the dashboard.",
        ),
    ] = False,
    max_running: Annotated[
        int,
        typer.Option(
            "--max-running", min=1, max=4, help="Runs started from the page that run at once."
        ),
    ] = 1,
    max_queued: Annotated[
        int,
        typer.Option(
            "--max-queued", min=0, max=8, help="Runs started from the page that may wait."
        ),
    ] = 2,
    detach_jobs: Annotated[
        bool,
        typer.Option(
            "--detach-jobs",
            help="Let runs started from the page go on after the dashboard "
            "stops (by default they are ended with it).",
        ),
    ] = False,
) -> None:
    """Serve the dashboard on http://127.0.0.1:PORT (only this machine can reach it)."""
    from accord.spec.errors import ScenarioError

    if not runs_dir.is_dir():
        raise ScenarioError(
            str(runs_dir),
            "no such folder of runs",
            field="RUNS_DIR",
            expected="a directory written by accord run",
        )
    try:
        import shiny  # noqa: F401
    except ImportError:
        raise ScenarioError(
            None, "the dashboard needs Shiny for Python", expected='pip install "accord[dashboard]"'
        ) from None
    from accord.dashboard import HOST, serve
    from accord.dashboard.guard import new_token

    if no_token:
        if HOST != "127.0.0.1":  # the dashboard serves only 127.0.0.1 today; keep the rule
            raise ScenarioError(None, "--no-token is allowed only on 127.0.0.1", field="--no-token")
        typer.echo(
            "warning: --no-token: any user or program on this machine can open "
            "the dashboard and start runs (other web pages are still refused by the "
            "Origin check)",
            err=True,
        )
        token = None
        typer.echo(f"accord dashboard on http://{HOST}:{port}/ (Ctrl-C stops it)", err=True)
    else:
        token = new_token()
        typer.echo(
            f"accord dashboard on http://{HOST}:{port}/?token={token} "
            "(open this URL; Ctrl-C stops it)",
            err=True,
        )
    serve(runs_dir, port, token=token, running=max_running, queued=max_queued, detach=detach_jobs)
