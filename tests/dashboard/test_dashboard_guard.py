"""Only the dashboard's own page may drive it (issue 18, point 1).

A raw websocket client (the ``websockets`` package) and plain HTTP requests with a foreign or
``null`` Origin, a foreign Host, or without the token are refused; in Chromium a page opened
without the token is refused and one opened with it connects.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import websockets  # shiny's own dependency: the raw client of the Origin tests
from conftest import TIMEOUT_MS, open_page


def parts(url: str) -> tuple[str, int, str]:
    split = urlsplit(url)
    return split.hostname, split.port, parse_qs(split.query)["token"][0]


def http_status(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def websocket(url: str, origin: str | None, cookie: str | None = None) -> str:
    """'open' if the server accepted the websocket, else the refusal's status text."""

    async def attempt() -> str:
        headers = {"Cookie": cookie} if cookie else {}
        kwargs = {"origin": origin} if origin is not None else {}
        try:
            async with websockets.connect(
                url, additional_headers=headers, open_timeout=10, **kwargs
            ):
                return "open"
        except websockets.exceptions.InvalidStatus as error:
            return f"status {error.response.status_code}"

    # In a thread of its own: Playwright's sync API may hold this thread's event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, attempt()).result(timeout=60)


def test_http_needs_token_own_host_and_origin(dashboard_url):
    host, port, token = parts(dashboard_url)
    base = f"http://{host}:{port}/"
    assert http_status(dashboard_url)[0] == 200
    status, text = http_status(base)
    assert status == 403 and "no valid token" in text
    status, text = http_status(dashboard_url, {"Origin": "http://evil.example.com"})
    assert status == 403 and "Origin 'http://evil.example.com'" in text
    assert http_status(dashboard_url, {"Origin": "null"})[0] == 403
    status, text = http_status(dashboard_url, {"Host": f"evil.example.com:{port}"})
    assert status == 403 and "Host" in text
    assert http_status(base, {"Cookie": f"accord_token_{port}={token}"})[0] == 200
    assert http_status(base, {"Cookie": f"accord_token_{port}=wrong"})[0] == 403


def test_first_load_sets_a_strict_httponly_cookie(dashboard_url):
    with urllib.request.urlopen(dashboard_url, timeout=10) as response:
        cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert cookie.startswith(f"accord_token_{parts(dashboard_url)[1]}=")


def test_raw_websocket_refused_from_foreign_origin_or_without_token(dashboard_url):
    host, port, token = parts(dashboard_url)
    own = f"http://{host}:{port}"
    ws = f"ws://{host}:{port}/websocket/"
    cookie = f"accord_token_{port}={token}"
    assert websocket(ws, "http://evil.example.com", cookie) == "status 403"
    assert websocket(ws, "null", cookie) == "status 403"
    assert websocket(ws, None, cookie) == "status 403"
    assert websocket(ws, own) == "status 403"
    assert websocket(ws + f"?token={token}x", own) == "status 403"
    # The control: the page's own origin with the token is accepted.
    assert websocket(ws, own, cookie) == "open"


def test_chromium_page_without_token_is_refused(page, dashboard_url):
    host, port, _ = parts(dashboard_url)
    response = page.goto(f"http://{host}:{port}/")
    assert response.status == 403
    assert "no valid token" in page.content()
    assert page.evaluate("() => typeof window.Shiny") == "undefined"
    # The same browser with the printed URL gets the page, and then without the token too.
    open_page(page, dashboard_url)
    page.goto(f"http://{host}:{port}/")
    page.wait_for_selector("#headline td.num", timeout=TIMEOUT_MS)


def test_chromium_foreign_page_cannot_open_the_websocket(page, dashboard_url):
    host, port, token = parts(dashboard_url)
    page.goto("about:blank")
    outcome = page.evaluate(
        """url => new Promise(done => {
        const ws = new WebSocket(url);
        ws.onopen = () => done('open');
        ws.onerror = () => done('refused');
        setTimeout(() => done('timeout'), 10000);
    })""",
        f"ws://{host}:{port}/websocket/?token={token}",
    )
    assert outcome == "refused"
