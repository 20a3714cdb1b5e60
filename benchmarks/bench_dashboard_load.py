"""Load test of the dashboard: N clients for T seconds on loopback (issue 18, point 7).

Run from the repository root::

    python benchmarks/bench_dashboard_load.py                      # 20 clients, 60 s
    python benchmarks/bench_dashboard_load.py --clients 5 --seconds 15 --experiments 300

It makes a study (``accord run ukraine-2025`` with two variants, ``--experiments`` each) unless
``--runs DIR`` names one, serves ``accord dashboard`` on a free port of 127.0.0.1 and runs
``--clients`` clients at once until ``--seconds`` have passed. Each client repeats a session:

- page: GET the page with the token (time to the whole HTML);
- update: open the websocket (own Origin, the cookie), send Shiny's ``init`` with the study's
  variants selected and, as a browser showing the Overview does, the outputs of the other tabs
  marked hidden (read from the page's HTML), and wait for the first message carrying the
  Overview table's value.

A session whose update does not come within ``--timeout`` seconds counts as a timeout. It
prints p50 and p95 of page and update times, the sessions and timeouts, and the server's peak
resident memory (VmHWM). Bounds: at most 50 clients and 300 s; only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

MAX_CLIENTS, MAX_SECONDS = 50, 300
DEBUG = False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


#: Shiny's output bindings in the page's HTML (their ids).
OUTPUT = re.compile(r'<[^>]*class="[^"]*shiny-(?:html|plot|image|text)-output[^"]*"[^>]*>')


def output_ids(html: str) -> list[str]:
    """The ids of the outputs the page declares."""
    ids = []
    for tag in OUTPUT.findall(html):
        found = re.search(r'\sid="([^"]+)"', tag)
        if found:
            ids.append(found.group(1))
    return ids


def init_data(html: str, port: int, study: str, variants: list[str]) -> tuple[dict, str]:
    """Shiny's ``init`` as a browser showing the Overview sends it, and the id of the Overview's
    table. Outputs on the other (hidden) tabs are marked hidden, as a browser marks them, so
    Shiny suspends them; the header's notice and the Overview's outputs are shown."""
    ids = output_ids(html)
    table = next(i for i in ids if re.fullmatch(r"overview.table", i))
    shown = {"run_notice"} | {i for i in ids if i.startswith("overview")}
    hidden = {f".clientdata_output_{i}_hidden": i not in shown for i in ids}
    return {
        "study": study,
        "variants": variants,
        "page": "overview",
        ".clientdata_url_protocol": "http:",
        ".clientdata_url_hostname": "127.0.0.1",
        ".clientdata_url_port": str(port),
        ".clientdata_url_pathname": "/",
        ".clientdata_url_search": "",
        ".clientdata_pixelratio": 1,
        **hidden,
    }, table


async def session(
    url: str,
    port: int,
    token: str,
    variants: list[str],
    study: str,
    timeout: float,
    pages: list[float],
    updates: list[float],
) -> bool:
    """One page load and one websocket session; False on a timeout."""
    import websockets

    start = time.perf_counter()
    html = await asyncio.to_thread(
        lambda: urllib.request.urlopen(url, timeout=timeout).read().decode()
    )
    pages.append(time.perf_counter() - start)
    init, table = init_data(html, port, study, variants)
    start = time.perf_counter()
    origin = f"http://127.0.0.1:{port}"
    try:
        async with asyncio.timeout(timeout):
            async with websockets.connect(
                f"ws://127.0.0.1:{port}/websocket/",
                origin=origin,
                additional_headers={"Cookie": f"accord_token_{port}={token}"},
                max_size=None,
            ) as ws:
                await ws.send(json.dumps({"method": "init", "data": init}))
                while True:
                    raw = await ws.recv()
                    if DEBUG:
                        print(str(raw)[:300], file=sys.stderr)
                    message = json.loads(raw)
                    if table in (message.get("values") or {}):
                        updates.append(time.perf_counter() - start)
                        return True
    except TimeoutError:
        return False


async def load(
    url: str,
    port: int,
    token: str,
    variants: list[str],
    study: str,
    clients: int,
    seconds: float,
    timeout: float,
) -> dict:
    pages: list[float] = []
    updates: list[float] = []
    counts = {"sessions": 0, "timeouts": 0}
    end = time.monotonic() + seconds

    async def client() -> None:
        while time.monotonic() < end:
            counts["sessions"] += 1
            if not await session(url, port, token, variants, study, timeout, pages, updates):
                counts["timeouts"] += 1

    await asyncio.gather(*[client() for _ in range(clients)])
    return {"pages": pages, "updates": updates, **counts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--timeout", type=float, default=30, help="seconds per session")
    parser.add_argument("--experiments", type=int, default=2000)
    parser.add_argument("--runs", type=Path, help="a runs folder to serve instead")
    args = parser.parse_args()
    if not 1 <= args.clients <= MAX_CLIENTS or not 1 <= args.seconds <= MAX_SECONDS:
        parser.error(f"--clients 1..{MAX_CLIENTS}, --seconds 1..{MAX_SECONDS}")
    with tempfile.TemporaryDirectory() as tmp:
        runs = args.runs
        if runs is None:
            runs = Path(tmp) / "runs"
            runs.mkdir()
            made = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "accord",
                    "run",
                    "ukraine-2025",
                    "--experiments",
                    str(args.experiments),
                    "--seed",
                    "7",
                    "--variant",
                    "baseline",
                    "--variant",
                    "coalition-of-the-willing",
                    "--out",
                    str(runs / "ukraine-2025"),
                    "--no-report",
                ],
                capture_output=True,
                text=True,
                timeout=1800,
            )
            if made.returncode:
                raise SystemExit(made.stderr)
        study = "ukraine-2025"
        variants = [f"{study}/baseline", f"{study}/coalition-of-the-willing"]
        port = free_port()
        log = Path(tmp) / "dashboard.log"
        with open(log, "wb") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "accord", "dashboard", str(runs), "--port", str(port)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 60
            url = None
            while url is None:
                found = re.search(rf"http://127\.0\.0\.1:{port}/?[^\s]*", log.read_text())
                if found:
                    try:
                        urllib.request.urlopen(found.group(0), timeout=2).read()
                        url = found.group(0)
                    except OSError:
                        pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(log.read_text())
                time.sleep(0.3)
            token = url.split("token=", 1)[1] if "token=" in url else ""  # --no-token / older
            result = asyncio.run(
                load(url, port, token, variants, study, args.clients, args.seconds, args.timeout)
            )
            memory = peak_rss_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    pages, updates = result["pages"], result["updates"]
    print(
        f"dashboard load: {args.clients} clients, {args.seconds:g} s, "
        f"{args.experiments if args.runs is None else 'given'} experiments per variant"
    )
    print(
        f"page    p50 {quantile(pages, 0.5):.3f} s   p95 {quantile(pages, 0.95):.3f} s   "
        f"(n={len(pages)})"
    )
    print(
        f"update  p50 {quantile(updates, 0.5):.3f} s   p95 {quantile(updates, 0.95):.3f} s   "
        f"(n={len(updates)})"
    )
    print(f"sessions {result['sessions']}, timeouts {result['timeouts']}")
    print(f"server peak memory {memory:.0f} MiB")
    if updates:
        print(f"update mean {statistics.fmean(updates):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
