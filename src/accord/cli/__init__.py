"""accord's command line (typer + rich).

Each command group lives in its own module and registers itself on ``app``; a command only
parses its options, calls the library (:mod:`accord.workflows`) and prints. Errors in user
input (``ScenarioError``) print as one line on stderr and exit with code 2, in one place:
:func:`fail`, wrapped around every command by :func:`_guard_commands`.
"""

from __future__ import annotations

import atexit
import copy
import functools
import gc
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, NoReturn

import typer

from accord.spec.errors import ScenarioError

app = typer.Typer(
    name="accord",
    help="Exploratory modelling of the transatlantic security system around the war in Ukraine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from accord import __version__

        typer.echo(f"accord {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help="Print the version of accord and exit.",
    ),
) -> None:
    """Exploratory modelling of the transatlantic security system around the war in Ukraine."""


def fail(error: ScenarioError) -> NoReturn:
    """The one path from bad input to the user: one line on stderr, exit code 2."""
    typer.echo(f"error: {error}", err=True)
    # SystemExit (not typer.Exit) so the code survives both `app(standalone_mode=False)`
    # and typer's CliRunner.
    raise SystemExit(2) from None


def _guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(command)  # typer reads the signature through __wrapped__
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ScenarioError as error:
            fail(error)

    return guarded


def _guard_commands(typer_app: typer.Typer) -> None:
    for info in typer_app.registered_commands:
        if info.callback is not None:
            info.callback = _guarded(info.callback)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _guard_commands(group.typer_instance)


def _register() -> None:
    # Imported here so each module stays small and `accord --help` stays fast: the
    # modules import heavy libraries only inside their commands.
    from accord.cli import burden, dashboard, experiment, fit, forecast, run, runs, scenario

    for module in (scenario, forecast, burden, run, runs, experiment, fit, dashboard):
        module.register(app)
    from accord.cli import ask, calibrate, sensitivity

    for late in (calibrate, ask, sensitivity):
        late.register(app)
    _guard_commands(app)


_register()


def main() -> None:
    """Entry point: run the app, turning a ScenarioError into one line and exit code 2."""
    _never_fail_on_encoding()
    _fewer_collections()
    try:
        # Without standalone mode click returns a command's exit code instead of exiting.
        code = _only_the_command(sys.argv[1:])(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except ScenarioError as error:  # raised outside a command (e.g. an option callback)
        fail(error)
    except (typer.Exit, SystemExit) as done:
        code = getattr(done, "exit_code", None) or getattr(done, "code", 0) or 0
        sys.exit(code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except Exception as error:
        # Usage errors (bad option values, missing arguments) are click exceptions, which
        # carry their own message and exit code. Matched by that interface, not by class:
        # typer up to 0.2x re-exports click's, later versions bundle their own copy of click.
        show, exit_code = getattr(error, "show", None), getattr(error, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            sys.exit(exit_code)
        raise


#: Commands whose process ends without the interpreter's teardown (:func:`run`): they hold
#: no open files, database connections or threads once they return (issue 21, session 10).
EXIT_FAST = frozenset({"forecast"})


def run() -> NoReturn:
    """The process entry point (``python -m accord``, the ``accord`` script): :func:`main`,
    and then, for the commands of :data:`EXIT_FAST`, the end of the process without the
    interpreter's teardown.

    A normal exit frees every module, class and object one by one (about 0.04-0.05 s of a
    static forecast's 0.3 s cpu: the pydantic models, numpy, typer). After the command has
    returned nothing of that is needed: ``atexit`` handlers run, stdout and stderr are
    flushed, and the process ends with the same exit code (``os._exit``). The normal exit
    is kept when another Python thread is alive (it would be joined), under a tracer or
    profiler (``python -m cProfile``, coverage: they report at the end), and when stdout or
    stderr cannot be flushed (a closed pipe: the interpreter reports it as before).
    :func:`main` itself always raises SystemExit, for callers in process.
    """
    try:
        main()
    except SystemExit as done:
        code = done.code
        if code is None or (isinstance(code, int) and not isinstance(code, bool)):
            if _may_exit_fast(sys.argv[1:]):
                _exit_now(code or 0)
        raise
    raise SystemExit(0)  # main() always exits; for the type checker


def _may_exit_fast(argv: list[str]) -> bool:
    return (
        bool(argv)
        and argv[0] in EXIT_FAST
        and threading.active_count() == 1
        and sys.gettrace() is None
        and sys.getprofile() is None
    )


def _exit_now(code: int) -> None:
    """End the process with ``code`` after the atexit handlers and a flush of the standard
    streams; return (to the normal exit) when a stream cannot be flushed before them."""
    if not _flushed():
        return
    atexit._run_exitfuncs()
    os._exit(code if _flushed() else 120)  # 120: what the interpreter exits with then


def _flushed() -> bool:
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return False
    return True


def _never_fail_on_encoding() -> None:
    """Print what the terminal cannot encode as escapes instead of crashing (a name in
    Cyrillic on an ASCII terminal, say): text is data, and output must not fail on it."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if callable(reconfigure):
            reconfigure(errors="backslashreplace")


def _only_the_command(argv: list[str]) -> typer.Typer:
    """``app`` with only the command (or group) that ``argv`` names, when it names one.

    typer converts every registered command to a click command before it parses anything
    (about 0.05 s for accord's 20-odd commands, issue 21); one command's conversion is all a
    run needs. Its help, usage errors and exit codes are the same, as click reports them from
    the command that runs. Anything else (``--help``, ``--version``, no command, an unknown
    or misspelt name, which click answers with the list of commands) gets the whole ``app``.
    """
    name = argv[0] if argv else ""
    commands = [
        info
        for info in app.registered_commands
        if info.callback is not None
        and (info.name or typer.main.get_command_name(info.callback.__name__)) == name
    ]
    groups = [info for info in app.registered_groups if info.name == name]
    if name.startswith("-") or len(commands) + len(groups) != 1:
        return app
    only = copy.copy(app)
    only.registered_commands = commands
    only.registered_groups = groups
    return only


def _fewer_collections() -> None:
    """Collect young garbage every 50,000 allocations, not 700: a start-up allocates several
    hundred thousand objects that all stay alive (modules, classes, pydantic models, the
    parsed scenario), and the collector traverses them again and again for nothing (with
    700, about 100 collections and 0.04 s of a static forecast's cpu; with 50,000, one or
    two and 0.01 s; issue 21). Cyclic garbage waits at most 50,000 allocations (a few MB).
    Only the ``accord`` command changes it (:func:`main`), never importing accord."""
    threshold = gc.get_threshold()
    if threshold[0] < 50_000:
        gc.set_threshold(50_000, *threshold[1:])
