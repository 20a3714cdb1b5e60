"""Killing `accord run` (SIGKILL, to the main process only) leaves no worker behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def process_group(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, _parent, group = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(group) == pgid and state not in ("Z", "X"):
            members.append(int(entry))
    return members


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("executor", ["processes", "dask"])
def test_sigkill_of_accord_run_kills_its_workers(tmp_path, executor):
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "accord",
        "run",
        "ukraine-2025",
        "-v",
        "baseline",
        "-n",
        "20000",
        "--chunk-size",
        "250",
        "--executor",
        executor,
        "--no-report",
        "--out",
        str(out),
    ]
    # A new session makes the run its own process group: everything it starts is in it.
    run = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and run.poll() is None:
            if list(out.glob("baseline/scalars/part-*.parquet")):
                break  # workers are up and writing
            time.sleep(0.05)
        assert run.poll() is None, "the run ended before it could be killed"
        workers = [pid for pid in process_group(run.pid) if pid != run.pid]
        assert workers, "no worker processes to orphan"
        os.kill(run.pid, signal.SIGKILL)  # accord only: no clean-up code runs in it
        run.wait()
        deadline = time.monotonic() + 30
        left = process_group(run.pid)
        while left and time.monotonic() < deadline:
            time.sleep(0.1)
            left = process_group(run.pid)
        assert left == [], f"orphaned processes: {left}"
    finally:
        for pid in process_group(run.pid):  # never leave anything behind, even on failure
            os.kill(pid, signal.SIGKILL)
