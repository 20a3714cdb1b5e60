"""The README's tour runs as written, command by command, in order, in a scratch folder.

Each line of the tour's code block is run with ``python -m accord`` (``mkdir -p`` as itself,
``> FILE`` as a redirection) in a temporary working directory that links the repository's
``src`` and ``tests`` folders, so the tour's relative paths hold and nothing is written in the
repository. Two kinds of change, and only these, are made to a line:

* sizes are made smaller (:data:`SMALLER`): the tour's numbers are for a user's machine, the
  suite's budget is minutes; the commands and their options are the README's;
* two lines are not run (:data:`NOT_RUN`), each for its stated reason and tested elsewhere.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

#: (text in the README's line, what the test runs instead)
SMALLER = (
    ("--experiments 20000", "--experiments 100"),  # the sensitivity line needs 100
    ("--draws 1000", "--draws 100"),
    ("--draws 2000", "--draws 200"),
)
#: A README line's first words -> why the test does not run it.
NOT_RUN = {
    "accord dashboard": "a server that runs until stopped (tests/dashboard drive it in Chromium)",
    "accord run ukraine-2025 --executor dask": "needs a dask cluster (tests/experiments run "
    "a local one)",
}


def tour_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = text[text.index("## A short tour") :]
    block = block[block.index("```bash") + len("```bash") :]
    block = block[: block.index("```")]
    lines = []
    for raw in block.splitlines():
        words = shlex.split(raw, comments=True)
        if words:
            lines.append(shlex.join(words))
    return lines


def test_the_tour_is_read_from_the_readme():
    lines = tour_lines()
    assert len(lines) > 20 and all(line.split()[0] in {"accord", "mkdir"} for line in lines)
    # Every substitution and every skip still matches a line (else the README changed).
    for old, _ in SMALLER:
        assert any(old in line for line in lines), old
    for start in NOT_RUN:
        assert any(line.startswith(start) for line in lines), start


@pytest.mark.slow
def test_the_readme_tour_runs_as_written(tmp_path):
    for name in ("src", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), COLUMNS="100")
    for line in tour_lines():
        if any(line.startswith(start) for start in NOT_RUN):
            continue
        for old, new in SMALLER:
            line = line.replace(old, new)
        words = shlex.split(line)
        target = None
        if ">" in words:
            at = words.index(">")
            words, target = words[:at], words[at + 1]
        if words[0] == "mkdir":
            (tmp_path / words[-1]).mkdir(parents=True, exist_ok=True)
            continue
        done = subprocess.run(
            [sys.executable, "-m", "accord", *words[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, f"{line}\n{done.stderr[-2000:]}"
        assert done.stdout.strip() or target is None, line
        if target is not None:
            (tmp_path / target).write_text(done.stdout)
    assert (tmp_path / "out" / "ukraine-2025" / "report.html").is_file()
