"""How many backend calls a request waits on one after another, read from its spans."""

from __future__ import annotations

from collections import Counter
from typing import Any

from commercegraph.demo import DEVI_ID
from tests.conftest import SeededDatabase, settings_for
from tests.gateway.conftest import gateway

# every backend call takes this long at least: calls made together overlap even on a busy
# machine, and calls made one after another do not
LATENCY_MS = 150
# Devi's journey as bench/fanout.py runs it: profile, wallet, loyalty, orders, and the
# products she viewed with their price and availability
JOURNEY = """query DeviJourney { me {
  displayName identities { kind } consent { marketingEmail }
  wallet { balance { amount } paymentMethods { label }
           transactions(first: 5) { edges { node { kind } } } }
  loyalty { points tier }
  orders(first: 5) { totalCount
                     edges { node { total { amount } lines { quantity product { name } } } } }
  recentlyViewed(first: 3) { name price { final { amount } } availability { pickupEligible } }
} }"""
WARMED = [
    ("customer", "customers_by_id"),
    ("customer", "segments"),
    ("wallet", "loyalty_accounts"),
    ("pricing", "customer_order_stats"),
    ("pricing", "rules_revision"),
    ("inventory", "stock"),
    ("inventory", "locations"),
]
VIEWED_NAMES = "{ me { recentlyViewed(first: 3) { name } } }"
VIEWED_PRICES = """{ me { recentlyViewed(first: 3) {
  name price { final { amount } } availability { online { availableToPromise } }
} } }"""


def backend_spans(exporter: Any) -> list[Any]:
    return [s for s in exporter.get_finished_spans() if "backend.operation" in s.attributes]


def critical_path(spans: list[Any]) -> int:
    """The longest chain of calls, each starting after the one before it ended."""
    ordered = sorted(spans, key=lambda s: s.start_time)
    depth: list[int] = []
    for i, span in enumerate(ordered):
        before = [depth[j] for j in range(i) if ordered[j].end_time <= span.start_time]
        depth.append(1 + max(before, default=0))
    return max(depth, default=0)


def operations(spans: list[Any]) -> Counter[tuple[str, str]]:
    return Counter((s.attributes["backend.name"], s.attributes["backend.operation"]) for s in spans)


async def test_the_journey_waits_on_four_backend_calls_in_a_row(
    seeded_db: SeededDatabase, span_exporter: Any
) -> None:
    # the customer; her views (beside her facts for pricing); the products (beside their
    # stock and the rules); their base prices, demand and budgets
    settings = settings_for(seeded_db.url, faults=f"*:latency_ms={LATENCY_MS}", cache_ttl_seconds=0)
    async with gateway(settings) as client:
        token = client.token(DEVI_ID)
        await client.post(JOURNEY, token=token)  # the compiled rules are then reused
        span_exporter.clear()
        body = await client.post(JOURNEY, token=token)
    assert "errors" not in body
    assert all(p["price"]["final"]["amount"] > 0 for p in body["data"]["me"]["recentlyViewed"])
    spans = backend_spans(span_exporter)
    assert critical_path(spans) == 4, sorted(operations(spans).items())
    # reads asked ahead are not asked again when the prices need them
    asked = operations(spans)
    for read in WARMED:
        assert asked[read] == 1, asked


async def test_views_without_prices_ask_pricing_and_inventory_nothing(
    seeded_db: SeededDatabase, span_exporter: Any
) -> None:
    async with gateway(settings_for(seeded_db.url, cache_ttl_seconds=0)) as client:
        token = client.token(DEVI_ID)
        span_exporter.clear()
        body = await client.post(VIEWED_NAMES, token=token)
    assert body["data"]["me"]["recentlyViewed"]
    domains = {domain for domain, _ in operations(backend_spans(span_exporter))}
    assert domains == {"customer", "commerce"}


async def test_with_pricing_down_the_views_ask_it_once_and_say_so(
    seeded_db: SeededDatabase, span_exporter: Any
) -> None:
    # pricing's first read fails: the rules are not asked for, and the prices that needed
    # the failed read do not ask again
    settings = settings_for(seeded_db.url, faults="pricing:error_rate=1.0", cache_ttl_seconds=0)
    async with gateway(settings) as client:
        token = client.token(DEVI_ID)
        span_exporter.clear()
        body = await client.post(VIEWED_PRICES, token=token)
    codes = {(e["extensions"]["code"], e["extensions"].get("backend")) for e in body["errors"]}
    assert codes == {("BACKEND_UNAVAILABLE", "pricing")}
    pricing = {
        op: n
        for (domain, op), n in operations(backend_spans(span_exporter)).items()
        if domain == "pricing"
    }
    assert set(pricing) == {"customer_order_stats"}
    assert pricing["customer_order_stats"] == 1
