"""Run accord's CLI in process, as a user would from a shell, and see what it left behind.

``invoke`` calls :func:`accord.cli.main` (the console entry point) with ``sys.argv`` set,
in a given working directory, capturing stdout and stderr and the exit code; an exception
that escapes ``main`` is reported as a traceback in ``stderr``, exactly as Python would
print it, so that tests can assert there is none.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    written: list[str]

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]


def tree(root: Path) -> set[str]:
    """Every file and folder under ``root`` (relative paths)."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def invoke(args: list[str], cwd: Path, *, watch: Path | None = None) -> Outcome:
    """Run ``accord ARGS`` in ``cwd``; ``written`` lists what appeared under ``watch``
    (default: ``cwd``)."""
    from accord.cli import main

    watch = watch or cwd
    before = tree(watch)
    out, err = io.StringIO(), io.StringIO()
    old_argv, old_cwd = sys.argv, os.getcwd()
    code = 0
    try:
        sys.argv = ["accord", *args]
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            except BaseException:  # what the interpreter would print: a traceback
                err.write(traceback.format_exc())
                code = 1
    finally:
        sys.argv = old_argv
        os.chdir(old_cwd)
    written = sorted(tree(watch) - before)
    return Outcome(code, out.getvalue(), err.getvalue(), written)
