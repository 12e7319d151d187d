"""The GraphQL hot path in-process (no network): Devi's journey and a 50-product page.

Prints one JSON object: p50/p95/p99 latency in ms and requests per second for each query,
on a freshly seeded SQLite demo store. Bounded: a fixed number of iterations.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path

import httpx
from _timing import measure

from commercegraph.app import create_app
from commercegraph.auth import issue_token
from commercegraph.config import Settings
from commercegraph.demo import DEVI_ID, seed_demo
from commercegraph.store.db import Store, create_engine
from commercegraph.store.migrate import upgrade

JOURNEY = """query Journey { me { displayName
  wallet { balance { amount } paymentMethods { label } }
  loyalty { points tier pointsToNextTier }
  orders(first: 10) { edges { node { total { amount } lines { quantity product { name } } } } }
  recentlyViewed(first: 5) { name price { final { amount } }
    availability(near: {lat: 45.519, lon: -122.679}) {
      pickupEligible stores(first: 3) { store { name } } } } } }"""

PAGE = """query Page { products(first: 50) { edges { node { sku name brand
  price { base { amount } final { amount } }
  availability { online { availableToPromise status } }
  content { title } } } } }"""


async def main(customers: int, iterations: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await asyncio.to_thread(upgrade, url)
        store = Store(create_engine(url))
        await seed_demo(store, customers=customers)
        await store.dispose()
        settings = Settings(database_url=url, log_level="WARNING")
        app = create_app(settings)
        token = issue_token(settings, subject=DEVI_ID, scope="customer")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await measure(client, PAGE, None, 5)  # warm caches
            result = {
                "store": "sqlite",
                "customers": customers,
                "journey": await measure(client, JOURNEY, token, iterations),
                "product_page_50": await measure(client, PAGE, None, iterations),
            }
        await app.state.store.dispose()
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--iterations", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.customers, args.iterations))
