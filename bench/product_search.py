"""Catalog search benchmark; prints one JSON object.

One GraphQL request for a 20-product page of ``products`` per variant (the default order,
a query ranked by relevance, price and newest sorts, a backward page, and facets), on a
throw-away seeded SQLite store, in-process; latency percentiles over repeated requests.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import measure

from commercegraph.app import create_app
from commercegraph.config import Settings
from commercegraph.demo import seed_demo
from commercegraph.store.db import Store, create_engine
from commercegraph.store.migrate import upgrade

CUSTOMERS = 20
RUNS = 60
NODE = "edges { cursor node { sku name price { final { amount } } } }"
VARIANTS = {
    "default": f"{{ products(first: 20) {{ totalCount {NODE} }} }}",
    "query_relevance": f'{{ products(query: "coffee", first: 20) {{ totalCount {NODE} }} }}',
    "sort_price": f"{{ products(first: 20, sort: {{field: PRICE}}) {{ totalCount {NODE} }} }}",
    "sort_newest": f"{{ products(first: 20, sort: {{field: NEWEST}}) {{ totalCount {NODE} }} }}",
    "last_page": f"{{ products(last: 20, sort: {{field: NAME}}) {{ totalCount {NODE} }} }}",
    "with_facets": f"""{{ products(query: "pack", first: 20) {{ totalCount {NODE}
      facets {{ brands {{ value count }} categories {{ value count }} }} }} }}""",
}


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await asyncio.to_thread(upgrade, url)
        store = Store(create_engine(url))
        await seed_demo(store, customers=CUSTOMERS, seed=7, now=datetime.now(UTC))
        await store.dispose()
        app = create_app(Settings(database_url=url, cache_ttl_seconds=0))
        results = {}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for name, query in VARIANTS.items():
                await measure(client, query, None, 5)  # warm the parser and connections
                results[name] = await measure(client, query, None, RUNS)
        await app.state.store.dispose()
    print(
        json.dumps(
            {
                "benchmark": "product_search",
                "store": "sqlite",
                "variants": results,
                "load_average": [round(x, 2) for x in os.getloadavg()],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
