"""A long soak of `commercegraph serve`: resident memory over 100,000 mixed requests.

The bounded soak test (``tests/integration/test_soak.py``) runs about a minute in CI; this
is its long form. The server runs as its own process over a freshly seeded SQLite demo;
wrk (``scripts/bench-tools/wrk.sh``) sends the soak test's mix — Devi's journey, product
pages with and without a search, a priced journey, quotes — round robin, in rounds of a
few seconds; after each round the server's resident set is read from /proc. After a warm-up
(caches, pools and the allocator's arenas settle) the growth to the last round is the
figure; a leak of a few KiB a request shows as tens of per cent. Bounded by ``--requests``
and ``--max-seconds``, whichever comes first. Prints one JSON object with the load average.

    .venv/bin/python bench/soak.py [--requests 100000] [--max-seconds 3600]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from _demo import migrate_and_seed
from _timing import load_average
from serve_workers import WRK_REPORT, _free_port, _wait_ready, _wrk, cpu_seconds, stop

from commercegraph.auth import issue_token
from commercegraph.config import Settings
from commercegraph.demo import DEVI_ID

# the soak test's mix, so that both read the same requests
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.integration.test_soak import _requests, rss_kib

WARM_UP_REQUESTS = 12_000  # measured: the resident set settles within the first 12,000
ROUND_S = 10
CONNECTIONS = 4


def _mix_script(path: Path, token: str) -> int:
    """A wrk script sending the mix round robin; returns the number of distinct requests."""
    mix = _requests(token)
    entries = []
    for query, variables, bearer in mix:
        body = json.dumps({"query": query, "variables": variables})
        auth = f', ["Authorization"] = "Bearer {bearer}"' if bearer else ""
        headers = '{["Content-Type"] = "application/json"' + auth + "}"
        entries.append(f'  wrk.format("POST", "/graphql", {headers}, {json.dumps(body)}),')
    path.write_text(
        "local mix = nil\nlocal i = 0\n"
        "request = function()\n"
        "  if mix == nil then mix = {\n" + "\n".join(entries) + "\n  } end\n"
        "  i = i % #mix + 1\n  return mix[i]\nend\n" + WRK_REPORT
    )
    return len(mix)


def _check_mix(base: str, token: str) -> None:
    """Every request of the mix answers without errors before the soak counts anything."""
    for query, variables, bearer in _requests(token):
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        body = httpx.post(
            f"{base}/graphql",
            json={"query": query, "variables": variables},
            headers=headers,
            timeout=30,
        ).json()
        if "errors" in body:
            raise RuntimeError(f"the mix does not answer cleanly: {body['errors']}")


def _thinned(samples: list[dict[str, int]], keep: int = 20) -> list[dict[str, int]]:
    """About ``keep`` samples, evenly spaced, always with the first and the last."""
    step = max(1, len(samples) // keep)
    kept = samples[::step]
    return kept if kept[-1] is samples[-1] else [*kept, samples[-1]]


def soak(url: str, requests: int, max_seconds: float) -> dict[str, Any]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CG_DATABASE_URL": url, "CG_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "commercegraph", "serve", "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    token = issue_token(Settings(database_url=url), subject=DEVI_ID, scope="customer")
    try:
        _wait_ready(base, proc)
        _check_mix(base, token)
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "mix.lua"
            distinct = _mix_script(script, token)
            deadline = time.monotonic() + max_seconds
            sent = failed = timed_out = 0
            slowest_us = 0
            while sent < WARM_UP_REQUESTS and time.monotonic() < deadline:
                report = _wrk(base, script, CONNECTIONS, ROUND_S)
                sent += report["requests"]
                failed += report["errors"] + report["non_2xx"]
                timed_out += report["timeouts"]
                slowest_us = max(slowest_us, report["max_us"])
            warm_rss = rss_kib(proc.pid)
            warm_sent = sent
            cpu0 = cpu_seconds(proc.pid)
            started = time.monotonic()
            samples = [{"requests": sent, "rss_kib": warm_rss}]
            while sent < requests and time.monotonic() < deadline:
                report = _wrk(base, script, CONNECTIONS, ROUND_S)
                sent += report["requests"]
                failed += report["errors"] + report["non_2xx"]
                timed_out += report["timeouts"]
                slowest_us = max(slowest_us, report["max_us"])
                samples.append({"requests": sent, "rss_kib": rss_kib(proc.pid)})
            elapsed = time.monotonic() - started
            cpu = cpu_seconds(proc.pid) - cpu0
    finally:
        stop(proc)
    measured = sent - warm_sent
    last = samples[-1]["rss_kib"]
    peak = max(s["rss_kib"] for s in samples)
    return {
        "requests": sent,
        "requests_after_warm_up": measured,
        "distinct_requests_in_mix": distinct,
        # a socket error or a status other than 2xx; a response slower than wrk's 2 s
        # timeout is counted apart, with the slowest response seen
        "failed": failed,
        "timed_out": timed_out,
        "slowest_ms": round(slowest_us / 1000, 1),
        "connections": CONNECTIONS,
        "rss_kib_after_warm_up": warm_rss,
        "rss_kib_at_end": last,
        "rss_kib_peak": peak,
        "growth_after_warm_up_pct": round((last - warm_rss) / warm_rss * 100, 2),
        "bytes_per_request_after_warm_up": round((last - warm_rss) * 1024 / max(measured, 1), 1),
        "rps": round(measured / elapsed, 1) if elapsed else None,
        "server_cpu_ms_per_request": round(cpu / max(measured, 1) * 1000, 2),
        "samples": _thinned(samples),
        "stopped_by": "requests" if sent >= requests else "max_seconds",
    }


def main(customers: int, requests: int, max_seconds: float) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: bash scripts/bench-tools/wrk.sh installs it")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'soak.db'}"
        migrate_and_seed(url, customers)
        result: dict[str, Any] = {"store": "sqlite", "customers": customers}
        result.update(soak(url, requests, max_seconds))
    result["load_average_at_end"] = load_average()
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--max-seconds", type=float, default=3600)
    args = parser.parse_args()
    main(args.customers, args.requests, args.max_seconds)
