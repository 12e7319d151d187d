"""One call per backend per level: counted where the calls arrive, at the reference backends."""

from __future__ import annotations

from collections import Counter

import pytest

from commercegraph.backends import BackendServers
from tests.conftest import SeededDatabase
from tests.gateway.conftest import gateway, rest_settings

PAGE = """query($first: Int!) { products(first: $first) { edges { node {
  sku
  price { final { amount } }
  availability { online { availableToPromise } pickupEligible }
  content { title }
} } } }"""


def calls(backends: BackendServers) -> dict[str, dict[str, int]]:
    return {d: dict(c) for d, c in backends.calls.items() if c}


# What the pricing engine reads besides base prices, once per request whatever the page:
# the rule set's revision (the compiled rules are reused while it holds), budgets in use,
# and demand (product views). The rules themselves are fetched only when they change.
PRICING_READS = {"rules_revision", "budget_usage", "price_rows", "product_views"}


def one_call_each(found: dict[str, dict[str, int]]) -> bool:
    return all(n == 1 for ops in found.values() for n in ops.values())


@pytest.mark.parametrize("first", [10, 50])
async def test_a_page_costs_one_call_per_operation_whatever_its_size(
    seeded_db: SeededDatabase, backends: BackendServers, first: int
) -> None:
    settings = rest_settings(seeded_db.url, backends.urls, cache_ttl_seconds=0)
    async with gateway(settings) as client:
        backends.reset_counts()
        body = await client.post(PAGE, {"first": first})
        assert "errors" not in body
        edges = body["data"]["products"]["edges"]
        assert len(edges) == first
        assert all(e["node"]["price"]["final"]["amount"] > 0 for e in edges)
        assert all(e["node"]["content"]["title"] for e in edges)
        found = calls(backends)
        assert one_call_each(found), found
        assert found["commerce"] == {"search_products": 1}
        assert found["inventory"] == {"stock": 1, "locations": 1}
        assert found["content"] == {"entries": 1}
        assert PRICING_READS <= set(found["pricing"]) <= PRICING_READS | {"active_rules"}
        assert set(found) == {"commerce", "pricing", "inventory", "content"}


async def test_with_the_store_list_cached_a_50_product_page_is_one_call_per_backend(
    seeded_db: SeededDatabase, backends: BackendServers
) -> None:
    async with gateway(rest_settings(seeded_db.url, backends.urls)) as client:
        warm = await client.post("{ stores { name } }")  # the store list is read-mostly data
        assert warm["data"]["stores"]
        backends.reset_counts()
        body = await client.post(PAGE, {"first": 50})
        assert "errors" not in body and len(body["data"]["products"]["edges"]) == 50
        pricing = calls(backends)["pricing"]
        assert PRICING_READS <= set(pricing) <= PRICING_READS | {"active_rules"}
        assert one_call_each({"pricing": pricing})
        assert backends.total_calls() == {
            "commerce": 1,
            "content": 1,
            "customer": 0,
            "pricing": len(pricing),
            "inventory": 1,
            "wallet": 0,
        }


async def test_identical_reads_in_one_request_are_made_once(
    seeded_db: SeededDatabase, backends: BackendServers
) -> None:
    query = """{ a: products(first: 5) { edges { node { sku price { final { amount } } } } }
                 b: products(first: 5) { edges { node { sku price { final { amount } } } } } }"""
    settings = rest_settings(seeded_db.url, backends.urls, cache_ttl_seconds=0)
    async with gateway(settings) as client:
        backends.reset_counts()
        body = await client.post(query)
        assert body["data"]["a"] == body["data"]["b"]
        found = calls(backends)
        assert one_call_each(found), found
        assert found["commerce"] == {"search_products": 1}
        assert PRICING_READS <= set(found["pricing"]) <= PRICING_READS | {"active_rules"}
        guard_counts: Counter[str] = Counter()
        for _, adapter in client.app.state.registry:  # type: ignore[attr-defined]
            guard_counts.update(adapter.calls)
        assert guard_counts["search_products"] == 1 and guard_counts["price_rows"] == 1
        assert all(n == 1 for n in guard_counts.values()), guard_counts
