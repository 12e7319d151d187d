"""Shopify locations and inventory levels, through the Admin API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from commercegraph.adapters.base import LocationRecord, StockRecord
from commercegraph.adapters.shopify import mapping, queries
from commercegraph.adapters.shopify.client import ShopifyClient
from commercegraph.adapters.shopify.errors import batch_read
from commercegraph.adapters.shopify.skus import MATCHES_PER_SKU, chunks

LEVELS_PER_ITEM = 20  # locations read per inventory item
SKUS_PER_STOCK_QUERY = 4  # with 20 levels each: a requested cost near 1,000 points
LOCATIONS_PAGE_COST = 1 + 100 * 3  # 100 locations with address and pickup settings


def _quantities(level: dict[str, Any]) -> dict[str, int]:
    return {q["name"]: int(q["quantity"]) for q in level.get("quantities") or ()}


class ShopifyInventory:
    capabilities = frozenset({"inventory.locations", "inventory.stock"})

    def __init__(self, client: ShopifyClient) -> None:
        self.client = client

    async def locations(self) -> list[LocationRecord]:
        found: list[LocationRecord] = []
        after: str | None = None
        while True:
            data = await self.client.admin(
                "Locations", queries.ADMIN_LOCATIONS, {"after": after}, LOCATIONS_PAGE_COST
            )
            page = data["locations"]
            found.extend(mapping.location(n) for n in page["nodes"] if n.get("isActive", True))
            if not page["pageInfo"]["hasNextPage"]:
                return found
            after = page["pageInfo"]["endCursor"]

    @batch_read()
    async def locations_by_id(self, ids: Sequence[str]) -> list[LocationRecord | None]:
        wanted = sorted({i for i in ids if i.startswith(mapping.LOCATION_GID)})
        found: dict[str, LocationRecord] = {}
        if wanted:
            data = await self.client.admin(
                "LocationsById",
                queries.ADMIN_LOCATIONS_BY_ID,
                {"ids": wanted},
                1 + 3 * len(wanted),
            )
            for node in data["nodes"]:
                if node and node.get("id"):
                    found[node["id"]] = mapping.location(node)
        return [found.get(i) for i in ids]

    @batch_read(list)
    async def stock(self, skus: Sequence[str]) -> list[list[StockRecord]]:
        rows: dict[str, list[StockRecord]] = {}
        for chunk in chunks(sorted({s for s in skus if s}), SKUS_PER_STOCK_QUERY):
            data = await self.client.admin(
                "StockBySku",
                queries.ADMIN_STOCK_BY_SKU,
                {
                    "first": len(chunk) * MATCHES_PER_SKU,
                    "query": mapping.sku_query(chunk),
                    "levels": LEVELS_PER_ITEM,
                },
                2 + len(chunk) * MATCHES_PER_SKU * (2 + LEVELS_PER_ITEM * 3),
            )
            for node in data["productVariants"]["nodes"]:
                sku = node.get("sku")
                if sku not in chunk or sku in rows:
                    continue
                levels = ((node.get("inventoryItem") or {}).get("inventoryLevels") or {}).get(
                    "nodes"
                ) or ()
                rows[sku] = []
                for level in levels:
                    quantity = _quantities(level)
                    rows[sku].append(
                        StockRecord(
                            sku=sku,
                            location_id=level["location"]["id"],
                            on_hand=quantity.get("on_hand", 0),
                            # committed: held by unfulfilled orders; reserved: by drafts, holds
                            reserved=quantity.get("committed", 0) + quantity.get("reserved", 0),
                            safety_stock=quantity.get("safety_stock", 0),
                        )
                    )
        return [list(rows.get(s, ())) for s in skus]

    async def aclose(self) -> None:
        await self.client.aclose()
