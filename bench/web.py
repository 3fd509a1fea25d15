"""kb serve's figures for make bench: the real server, started as a user
starts it (``kb serve``), against the bench's graph.

- how long ``kb serve`` takes from its start to its first answer;
- each page's server time (the ``Server-Timing`` header kb serve sends:
  the time from the request's arrival to its page written) and the time a
  client on the same machine waits, as p50 over ``runs`` requests;
- the topic page's size in bytes.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from kb.server.local import free_port

KB = Path(sys.executable).with_name("kb")
WARM = 3  # requests before the timed ones (the server's query plans, the driver's pool)


def _get(url: str) -> tuple[bytes, float | None]:
    with urllib.request.urlopen(url, timeout=120) as r:
        body = r.read()
        timing = r.headers.get("server-timing") or ""
    dur = timing.partition("dur=")[2]
    return body, float(dur) if dur else None


def _started(url: str, proc: subprocess.Popen, limit: float) -> float:
    """Seconds until ``url`` answers (the server's own start, not the page's time)."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"kb serve exited with {proc.returncode}: {proc.stderr.read().decode()[-500:]}")
        try:
            _get(url)
            return time.perf_counter() - start
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.02)
    raise RuntimeError(f"kb serve did not answer {url} within {limit} s")


def _page(base: str, path: str, runs: int) -> dict[str, Any]:
    for _ in range(WARM):
        _get(base + path)
    server, client = [], []
    body = b""
    for _ in range(runs):
        t = time.perf_counter()
        body, dur = _get(base + path)
        client.append((time.perf_counter() - t) * 1000)
        if dur is not None:
            server.append(dur)
    return {
        "path": path,
        "runs": runs,
        "server_p50_ms": round(statistics.median(server), 1) if server else None,
        "client_p50_ms": round(statistics.median(client), 1),
        "bytes": len(body),
    }


def measure(env: dict[str, str], slug: str, runs: int = 20) -> dict[str, Any]:
    """Start ``kb serve`` with ``env`` (NEO4J_URI and the rest), time its
    start, then the topic page of ``slug`` and the matrix's first page."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    t = time.perf_counter()
    proc = subprocess.Popen(
        [str(KB), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _started(base + "/static/kb.css", proc, 60)
        start_seconds = round(time.perf_counter() - t, 2)
        return {
            "start_seconds": start_seconds,
            "topic page": _page(base, f"/topics/{slug}", runs),
            "matrix": _page(base, "/matrix", runs),
        }
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
