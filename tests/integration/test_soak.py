"""A bounded soak of `commercegraph serve`: thousands of mixed reads must not grow its memory.

The server runs as its own process on a loopback port over the seeded SQLite demo; after a
warm-up (caches, pools, compiled rules and the allocator's arenas settle) its resident set
is read from /proc, several thousand requests later it is read again. A request that leaves
anything behind (a module-level map keyed by something request-shaped, say) shows here as
tens of KiB a request, far past the allowance.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from commercegraph.auth import issue_token
from commercegraph.demo.constants import DEVI_COFFEE_SKU, DEVI_ID, DEVI_SHOES_SKU, DEVI_SODA_SKU
from tests.conftest import SeededDatabase, settings_for
from tests.integration.test_journey import DEVI_JOURNEY

pytestmark = pytest.mark.slow

WARM_UP = 600  # every request of the mix sixty times: caches, pools and arenas settle
REQUESTS = 3000
IN_FLIGHT = 4
# Each phase stops at its deadline whatever it has sent, so a slow machine stays bounded.
WARM_UP_S = 25.0
SOAK_S = 60.0
ALLOWED_GROWTH = 0.05
# The leak this test was written for kept about 71 KiB a request: 300 requests of it are
# about 21 MiB, +8 % on the server's ~250 MiB, past the allowance. Fewer than that cannot
# tell a leak from noise, so the test refuses to judge; a slow machine (about 13 requests a
# second) still sends some 750 in the minute.
MIN_MEASURED = 300

PAGE = """query($first: Int!, $q: String) { products(first: $first, query: $q) { edges { node {
  sku name brand
  price { base { amount } final { amount } appliedRules { ruleId } }
  availability { online { availableToPromise status } }
  content { title } } } } }"""
PRICED_JOURNEY = """query { me { displayName
  recentlyViewed(first: 5) { sku price(channel: MOBILE_APP) { final { amount } }
    availability(near: {lat: 45.519, lon: -122.679}) { pickupEligible
      stores(first: 3) { store { name } } } } } }"""
QUOTE = """query($input: QuoteInput!) { quote(input: $input) {
  total { amount } lines { sku lineTotal { amount } } } }"""
SEARCHES = (None, "coffee", "shoe", "tea", "snack")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for process {pid}")


@pytest.fixture
def server(sqlite_db: SeededDatabase, tmp_path: Path) -> Iterator[tuple[str, int]]:
    if not Path("/proc/self/status").exists():
        pytest.skip("reading a process's resident set needs /proc (Linux)")
    port = _free_port()
    env = {**os.environ, "CG_DATABASE_URL": sqlite_db.url, "CG_LOG_LEVEL": "WARNING"}
    log = (tmp_path / "serve.log").open("wb")
    command = [sys.executable, "-m", "commercegraph", "serve", "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not become ready in 30 s"
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _requests(token: str) -> list[tuple[str, dict[str, Any], str | None]]:
    """One cycle of the mix: the journey, product pages, a priced journey, quotes."""
    skus = [DEVI_COFFEE_SKU, DEVI_SHOES_SKU, DEVI_SODA_SKU]
    mix: list[tuple[str, dict[str, Any], str | None]] = [(DEVI_JOURNEY, {}, token)]
    for i, q in enumerate(SEARCHES):
        mix.append((PAGE, {"first": 10 + 5 * i, "q": q}, token if i % 2 else None))
    mix.append((PRICED_JOURNEY, {}, token))
    for n in (1, 3):
        lines = [{"sku": s, "quantity": n + k} for k, s in enumerate(skus[:n])]
        mix.append((QUOTE, {"input": {"lines": lines, "channel": "WEB"}}, token))
    return mix


async def _send(base: str, count: int, token: str, deadline: float) -> int:
    mix = _requests(token)
    sent = 0

    async def worker(client: httpx.AsyncClient, offset: int) -> None:
        nonlocal sent
        i = offset
        while sent < count and time.monotonic() < deadline:
            sent += 1
            query, variables, bearer = mix[i % len(mix)]
            i += IN_FLIGHT
            headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            body = response.json()
            assert response.status_code == 200 and "errors" not in body, body

    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await asyncio.gather(*(worker(client, k) for k in range(IN_FLIGHT)))
    return sent


def test_resident_memory_stays_flat_over_thousands_of_mixed_requests(
    server: tuple[str, int], sqlite_db: SeededDatabase
) -> None:
    base, pid = server
    token = issue_token(settings_for(sqlite_db.url), subject=DEVI_ID, scope="customer")
    asyncio.run(_send(base, WARM_UP, token, time.monotonic() + WARM_UP_S))
    before = rss_kib(pid)
    sent = asyncio.run(_send(base, REQUESTS, token, time.monotonic() + SOAK_S))
    after = rss_kib(pid)
    growth = (after - before) / before
    print(f"soak: {sent} requests, RSS {before} → {after} KiB ({growth:+.1%})")
    # at the rate of the leak this test was written for, 3,000 requests are about +80 % here
    assert sent >= MIN_MEASURED, f"only {sent} requests in {SOAK_S} s: too few to judge"
    assert growth < ALLOWED_GROWTH, (
        f"RSS grew {before} → {after} KiB ({growth:.1%}) over {sent} requests "
        f"({(after - before) / sent:.1f} KiB a request)"
    )
