"""Skus to Shopify variants, through the Admin API (the Storefront API cannot search skus)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from commercegraph.adapters.shopify import queries
from commercegraph.adapters.shopify.client import ShopifyClient
from commercegraph.adapters.shopify.mapping import sku_query

SKUS_PER_QUERY = 50  # with MATCHES_PER_SKU: 200 variants, inside the 250 a page allows
# Shopify's search tokenises skus, so "A-1" also matches "A-1-43": room for a few siblings
MATCHES_PER_SKU = 4


@dataclass(frozen=True, slots=True)
class VariantRef:
    variant_id: str
    product_id: str


def chunks(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


async def variants_by_sku(client: ShopifyClient, skus: Sequence[str]) -> dict[str, VariantRef]:
    """The variant of each sku Shopify knows, matched exactly (its search is fuzzier)."""
    wanted = sorted({s for s in skus if s})
    found: dict[str, VariantRef] = {}
    for chunk in chunks(wanted, SKUS_PER_QUERY):
        data = await client.admin(
            "VariantsBySku",
            queries.ADMIN_VARIANTS_BY_SKU,
            {"first": len(chunk) * MATCHES_PER_SKU, "query": sku_query(chunk)},
            estimate=2 + 2 * len(chunk) * MATCHES_PER_SKU,
        )
        for node in data["productVariants"]["nodes"]:
            if node.get("sku") in chunk and node["sku"] not in found:
                found[node["sku"]] = VariantRef(node["id"], node["product"]["id"])
    return found
