"""What compression and automatic persisted queries save on the wire, and what they cost.

On a freshly seeded SQLite demo store, in process: the product-page response's size as is,
gzip and brotli, with the median time each takes end to end; and the request body of the
same operation sent as text and as an APQ hash. Bounded: a fixed number of iterations.
Prints one JSON object, with the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from commercegraph.app import create_app
from commercegraph.config import Settings
from commercegraph.demo import seed_demo
from commercegraph.store.db import Store, create_engine
from commercegraph.store.migrate import upgrade

PAGE = """query Page { products(first: 50) { edges { node { sku name brand
  price { base { amount } final { amount } }
  availability { online { availableToPromise status } }
  content { title } } } } }"""


async def _encoding(client: httpx.AsyncClient, encoding: str, n: int) -> dict[str, Any]:
    samples, wire = [], 0
    for _ in range(n):
        start = time.perf_counter()
        async with client.stream(
            "POST", "/graphql", json={"query": PAGE}, headers={"Accept-Encoding": encoding}
        ) as response:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        samples.append(time.perf_counter() - start)
        wire = len(raw)
    return {"bytes": wire, "p50_ms": round(statistics.median(samples) * 1000, 3)}


async def main(customers: int, iterations: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await asyncio.to_thread(upgrade, url)
        store = Store(create_engine(url))
        await seed_demo(store, customers=customers)
        await store.dispose()
        app = create_app(Settings(database_url=url, log_level="WARNING"))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await _encoding(client, "identity", 5)  # warm caches
            sha = hashlib.sha256(PAGE.encode()).hexdigest()
            apq = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha}}}
            await client.post("/graphql", json={"query": PAGE, **apq})
            hit = await client.post("/graphql", json=apq)
            assert "errors" not in hit.json(), hit.text
            result = {
                "store": "sqlite",
                "customers": customers,
                "iterations": iterations,
                "product_page_50": {
                    name: await _encoding(client, name, iterations)
                    for name in ("identity", "gzip", "br")
                },
                "request_body_bytes": {
                    "query_text": len(json.dumps({"query": PAGE})),
                    "apq_hash": len(json.dumps(apq)),
                },
                "loadavg": [round(x, 2) for x in os.getloadavg()],
            }
        await app.state.store.dispose()
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--iterations", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.customers, args.iterations))
