"""Personalisation latency in-process (no network), on a freshly seeded SQLite demo store.

Prints one JSON object: p50/p95/p99 ms for cross-sell, up-sell and frequently-bought-together
recommendations, the shopping list and offers of a customer with 200 orders, and Devi's
whole app journey (profile, points, list, offers near Downtown, recommendations) end to end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
from datetime import timedelta
from pathlib import Path

import httpx
from _timing import measure
from sqlalchemy import select

from commercegraph.app import create_app
from commercegraph.auth import issue_token
from commercegraph.config import Settings
from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID, seed_demo
from commercegraph.store import models as m
from commercegraph.store.db import Store, create_engine
from commercegraph.store.migrate import upgrade
from commercegraph.store.models.base import utcnow

HEAVY_ID = "cus_bench_heavy"
HEAVY_ORDERS = 200

RECO = """{ me { recommendations(kind: %s, first: 5) {
  product { sku name } reason score price { amount } } } }"""
LIST = "{ me { shoppingList { items { product { sku } nextDueAt dueSoon } } } }"
OFFERS = """{ me { offers(context: {near: {lat: 45.519, lon: -122.679}}) {
  kind title product { sku } } } }"""
JOURNEY = """query DeviInTheApp { me { displayName
  wallet { balance { formatted } }
  loyalty { points tier pointsToNextTier }
  shoppingList { dueSoon { product { name } nextDueAt } items { product { sku } nextDueAt } }
  offers(context: {channel: MOBILE_APP, near: {lat: 45.519, lon: -122.679}}) {
    kind title message expiresAt product { sku } store { name } }
  recommendations(kind: CROSS_SELL, first: 3) { product { name } reason price { formatted } }
  recentlyViewed(first: 3) { name availability(near: {lat: 45.519, lon: -122.679}) {
    pickupEligible stores(first: 2) { store { name } } } } } }"""


async def add_heavy_customer(store: Store, seed: int) -> None:
    """A customer with 200 orders across two years: coffee pods on a cycle plus a mix."""
    rng = random.Random(seed)
    now = utcnow()
    async with store.read() as session:
        rows = (await session.execute(select(m.Product.sku).order_by(m.Product.sku))).all()
    pool = [sku for (sku,) in rows]
    async with store.write() as session:
        session.add(
            m.Customer(
                id=HEAVY_ID,
                display_name="Heavy Shopper",
                email="heavy@example.com",
                customer_group="RETAIL",
                home_store_id="loc_downtown",
                created_at=now - timedelta(days=800),
            )
        )
        await session.flush()
        session.add(
            m.Consent(
                customer_id=HEAVY_ID,
                marketing_email=True,
                marketing_sms=True,
                personalization=True,
                updated_at=now,
            )
        )
        for n in range(HEAVY_ORDERS):
            oid = f"ord_bench_{n:04d}"
            lines = [(DEVI_COFFEE_SKU, 1)] if n % 3 == 0 else []
            lines += [(rng.choice(pool), rng.randint(1, 2)) for _ in range(rng.randint(1, 3))]
            total = 1000 * len(lines)
            session.add(
                m.Order(
                    id=oid,
                    customer_id=HEAVY_ID,
                    channel=rng.choice(["WEB", "MOBILE_APP", "STORE"]),
                    placed_at=now - timedelta(days=1 + n * 3.6, hours=rng.uniform(0, 8)),
                    currency="USD",
                    subtotal=total,
                    total=total,
                    fulfillment="SHIP",
                )
            )
            await session.flush()
            for sku, quantity in lines:
                session.add(
                    m.OrderLine(
                        order_id=oid, sku=sku, quantity=quantity, unit_price=1000, line_total=1000
                    )
                )


async def main(customers: int, iterations: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await asyncio.to_thread(upgrade, url)
        store = Store(create_engine(url))
        await seed_demo(store, customers=customers)
        await add_heavy_customer(store, seed=1)
        await store.dispose()
        settings = Settings(database_url=url, log_level="WARNING")
        app = create_app(settings)
        heavy = issue_token(settings, subject=HEAVY_ID, scope="customer")
        devi = issue_token(settings, subject=DEVI_ID, scope="customer")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await measure(client, LIST, heavy, 3)  # warm caches
            result = {
                "store": "sqlite",
                "customers": customers + 2,
                "heavy_customer_orders": HEAVY_ORDERS,
                "cross_sell": await measure(
                    client, RECO % "CROSS_SELL", heavy, iterations, digits=2
                ),
                "up_sell": await measure(client, RECO % "UP_SELL", heavy, iterations, digits=2),
                "frequently_bought_together": await measure(
                    client, RECO % "FREQUENTLY_BOUGHT_TOGETHER", heavy, iterations, digits=2
                ),
                "shopping_list": await measure(client, LIST, heavy, iterations, digits=2),
                "offers": await measure(client, OFFERS, heavy, iterations, digits=2),
                "devi_journey": await measure(client, JOURNEY, devi, iterations, digits=2),
            }
        await app.state.store.dispose()
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--iterations", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.customers, args.iterations))
