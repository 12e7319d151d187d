"""commercetools inventory: supply channels as locations, inventory entries as stock."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from commercegraph.adapters.base import LocationRecord, StockRecord
from commercegraph.adapters.commercetools import mapping
from commercegraph.adapters.commercetools.carts import UUID
from commercegraph.adapters.commercetools.client import CommercetoolsClient

PAGE = 500  # the HTTP API's largest page


class CommercetoolsInventory:
    capabilities = frozenset({"inventory.locations", "inventory.stock"})

    def __init__(self, client: CommercetoolsClient) -> None:
        self.client = client
        self.settings = client.settings

    async def _all(self, path: str, predicate: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            body = await self.client.batch_read(
                path,
                [
                    ("where", predicate),
                    ("sort", "id asc"),
                    ("limit", PAGE),
                    ("offset", len(found)),
                    ("withTotal", "false"),
                ],
            )
            found.extend(body["results"])
            if len(body["results"]) < PAGE:
                return found

    async def locations(self) -> list[LocationRecord]:
        nodes = await self._all("/channels", 'roles contains any ("InventorySupply")')
        return [mapping.location(n, self.settings.locale) for n in nodes]

    async def locations_by_id(self, ids: Sequence[str]) -> list[LocationRecord | None]:
        wanted = sorted({i for i in ids if UUID.match(i)})
        found: dict[str, LocationRecord] = {}
        if wanted:
            for node in await self._all("/channels", f"id in {mapping.in_list(wanted)}"):
                found[node["id"]] = mapping.location(node, self.settings.locale)
        return [found.get(i) for i in ids]

    async def stock(self, skus: Sequence[str]) -> list[list[StockRecord]]:
        rows: dict[str, list[StockRecord]] = defaultdict(list)
        for chunk in mapping.chunks(sorted({s for s in skus if s})):
            for node in await self._all("/inventory", f"sku in {mapping.in_list(chunk)}"):
                rows[node["sku"]].append(mapping.stock(node))
        return [list(rows.get(s, ())) for s in skus]

    async def aclose(self) -> None:
        await self.client.aclose()
