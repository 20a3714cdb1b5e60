"""``accord``'s entry point converts only the command it runs (issue 21): what the user sees
-- output, errors, exit codes -- is what the whole app gives."""

from __future__ import annotations

from pathlib import Path

import pytest

import accord.cli as cli

KTAB = Path(__file__).resolve().parents[1] / "validation" / "data" / "ktab_smp"


def _run(argv: list[str], monkeypatch, capsys, whole: bool) -> tuple[str, str, object]:
    monkeypatch.setattr("sys.argv", ["accord", *argv])
    if whole:
        monkeypatch.setattr(cli, "_only_the_command", lambda argv: cli.app)
    code: object = 0
    try:
        cli.main()
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    monkeypatch.undo()
    return out, err, code


CASES = [
    ["forecast", "--help"],
    ["forecast"],
    ["forecast", "ukraine-2025", "--model", "compromise"],
    ["forecast", "ukraine-2025", "--model", "compromise", "--bogus"],
    ["forecast", "ukraine-2025", "--draws", "0"],
    ["forecast", "ukraine-2025", "--format", "xml"],
    ["forecast", "no-such-scenario.yaml"],
    ["forecast", str(KTAB / "dummyData_3Dim.csv"), "--model", "smp", "--format", "csv"],
    ["forecst", "ukraine-2025"],
    ["burden", "--help"],
    ["burden", "no-such-command"],
    ["validate", "ukraine-2025"],
    ["--version"],
    [],
]


@pytest.mark.parametrize("argv", CASES, ids=[" ".join(c) or "(none)" for c in CASES])
def test_one_command_app_prints_what_the_whole_app_prints(argv, monkeypatch, capsys) -> None:
    one = _run(argv, monkeypatch, capsys, whole=False)
    whole = _run(argv, monkeypatch, capsys, whole=True)
    assert one == whole
    assert one[0] or one[1]  # each case prints something


def test_only_the_named_command_is_kept() -> None:
    only = cli._only_the_command(["forecast", "ukraine-2025"])
    assert only is not cli.app
    assert [info.name for info in only.registered_commands] == ["forecast"]
    assert only.registered_groups == []
    group = cli._only_the_command(["burden", "equilibrium"])
    assert group.registered_commands == [] and [g.name for g in group.registered_groups] == [
        "burden"
    ]
    for argv in ([], ["--help"], ["--version"], ["forecst"], ["-x", "forecast"]):
        assert cli._only_the_command(argv) is cli.app
    # the whole app is left as it was
    assert len(cli.app.registered_commands) > 10


def test_only_the_command_line_collects_garbage_less_often() -> None:
    """Importing accord.cli leaves the collector alone; ``main()`` (the ``accord`` command)
    sets the young generation's threshold to 50,000."""
    import os
    import subprocess
    import sys

    probe = (
        "import gc, sys\n"
        "before = gc.get_threshold()\n"
        "import accord.cli\n"
        "imported = gc.get_threshold()\n"
        "sys.argv = ['accord', '--version']\n"
        "try:\n"
        "    accord.cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(before == imported, gc.get_threshold()[0], gc.get_threshold()[1:] == before[1:])\n"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=src),
        timeout=120,
        check=True,
    )
    assert done.stdout.split()[-3:] == ["True", "50000", "True"]
