"""`commercegraph serve` over real HTTP: one worker against two, and the latency floor.

Starts the server as its own process on a loopback port over a seeded SQLite demo store and
drives it with wrk (``scripts/bench-tools/wrk.sh`` installs it): Devi's journey with 1
connection (the latency floor: a response that waits for a delayed ACK shows as ~40 ms) and
with 8 (throughput), for ``--workers 1`` and ``--workers 2``; and, beside them, plain
``uvicorn --workers 2`` on the same app, whose socket asyncio leaves with Nagle on. The
server's own CPU per request is read from /proc (the process and its workers), so the load
generator's share is not counted. Prints one JSON object with the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from _timing import load_average
from graphql_hot_path import JOURNEY

from commercegraph.auth import issue_token
from commercegraph.config import Settings
from commercegraph.demo import DEVI_ID, seed_demo
from commercegraph.store.db import Store, create_engine
from commercegraph.store.migrate import upgrade

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "timeouts": %d, "non_2xx": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tree(pid: int) -> list[int]:
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        for child in children.read_text().split():
            pids.extend(_tree(int(child)))
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its live descendants."""
    total = 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def _wrk_script(path: Path, token: str) -> None:
    body = json.dumps({"query": JOURNEY})
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n' + WRK_REPORT
    )


def _healthz_script(path: Path) -> None:
    path.write_text('wrk.method = "GET"\n' + WRK_REPORT)


def _wait_ready(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready in 60 s")


def _wrk(
    base: str, script: Path, connections: int, seconds: int, path: str = "/graphql"
) -> dict[str, Any]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), f"{base}{path}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return report


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End a server this bench started: terminate, then kill if it will not stop."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_server(
    command: list[str], env: dict[str, str], script: Path, token: str, seconds: int
) -> dict[str, Any]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(base, proc)
        headers = {"Authorization": f"Bearer {token}"}
        body = httpx.post(f"{base}/graphql", json={"query": JOURNEY}, headers=headers).json()
        assert "errors" not in body, body
        _wrk(base, script, 8, 3)  # warm up every worker
        # The floor alone: /healthz does no work, so its latency is the transport's.
        floor = _wrk(base, script.with_name("healthz.lua"), 1, 3, "/healthz")
        result: dict[str, Any] = {
            "healthz_one_in_flight": {
                "p50_ms": round(floor["p50_us"] / 1000, 2),
                "p99_ms": round(floor["p99_us"] / 1000, 2),
                "rps": round(floor["requests"] / (floor["duration_us"] / 1e6), 1),
            }
        }
        for label, connections in (("one_in_flight", 1), ("eight_in_flight", 8)):
            cpu0 = cpu_seconds(proc.pid)
            report = _wrk(base, script, connections, seconds)
            cpu = cpu_seconds(proc.pid) - cpu0
            requests = report["requests"]
            result[label] = {
                "rps": round(requests / (report["duration_us"] / 1e6), 1),
                "p50_ms": round(report["p50_us"] / 1000, 2),
                "p99_ms": round(report["p99_us"] / 1000, 2),
                "p99_over_p50": round(report["p99_us"] / max(report["p50_us"], 1), 2),
                "server_cpu_ms_per_request": round(cpu / max(requests, 1) * 1000, 2),
                "requests": requests,
                "errors": report["errors"] + report["timeouts"] + report["non_2xx"],
                "load_average": load_average(),
            }
        return result
    finally:
        stop(proc)


async def _seed(url: str, customers: int) -> None:
    await asyncio.to_thread(upgrade, url)
    store = Store(create_engine(url))
    await seed_demo(store, customers=customers)
    await store.dispose()


def main(customers: int, seconds: int, database_url: str | None) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: bash scripts/bench-tools/wrk.sh installs it")
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        if database_url is None:
            asyncio.run(_seed(url, customers))
        env = {**os.environ, "CG_DATABASE_URL": url, "CG_LOG_LEVEL": "WARNING"}
        token = issue_token(Settings(database_url=url), subject=DEVI_ID, scope="customer")
        script = Path(tmp) / "journey.lua"
        _wrk_script(script, token)
        _healthz_script(script.with_name("healthz.lua"))
        serve = [sys.executable, "-m", "commercegraph", "serve", "--host", "127.0.0.1"]
        plain = [sys.executable, "-m", "uvicorn", "commercegraph.app:create_app", "--factory"]
        plain += ["--host", "127.0.0.1", "--log-level", "warning"]
        result: dict[str, Any] = {"store": "sqlite", "customers": customers, "seconds": seconds}
        result["serve_workers_1"] = run_server(
            [*serve, "--workers", "1"], env, script, token, seconds
        )
        result["serve_workers_2"] = run_server(
            [*serve, "--workers", "2"], env, script, token, seconds
        )
        result["plain_uvicorn_workers_2"] = run_server(
            [*plain, "--workers", "2"], env, script, token, seconds
        )
        one = result["serve_workers_1"]["eight_in_flight"]["rps"]
        two = result["serve_workers_2"]["eight_in_flight"]["rps"]
        result["throughput_2_over_1_workers"] = round(two / one, 2) if one else None
        result["cores"] = os.cpu_count()
        result["load_average_at_end"] = load_average()
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database-url", help="a migrated, seeded store")
    args = parser.parse_args()
    main(args.customers, args.seconds, args.database_url)
