"""``accord.cli.run`` (the process entry point) ends a forecast without the interpreter's
teardown (issue 21, session 10): same output, errors and exit codes as the normal exit of
:func:`accord.cli.main`, atexit handlers still run, and the normal exit where it matters.

Each case is a fresh interpreter. ``teardown`` is printed by an object's ``__del__`` when the
interpreter frees ``__main__``'s globals, i.e. only on a normal exit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KTAB = ROOT / "tests" / "validation" / "data" / "ktab_smp" / "dummyData_3Dim.csv"

PROBE = (
    "import atexit, sys, threading\n"
    "class Teardown:\n"
    "    def __del__(self):\n"
    "        sys.stderr.write('teardown\\n')\n"
    "witness = Teardown()\n"
    "atexit.register(lambda: sys.stderr.write('atexit\\n'))\n"
    "{setup}\n"
    "sys.argv = ['accord', *sys.argv[1:]]\n"
    "from accord.cli import {entry}\n"
    "{entry}()\n"
)


def _accord(*args: str, entry: str = "run", setup: str = "") -> subprocess.CompletedProcess[str]:
    code = PROBE.format(entry=entry, setup=setup)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


CASES = [
    ("forecast", str(KTAB), "--model", "smp"),
    ("forecast", str(KTAB), "--model", "smp", "--format", "json"),
    ("forecast", "ukraine-2025", "--model", "compromise"),
    ("forecast", str(KTAB), "--model", "nosuchmodel"),  # ScenarioError: exit 2
    ("forecast", str(KTAB), "--draws", "0"),  # usage error
    ("forecast", "no-such-scenario"),
    ("forecast", "--help"),
]


def test_forecast_exits_fast_with_the_same_output_and_code() -> None:
    for args in CASES:
        fast, normal = _accord(*args), _accord(*args, entry="main")
        assert fast.returncode == normal.returncode, args
        assert fast.stdout == normal.stdout, args
        # the normal exit frees __main__ (teardown), the fast one does not; atexit runs in both
        assert normal.stderr.endswith("atexit\nteardown\n"), (args, normal.stderr)
        assert fast.stderr == normal.stderr.removesuffix("teardown\n"), args


def test_python_m_accord_exits_fast() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    fast = subprocess.run(
        [sys.executable, "-m", "accord", "forecast", str(KTAB), "--model", "smp"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    normal = _accord("forecast", str(KTAB), "--model", "smp", entry="main")
    assert fast.returncode == normal.returncode == 0
    assert fast.stdout == normal.stdout


def test_normal_exit_for_other_commands_and_threads() -> None:
    other = _accord("--version")
    assert other.returncode == 0 and other.stderr.endswith("atexit\nteardown\n")
    thread = (
        "import time\n"
        "threading.Thread(target=time.sleep, args=(2.0,)).start()"  # joined by a normal exit
    )
    joined = _accord("forecast", str(KTAB), "--model", "smp", setup=thread)
    assert joined.returncode == 0 and joined.stderr.endswith("teardown\n"), joined.stderr


def test_exit_fast_only_without_threads_tracer_or_profiler(monkeypatch) -> None:
    from accord import cli

    monkeypatch.setattr(sys, "gettrace", lambda: None)
    monkeypatch.setattr(sys, "getprofile", lambda: None)
    monkeypatch.setattr(cli.threading, "active_count", lambda: 1)
    assert cli._may_exit_fast(["forecast", "x"])
    assert not cli._may_exit_fast(["validate", "x"])
    assert not cli._may_exit_fast([])
    monkeypatch.setattr(cli.threading, "active_count", lambda: 2)
    assert not cli._may_exit_fast(["forecast", "x"])
    monkeypatch.setattr(cli.threading, "active_count", lambda: 1)
    monkeypatch.setattr(sys, "gettrace", lambda: print)
    assert not cli._may_exit_fast(["forecast", "x"])
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    monkeypatch.setattr(sys, "getprofile", lambda: print)
    assert not cli._may_exit_fast(["forecast", "x"])


def test_main_in_process_still_raises_system_exit() -> None:
    """Callers of main() in process (tests, scripts) keep getting SystemExit."""
    code = (
        "import sys\n"
        "sys.argv = ['accord', 'forecast', sys.argv[1], '--model', 'smp']\n"
        "from accord.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as stop:\n"
        "    print('exit', stop.code)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run(
        [sys.executable, "-c", code, str(KTAB)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == "exit 0"
