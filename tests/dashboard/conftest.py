"""Fixtures of the dashboard tests: small runs made in tmp, a served dashboard, Chromium.

The browser is Debian's Chromium (/usr/bin/chromium, installed by .ci/run), driven by
Playwright: `playwright install` cannot download a browser here. Every wait is bounded.
Screenshots go to $ACCORD_SCREENSHOTS when set (docs/dashboard/ keeps the committed copies:
`ACCORD_SCREENSHOTS=docs/dashboard pytest tests/dashboard`), otherwise to a tmp folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
#: Experiments per variant of the test runs (coalition-of-the-willing crosses a lever: x2).
EXPERIMENTS = 150
TIMEOUT_MS = 60_000


def accord(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m accord ARGS`` (inherits PYTHONPATH, so the worktree's code runs)."""
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def runs_root(tmp_path_factory) -> Path:
    """A runs folder with one small study of two variants of ukraine-2025."""
    root = tmp_path_factory.mktemp("runs")
    done = accord(
        "run",
        "ukraine-2025",
        "--experiments",
        str(EXPERIMENTS),
        "--seed",
        "7",
        "--variant",
        "baseline",
        "--variant",
        "coalition-of-the-willing",
        "--out",
        str(root / "ukraine-2025"),
        "--no-report",
    )
    assert done.returncode == 0, done.stderr
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def printed_url(log_path: Path, port: int) -> str | None:
    """The ``http://127.0.0.1:PORT/?token=...`` line that ``accord dashboard`` printed."""
    found = re.search(rf"http://127\.0\.0\.1:{port}/\S*", log_path.read_text(errors="replace"))
    return found.group(0) if found else None


@contextlib.contextmanager
def served(root: Path, *extra: str):
    """``accord dashboard ROOT --port P`` in a subprocess; yields the URL it printed."""
    port = free_port()
    log_path = root.parent / f"dashboard-{port}.log"
    log = open(log_path, "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "accord", "dashboard", str(root), "--port", str(port), *extra],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                url = printed_url(log_path, port)
                if url is None:
                    raise OSError("not started yet")
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.close()
                    raise AssertionError(log_path.read_text()) from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def dashboard_url(runs_root):
    with served(runs_root) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1300, "height": 900})
    one = context.new_page()
    one.set_default_timeout(TIMEOUT_MS)
    yield one
    context.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    target = os.environ.get("ACCORD_SCREENSHOTS")
    return Path(target) if target else tmp_path_factory.mktemp("screenshots")


IDLE = (
    "() => window.Shiny && Shiny.shinyapp && Shiny.shinyapp.isConnected()"
    " && !document.documentElement.classList.contains('shiny-busy')"
    # Outputs on hidden pages stay marked until shown: only visible ones count.
    " && [...document.querySelectorAll('.recalculating')]"
    ".every(e => e.offsetParent === null)"
)


def settle(page) -> None:
    """Wait until Shiny has no computation running and no visible output recalculating."""
    page.wait_for_function(IDLE)
    page.wait_for_timeout(300)  # an output invalidated by the last update starts here
    page.wait_for_function(IDLE)


def open_page(page, url: str, tab: str | None = None) -> None:
    page.goto(url)
    page.wait_for_selector("#headline td.num")
    settle(page)
    if tab is not None:
        page.get_by_role("tab", name=tab).click()
        settle(page)
