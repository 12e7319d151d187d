"""How many backend calls a request waits on one after another, read from its spans."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

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
# where a read sits in the journey's longest chain of calls
DEPTHS = {
    ("customer", "customers_by_id"): 1,
    # keyed by the id the token names: it need not wait for the customer record
    ("pricing", "customer_order_stats"): 1,
    # the customer backend's first call is the record alone, so a failing customer backend
    # fails as many calls as before
    ("customer", "recently_viewed"): 2,
    ("customer", "segments"): 2,
    # pricing's first call still goes alone: the rules wait for the order statistics
    ("pricing", "rules_revision"): 2,
    # the skus are all the base prices and demand need; the rule set all the budgets need
    ("commerce", "products_by_sku"): 3,
    ("pricing", "price_rows"): 3,
    ("pricing", "product_views"): 3,
    ("pricing", "budget_usage"): 3,
}
JOURNEY_CALLS = 19  # backend calls of one journey when its reads waited for the customer
VIEWED_NAMES = "{ me { recentlyViewed(first: 3) { name } } }"
VIEWED_PRICES = """{ me { recentlyViewed(first: 3) {
  name price { final { amount } } availability { online { availableToPromise } }
} } }"""


def backend_spans(exporter: Any) -> list[Any]:
    return [s for s in exporter.get_finished_spans() if "backend.operation" in s.attributes]


def depths(spans: list[Any]) -> list[tuple[Any, int]]:
    """Each call with the number of calls, itself included, in the longest chain ending in it."""
    ordered = sorted(spans, key=lambda s: s.start_time)
    depth: list[int] = []
    for i, span in enumerate(ordered):
        before = [depth[j] for j in range(i) if ordered[j].end_time <= span.start_time]
        depth.append(1 + max(before, default=0))
    return list(zip(ordered, depth, strict=True))


def critical_path(spans: list[Any]) -> int:
    """The longest chain of calls, each starting after the one before it ended."""
    return max((depth for _, depth in depths(spans)), default=0)


def depth_of(spans: list[Any]) -> dict[tuple[str, str], int]:
    """Each operation's deepest place in a chain."""
    found: dict[tuple[str, str], int] = {}
    for span, depth in depths(spans):
        key = (span.attributes["backend.name"], span.attributes["backend.operation"])
        found[key] = max(found.get(key, 0), depth)
    return found


def operations(spans: list[Any]) -> Counter[tuple[str, str]]:
    return Counter((s.attributes["backend.name"], s.attributes["backend.operation"]) for s in spans)


async def test_the_journey_waits_on_three_backend_calls_in_a_row(
    seeded_db: SeededDatabase, span_exporter: Any
) -> None:
    # the customer, with pricing's first read (her order statistics) beside it; her views and
    # her other facts, beside the rules; the products with their stock, base prices, demand
    # and the rules' budgets
    settings = settings_for(seeded_db.url, faults=f"*:latency_ms={LATENCY_MS}", cache_ttl_seconds=0)
    async with gateway(settings) as client:
        token = client.token(DEVI_ID)
        await client.post(JOURNEY, token=token)  # the compiled rules are then reused
        span_exporter.clear()
        body = await client.post(JOURNEY, token=token)
    assert "errors" not in body
    assert all(p["price"]["final"]["amount"] > 0 for p in body["data"]["me"]["recentlyViewed"])
    spans = backend_spans(span_exporter)
    assert critical_path(spans) == 3, sorted(operations(spans).items())
    depth = depth_of(spans)
    for read, expected in DEPTHS.items():
        assert depth[read] == expected, depth
    # reads asked ahead are not asked again when the prices need them
    asked = operations(spans)
    for read in WARMED:
        assert asked[read] == 1, asked
    assert sum(asked.values()) <= JOURNEY_CALLS, asked


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


async def test_views_without_prices_ask_nothing_beside_the_customer(
    seeded_db: SeededDatabase, span_exporter: Any
) -> None:
    # the names need no pricing: the views follow the customer record, the products the views
    settings = settings_for(seeded_db.url, faults=f"*:latency_ms={LATENCY_MS}", cache_ttl_seconds=0)
    async with gateway(settings) as client:
        token = client.token(DEVI_ID)
        span_exporter.clear()
        body = await client.post(VIEWED_NAMES, token=token)
    assert body["data"]["me"]["recentlyViewed"]
    spans = backend_spans(span_exporter)
    assert depth_of(spans) == {
        ("customer", "customers_by_id"): 1,
        ("customer", "recently_viewed"): 2,
        ("commerce", "products_by_sku"): 3,
    }


@pytest.mark.parametrize(
    ("who", "faults"),
    [("no-such-customer", ""), (DEVI_ID, "customer:error_rate=1.0")],
    ids=["missing customer", "customer backend down"],
)
async def test_when_the_customer_read_fails_the_journey_answers_as_before(
    seeded_db: SeededDatabase, span_exporter: Any, who: str, faults: str
) -> None:
    # the read asked beside the customer changes nothing in the answer: it is the one a query
    # asking nothing beside the customer gets, and nothing asked is still running; the
    # customer backend sees the record alone, as before
    settings = settings_for(seeded_db.url, faults=faults, cache_ttl_seconds=0)
    async with gateway(settings) as client:  # a gateway each: its circuits start closed
        plain = await client.post(
            "query DeviJourney { me { displayName } }", token=client.token(who)
        )
    async with gateway(settings) as client:
        span_exporter.clear()
        body = await client.post(JOURNEY, token=client.token(who))
        finished = operations(backend_spans(span_exporter))
    assert body == plain
    assert body["data"] == {"me": None}
    assert ("pricing", "customer_order_stats") in finished
    assert {op for domain, op in finished if domain == "customer"} == {"customers_by_id"}
