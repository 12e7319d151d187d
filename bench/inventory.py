"""Cross-channel inventory benchmark; prints one JSON object.

1. ``availability_page``: one GraphQL request for a 50-product page with each product's
   availability across every store (nearest first from Downtown), on SQLite and, when
   reachable, PostgreSQL; latency percentiles over repeated requests.
2. ``checkout``: concurrent ``placeOrder`` calls on PostgreSQL, all for one sku at one
   store (``hot_sku``: every checkout fights for the same stock row, half of them find it
   sold out) and spread over 50 skus (``spread``); throughput and latency.

Everything runs in-process against throw-away databases (a temporary SQLite file and a
PostgreSQL database created and dropped here, never the shared ``test`` database).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from commercegraph.app import create_app
from commercegraph.auth import issue_token
from commercegraph.config import Settings
from commercegraph.demo import DOWNTOWN_ID, seed_demo
from commercegraph.ids import to_global_id
from commercegraph.store.db import Store, create_engine
from commercegraph.store.migrate import upgrade

ADMIN_URL = os.environ.get(
    "CG_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
CUSTOMERS = 200
PAGE_RUNS = 30
CHECKOUTS = 200
CONCURRENCY = 20
HOT_UNITS = 100

PAGE = """{ products(first: 50) { edges { node { sku
  availability(near: {lat: 45.5190, lon: -122.6790}) {
    online { availableToPromise status } pickupEligible
    stores(first: 10) { store { name } distanceKm level { availableToPromise status } } } } } } }"""
CREATE = "mutation { createCart(channel: WEB) { id } }"
ADD = """mutation($c: ID!, $s: String!) { addCartLine(cartId: $c, sku: $s, quantity: 1) { id } }"""
PLACE = """mutation($c: ID!, $f: FulfillmentInput!, $k: String!) {
  placeOrder(cartId: $c, fulfillment: $f, idempotencyKey: $k, payment: {payAtPickup: true}) {
    id } }"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(ADMIN_URL.replace("postgresql+asyncpg", "postgresql"), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def prepare(url: str) -> None:
    upgrade(url)

    async def seed() -> None:
        store = Store(create_engine(url))
        try:
            await seed_demo(store, customers=CUSTOMERS, seed=42)
        finally:
            await store.dispose()

    asyncio.run(seed())


class Client:
    def __init__(self, url: str) -> None:
        self.settings = Settings(database_url=url, db_pool_size=CONCURRENCY)
        self.app = create_app(self.settings)
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://bench.local"
        )

    async def post(self, query: str, variables: dict[str, Any], token: str | None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        return response.json()

    async def close(self) -> None:
        await self.http.aclose()
        await self.app.state.store.dispose()


async def availability_page(url: str) -> dict[str, Any]:
    client = Client(url)
    try:
        for _ in range(3):  # warm caches and pools
            await client.post(PAGE, {}, None)
        timings = []
        for _ in range(PAGE_RUNS):
            started = time.perf_counter()
            body = await client.post(PAGE, {}, None)
            timings.append((time.perf_counter() - started) * 1000)
            assert "errors" not in body, body["errors"]
        edges = body["data"]["products"]["edges"]
        store_rows = sum(len(e["node"]["availability"]["stores"]) for e in edges)
        return {
            "products": len(edges),
            "store_rows": store_rows,
            "p50_ms": percentile(timings, 0.5),
            "p95_ms": percentile(timings, 0.95),
        }
    finally:
        await client.close()


async def _set_stock(url: str, sku: str, on_hand: int) -> None:
    from sqlalchemy import update

    from commercegraph.store import models as m

    store = Store(create_engine(url))
    try:
        async with store.write() as session:
            await session.execute(
                update(m.Stock)
                .where(m.Stock.sku == sku, m.Stock.location_id == DOWNTOWN_ID)
                .values(on_hand=on_hand, reserved=0, safety_stock=0)
            )
    finally:
        await store.dispose()


async def checkout(
    url: str, name: str, skus: list[str], checkouts: int = CHECKOUTS, concurrency: int = CONCURRENCY
) -> dict[str, Any]:
    client = Client(url)
    pickup = {"method": "PICKUP", "storeId": to_global_id("Store", DOWNTOWN_ID)}
    try:
        tokens = [
            issue_token(client.settings, subject=f"cus_bench_{name}_{n}", scope="customer")
            for n in range(checkouts)
        ]
        carts = []
        for n, token in enumerate(tokens):
            cart = (await client.post(CREATE, {}, token))["data"]["createCart"]["id"]
            await client.post(ADD, {"c": cart, "s": skus[n % len(skus)]}, token)
            carts.append(cart)
        gate = asyncio.Semaphore(concurrency)
        latencies: list[float] = []
        outcomes: dict[str, int] = {}

        async def place(n: int) -> None:
            async with gate:
                started = time.perf_counter()
                body = await client.post(
                    PLACE, {"c": carts[n], "f": pickup, "k": f"{name}-{n}"}, tokens[n]
                )
                latencies.append((time.perf_counter() - started) * 1000)
                code = body["errors"][0]["extensions"]["code"] if body.get("errors") else "ORDER"
                outcomes[code] = outcomes.get(code, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(place(n) for n in range(checkouts)))
        elapsed = time.perf_counter() - started
        return {
            "checkouts": checkouts,
            "concurrency": concurrency,
            "outcomes": outcomes,
            "elapsed_s": round(elapsed, 3),
            "checkouts_per_s": round(checkouts / elapsed, 1),
            "p50_ms": percentile(latencies, 0.5),
            "p95_ms": percentile(latencies, 0.95),
        }
    finally:
        await client.close()


def main() -> None:
    result: dict[str, Any] = {
        "customers": CUSTOMERS,
        "cpu_count": os.cpu_count(),
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
    }
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        prepare(sqlite_url)
        result["availability_page"] = {"sqlite": asyncio.run(availability_page(sqlite_url))}
    name = f"cg_bench_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no PostgreSQL here: report what ran
        result["postgresql"] = f"unreachable: {exc!r}"
        print(json.dumps(result))
        return
    pg_url = f"{ADMIN_URL.rpartition('/')[0]}/{name}"
    try:
        prepare(pg_url)
        result["availability_page"]["postgresql"] = asyncio.run(availability_page(pg_url))
        hot = "SKU-SNK-0001"
        asyncio.run(_set_stock(pg_url, hot, HOT_UNITS))
        spread = [f"SKU-SNK-{n:04d}" for n in range(2, 37)] + [
            f"SKU-TEA-{n:04d}" for n in range(1, 16)
        ]
        for sku in spread:
            asyncio.run(_set_stock(pg_url, sku, CHECKOUTS))
        result["checkout_postgresql"] = {
            "hot_sku": {"units": HOT_UNITS, **asyncio.run(checkout(pg_url, "hot", [hot]))},
            "spread": {"skus": len(spread), **asyncio.run(checkout(pg_url, "spread", spread))},
            "serial": {
                "skus": len(spread),
                **asyncio.run(checkout(pg_url, "serial", spread, checkouts=50, concurrency=1)),
            },
        }
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
