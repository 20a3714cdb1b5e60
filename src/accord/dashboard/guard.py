"""Only the dashboard's own page may drive it: an ASGI middleware around the Shiny app.

One mechanism for every HTTP request and the websocket:

- ``Host`` must name the dashboard as launched (``127.0.0.1:PORT`` or ``localhost:PORT``), so a
  DNS-rebinding page cannot reach it under a foreign name;
- an ``Origin`` header, when sent, must be the dashboard's own origin; ``null`` and foreign
  origins are refused. The websocket must send one (browsers always do);
- a per-launch secret token (``secrets.token_urlsafe``) is printed in the URL at start, as
  Jupyter does. The first page load with ``?token=...`` sets an HttpOnly, SameSite=Strict
  cookie; every later request and the websocket need the token or that cookie.

A refused HTTP request gets 403 with one line of text; a refused websocket is closed before it
is accepted (the server answers the upgrade with 403). ``token=None`` (``--no-token``) keeps the
Host and Origin checks and drops only the token.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]  # as ASGI (and Starlette's types) define them
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def new_token() -> str:
    """A fresh secret for one launch."""
    return secrets.token_urlsafe(32)


def cookie_name(port: int) -> str:
    """Cookies do not separate ports: each dashboard's cookie names its port."""
    return f"accord_token_{port}"


class Guard:
    """Refuse every request that is not from the dashboard's own page (see the module)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        port: int,
        token: str | None,
        hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
    ) -> None:
        self.app = app
        self.port = port
        self.token = token
        self.hosts = {f"{h}:{port}" for h in hosts}
        self.origins = {f"http://{h}" for h in self.hosts}
        self.cookie = cookie_name(port)

    def refusal(self, scope: Scope) -> tuple[str | None, bool]:
        """(why it is refused or None, whether the token came in the query)."""
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        host = headers.get("host", "")
        if host not in self.hosts:
            return f"refused: Host {host or '(none)'!r} is not this dashboard", False
        origin = headers.get("origin")
        if origin is None and scope["type"] == "websocket":
            return "refused: a websocket without an Origin", False
        if origin is not None and origin not in self.origins:
            return f"refused: Origin {origin!r} is not this dashboard's page", False
        if self.token is None:
            return None, False
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("token", [""])[0]
        if given and hmac.compare_digest(given, self.token):
            return None, True
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == self.cookie and hmac.compare_digest(value, self.token):
                return None, False
        return (
            "refused: no valid token; open the URL with ?token=... that `accord dashboard` printed"
        ), False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        why, by_query = self.refusal(scope)
        if why is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": why[:120]})
                return
            body = (why + "\n").encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        if not by_query or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = (f"{self.cookie}={self.token}; Path=/; HttpOnly; SameSite=Strict").encode()

        async def send_with_cookie(event: MutableMapping[str, Any]) -> None:
            if event["type"] == "http.response.start":
                event = {**event, "headers": [*event.get("headers", []), (b"set-cookie", cookie)]}
            await send(event)

        await self.app(scope, receive, send_with_cookie)
