"""The GraphQL hot path in-process (no network): Devi's journey, product pages, a quote.

Prints one JSON object: for each query p50/p95/p99 latency in ms, p99/p50, requests per
second and CPU per request (``time.process_time``; in-process, so it includes the test
client's share), one at a time and 8 in flight, with the load average. Product pages of 10,
50 and 100 products give the cost of one more product. Bounded: a fixed number of
iterations, on a freshly seeded SQLite demo store unless ``--database-url`` names a seeded one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from _timing import host_reference_ms, load_average, measure

from commercegraph.app import create_app
from commercegraph.auth import issue_token
from commercegraph.config import Settings
from commercegraph.demo import DEVI_ID, seed_demo
from commercegraph.services.money import format_money
from commercegraph.store.db import Store, create_engine
from commercegraph.store.migrate import upgrade

JOURNEY = """query Journey { me { displayName
  wallet { balance { amount } paymentMethods { label } }
  loyalty { points tier pointsToNextTier }
  orders(first: 10) { edges { node { total { amount } lines { quantity product { name } } } } }
  recentlyViewed(first: 5) { name price { final { amount } }
    availability(near: {lat: 45.519, lon: -122.679}) {
      pickupEligible stores(first: 3) { store { name } } } } } }"""

PAGE = """query Page($first: Int!) { products(first: $first) { edges { node { sku name brand
  price { base { amount } final { amount } }
  availability { online { availableToPromise status } }
  content { title } } } } }"""

# the same page with both prices formatted for display: 100 `Money.formatted` a page
PAGE_FORMATTED = PAGE.replace(
    "base { amount } final { amount }", "base { amount formatted } final { amount formatted }"
)
# ... and with the currency instead, a plain attribute: what any further field costs
PAGE_CURRENCY = PAGE.replace(
    "base { amount } final { amount }", "base { amount currency } final { amount currency }"
)
FORMATTED_PER_PAGE = 100
ROUNDS = 3

QUOTE = """query Quote($input: QuoteInput!) { quote(input: $input) {
  subtotal { amount } total { amount } appliedRules { ruleId amount { amount } }
  lines { sku lineTotal { amount } unitPrice { final { amount } } } } }"""


async def _skus(client: httpx.AsyncClient, n: int) -> list[str]:
    query = "query($n: Int!) { products(first: $n) { edges { node { sku } } } }"
    body = (await client.post("/graphql", json={"query": query, "variables": {"n": n}})).json()
    return [e["node"]["sku"] for e in body["data"]["products"]["edges"]]


async def run(url: str, customers: int | None, iterations: int) -> dict[str, Any]:
    settings = Settings(database_url=url, log_level="WARNING")
    app = create_app(settings)
    token = issue_token(settings, subject=DEVI_ID, scope="customer")
    transport = httpx.ASGITransport(app=app)
    result: dict[str, Any] = {"store": url.split("+")[0], "customers": customers}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        skus = await _skus(client, 20)
        lines = [{"sku": s, "quantity": 1 + i % 3} for i, s in enumerate(skus)]
        cases: dict[str, tuple[str, dict[str, Any] | None, str | None]] = {
            "journey": (JOURNEY, None, token),
            "product_page_10": (PAGE, {"first": 10}, None),
            "product_page_50": (PAGE, {"first": 50}, None),
            "product_page_100": (PAGE, {"first": 100}, None),
            "quote_20_lines": (QUOTE, {"input": {"lines": lines}}, token),
        }
        for query, variables, bearer in cases.values():  # warm caches and the allocator
            await measure(client, query, bearer, 10, variables=variables)
        for name, (query, variables, bearer) in cases.items():
            result[name] = await measure(client, query, bearer, iterations, variables=variables)
        for name in ("journey", "product_page_50"):
            query, variables, bearer = cases[name]
            result[f"{name}_8_in_flight"] = await measure(
                client, query, bearer, iterations, variables=variables, in_flight=8
            )
        result["money_formatted_page_50"] = await _formatted_cost(client, iterations)
    per_product = (
        result["product_page_100"]["cpu_ms_per_request"]
        - result["product_page_10"]["cpu_ms_per_request"]
    ) / 90
    result["page_cpu_ms_per_extra_product"] = round(per_product, 3)
    result["load_average_at_end"] = load_average()
    result["host_reference_ms"] = host_reference_ms()
    return result


async def _formatted_cost(client: httpx.AsyncClient, iterations: int) -> dict[str, Any]:
    """The 50-product page without and with ``Money.currency`` (a plain field) or
    ``Money.formatted`` (a resolver), alternating in rounds so that the machine's other work
    weighs on all alike; medians of the rounds."""
    variables = {"first": 50}
    cpu: dict[str, list[float]] = {"plain": [], "currency": [], "formatted": []}
    n = max(iterations // 2, 10)
    for _ in range(ROUNDS):
        for label, query in (
            ("plain", PAGE),
            ("currency", PAGE_CURRENCY),
            ("formatted", PAGE_FORMATTED),
        ):
            figures = await measure(client, query, None, n, variables=variables)
            cpu[label].append(figures["cpu_ms_per_request"])
    plain, currency, formatted = (statistics.median(v) for v in cpu.values())
    return {
        "cpu_ms_per_request_plain": round(plain, 3),
        "cpu_ms_per_request_currency": round(currency, 3),
        "cpu_ms_per_request_formatted": round(formatted, 3),
        "formatted_values_per_page": FORMATTED_PER_PAGE,
        "us_per_formatted_value": round((formatted - plain) / FORMATTED_PER_PAGE * 1000, 2),
        "us_per_currency_value": round((currency - plain) / FORMATTED_PER_PAGE * 1000, 2),
        "format_money_us_per_call": _format_money_cost(),
        "rounds": ROUNDS,
        "requests_per_round": n,
        "load_average": load_average(),
    }


def _format_money_cost(calls: int = 20_000) -> dict[str, float]:
    """The formatter alone, per call, for the default locale and a German one."""
    found = {}
    for locale in (None, "de-DE"):
        started = time.process_time()
        for amount in range(calls):
            format_money(amount, "USD", locale)
        found[locale or "default"] = round((time.process_time() - started) / calls * 1e6, 2)
    return found


async def main(database_url: str | None, customers: int, iterations: int) -> None:
    if database_url:
        result = await run(database_url, None, iterations)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            await asyncio.to_thread(upgrade, url)
            store = Store(create_engine(url))
            await seed_demo(store, customers=customers)
            await store.dispose()
            result = await run(url, customers, iterations)
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--database-url", help="a migrated, seeded store (e.g. PostgreSQL)")
    args = parser.parse_args()
    asyncio.run(main(args.database_url, args.customers, args.iterations))
