"""Throughput and latency through HAProxy with one and with three gateway replicas, on
PostgreSQL and Redis; prints one JSON object.

    .venv/bin/python bench/replicas.py [--seconds 15] [--concurrency 24]

Creates a throw-away PostgreSQL database on ``CG_TEST_POSTGRES_URL`` (default the local
``test`` database's server) with the demo retailer, then for 1 and 3 replicas drives a
product page query through the balancer from ``--concurrency`` loopback clients for
``--seconds``. The load generator shares the machine's two cores with the replicas.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.replicas.cluster import Cluster

ADMIN_URL = os.environ.get(
    "CG_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("CG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
QUERY = '{ product(sku: "SKU-RUN-0001") { name content { title } } stores { name } }'


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _create_database(customers: int) -> str:
    from commercegraph.demo import seed_demo
    from commercegraph.store.db import Store, create_engine
    from commercegraph.store.migrate import upgrade

    name = f"cg_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = f"{ADMIN_URL.rpartition('/')[0]}/{name}"
    upgrade(url)

    async def seed() -> None:
        store = Store(create_engine(url))
        try:
            await seed_demo(store, customers=customers, seed=42)
        finally:
            await store.dispose()

    asyncio.run(seed())
    return url


async def _load(url: str, seconds: float, concurrency: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                response = await http.post("/graphql", json={"query": QUERY})
                ok = response.status_code == 200 and "errors" not in response.json()
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - started)
            else:
                errors += 1

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:
        for _ in range(20):  # warm the caches and connections
            warm = await http.post("/graphql", json={"query": QUERY})
            if warm.status_code != 200 or "errors" in warm.json():
                raise SystemExit(f"the query fails: {warm.status_code} {warm.text[:300]}")
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "requests": len(ordered),
        "errors": errors,
        "requests_per_s": round(len(ordered) / elapsed, 1),
        "p50_ms": round(pick(0.50) * 1000, 1),
        "p95_ms": round(pick(0.95) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=24)
    parser.add_argument("--customers", type=int, default=200)
    args = parser.parse_args()
    url = _create_database(args.customers)
    results: dict[str, Any] = {"query": QUERY}
    try:
        for replicas in (1, 3):
            env = {"CG_RATE_LIMIT_ENABLED": "false"}
            with Cluster(url, REDIS_URL, replicas=replicas, workers=0, extra_env=env) as c:
                results[f"replicas_{replicas}"] = asyncio.run(
                    _load(c.url, args.seconds, args.concurrency)
                )
    finally:
        name = url.rpartition("/")[2]
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    results.update(
        seconds=args.seconds,
        concurrency=args.concurrency,
        cpus=os.cpu_count(),
        loadavg=[round(x, 2) for x in os.getloadavg()],
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
