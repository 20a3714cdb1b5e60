"""The page survives change and bounds its jobs (issue 18, points 2 and 3), in Chromium."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from conftest import TIMEOUT_MS, open_page, served, settle

# Chromium against a served dashboard, about 5 s a test: slow.
pytestmark = pytest.mark.slow


def test_deleted_run_while_its_page_is_open_shows_a_message(page, runs_root, tmp_path):
    root = tmp_path / "changing"
    shutil.copytree(runs_root, root)
    with served(root) as url:
        open_page(page, url)
        shutil.rmtree(root / "ukraine-2025")
        notice = page.locator("#run_notice .accord-message")
        notice.wait_for(timeout=TIMEOUT_MS)
        assert "is not in the catalogue (it was deleted or replaced" in notice.inner_text()
        settle(page)
        # Still connected: the session was not dropped.
        assert page.evaluate("() => Shiny.shinyapp.isConnected()")
        assert page.locator("#shiny-disconnected-overlay").count() == 0
        # An unknown run id sent by a hostile client is refused for that request only.
        page.evaluate("() => Shiny.setInputValue('variants', ['no/such-run'])")
        page.wait_for_function(
            "() => document.querySelector('#run_notice').innerText.includes('no/such-run')"
        )
        assert page.evaluate("() => Shiny.shinyapp.isConnected()")


def test_new_run_job_cap_on_the_page(page, runs_root, tmp_path):
    root = tmp_path / "capped"
    shutil.copytree(runs_root, root)
    with served(root, "--max-running", "1", "--max-queued", "0") as url:
        open_page(page, url, "New run")
        assert (
            "At most 1 run(s) started here run at once and 0 wait"
            in page.locator("#job-caps").inner_text()
        )
        page.fill("#new_run-experiments", "20000")
        page.get_by_role("button", name="Start the run").click()
        settle(page)
        assert "Started: dashboard-" in page.locator("#new_run-message").inner_text()
        page.get_by_role("button", name="Start the run").click()
        settle(page)
        assert (
            "Refused: 1 run(s) started here are running and 0 are waiting"
            in page.locator("#new_run-message").inner_text()
        )
        started = [p for p in root.iterdir() if p.name.startswith("dashboard-")]
        assert len(started) == 1
        assert workers(started[0]), "the started run has no worker"
    # The job ends with the dashboard (no --detach-jobs).
    deadline = time.monotonic() + 20
    while workers(started[0]):
        assert time.monotonic() < deadline, "the worker outlived the dashboard"
        time.sleep(0.5)


def workers(job_dir: Path) -> list[int]:
    """Process ids whose command line names this job's file."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            line = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if b"accord.dashboard.worker" in line and str(job_dir).encode() in line:
            found.append(int(proc.name))
    return found
