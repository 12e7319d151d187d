"""The Vendure adapter's three faces: commerce (catalogue, search, carts, orders), pricing
(variant prices per currency) and inventory (stock locations and stock levels).

Products are Vendure products with their variants; categories are Vendure collections (the
deepest collection a product is in is its category); brands are the values of the ``brand``
facet. Search is Vendure's ``search`` query grouped by product; its cursors hold the offset
of the item they point at, as Vendure pages by offset.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from commercegraph.adapters.base import (
    CategoryRecord,
    FacetCount,
    LocationRecord,
    Page,
    PriceRow,
    ProductFacets,
    ProductRecord,
    ProductSearch,
    StockRecord,
)
from commercegraph.adapters.vendure import queries as q
from commercegraph.adapters.vendure.carts import VendureCarts
from commercegraph.adapters.vendure.client import VendureClient
from commercegraph.adapters.vendure.mapping import (
    BRAND_FACET,
    category_record,
    location_key,
    location_record,
    product_record,
)
from commercegraph.adapters.vendure.seed import slugify
from commercegraph.errors import BadUserInput
from commercegraph.services.pagination import decode_cursor, encode_cursor

if TYPE_CHECKING:
    from commercegraph.adapters.vendure import VendureSettings

SHOP_TAKE = 100  # Vendure's default shopListQueryLimit
ADMIN_TAKE = 1000  # Vendure's default adminListQueryLimit
SEARCH_SORT = {"NAME": "name", "PRICE": "price"}  # RELEVANCE is Vendure's own order


def _chunks(keys: Sequence[str], size: int) -> list[list[str]]:
    distinct = sorted(set(keys))
    return [distinct[i : i + size] for i in range(0, len(distinct), size)]


class VendureCommerce(VendureCarts):
    capabilities: ClassVar[frozenset[str]] = frozenset(
        {"commerce.catalog", "commerce.search", "commerce.carts", "commerce.orders"}
    )

    async def products_by_id(self, ids: Sequence[str]) -> list[ProductRecord | None]:
        found: dict[str, ProductRecord] = {}
        for chunk in _chunks([i for i in ids if i.isdigit()], SHOP_TAKE):
            answer = await self.client.shop(q.PRODUCTS_BY_ID, {"ids": chunk, "take": len(chunk)})
            for item in answer.data["products"]["items"]:
                found[str(item["id"])] = product_record(item)
        return [found.get(i) for i in ids]

    async def products_by_sku(self, skus: Sequence[str]) -> list[ProductRecord | None]:
        product_of: dict[str, str] = {}
        for chunk in _chunks(skus, ADMIN_TAKE):
            data = await self.client.admin(q.VARIANTS_BY_SKU, {"skus": chunk, "take": len(chunk)})
            for item in data["productVariants"]["items"]:
                product_of[str(item["sku"])] = str(item["productId"])
        ids = sorted(set(product_of.values()))
        products = dict(zip(ids, await self.products_by_id(ids), strict=True))
        return [products.get(product_of.get(sku, "")) for sku in skus]

    async def categories_by_id(self, ids: Sequence[str]) -> list[CategoryRecord | None]:
        found: dict[str, CategoryRecord] = {}
        for chunk in _chunks([i for i in ids if i.isdigit()], SHOP_TAKE):
            answer = await self.client.shop(q.COLLECTIONS_BY_ID, {"ids": chunk, "take": len(chunk)})
            for item in answer.data["collections"]["items"]:
                found[str(item["id"])] = category_record(item)
        return [found.get(i) for i in ids]

    async def related_products(self, keys: Sequence[tuple[str, str]]) -> list[list[str]]:
        """Each kind is a product custom field holding a list of products (``relation_fields``);
        the related ids come in id order, the product itself left out."""
        related: dict[tuple[str, str], list[str]] = {}
        for kind in sorted({kind for _, kind in keys}):
            field = self.settings.relation_fields.get(kind)
            ids = [i for i, k in keys if k == kind and i.isdigit()]
            if field is None or not ids:
                continue
            for chunk in _chunks(ids, SHOP_TAKE):
                answer = await self.client.shop(
                    q.product_relations(field), {"ids": chunk, "take": len(chunk)}
                )
                for item in answer.data["products"]["items"]:
                    own = str(item["id"])
                    others = {str(p["id"]) for p in (item["customFields"] or {}).get(field) or []}
                    others.discard(own)
                    related[(own, kind)] = sorted(others, key=lambda i: (len(i), i))
        return [related.get((product_id, kind), []) for product_id, kind in keys]

    async def search_products(self, searches: Sequence[ProductSearch]) -> list[Page[ProductRecord]]:
        return [await self._search(search) for search in searches]

    async def product_facets(self, searches: Sequence[ProductSearch]) -> list[ProductFacets]:
        facets: list[ProductFacets] = []
        for search in searches:
            result = await self._search_call(search, skip=0, take=1)
            brands = [
                FacetCount(str(fv["facetValue"]["name"]), int(fv["count"]))
                for fv in result["facetValues"]
                if fv["facetValue"]["facet"]["code"] == BRAND_FACET
            ]
            categories = [
                FacetCount(str(c["collection"]["name"]), int(c["count"]))
                for c in result["collections"]
            ]
            facets.append(
                ProductFacets(
                    brands=tuple(sorted(brands, key=lambda f: (-f.count, f.value))),
                    categories=tuple(sorted(categories, key=lambda f: (-f.count, f.value))),
                )
            )
        return facets

    async def _search_call(self, search: ProductSearch, *, skip: int, take: int) -> dict[str, Any]:
        if search.sort not in ("RELEVANCE", *SEARCH_SORT):
            raise BadUserInput(
                f"The Vendure catalogue cannot sort products by {search.sort!r}", argument="sort"
            )
        query: dict[str, Any] = {"groupByProduct": True, "skip": skip, "take": take}
        if search.query:
            query["term"] = search.query
        if search.category:
            if search.category.isdigit():
                query["collectionId"] = search.category
            else:
                query["collectionSlug"] = slugify(search.category)
        field = SEARCH_SORT.get(search.sort)
        descending = search.descending if search.descending is not None else False
        if field is not None:
            query["sort"] = {field: "DESC" if descending else "ASC"}
        answer = await self.client.shop(q.SEARCH, {"input": query}, currency=search.currency)
        result: dict[str, Any] = answer.data["search"]
        return result

    async def _search(self, search: ProductSearch) -> Page[ProductRecord]:
        tag = f"search:{search.sort}:{search.descending}:{search.currency or ''}"
        if search.last is not None:
            end = _position(search.before, tag, "before") if search.before else None
            if end is None:
                end = int((await self._search_call(search, skip=0, take=1))["totalItems"])
            skip, take = max(0, end - search.last), min(search.last, end)
        else:
            skip = _position(search.after, tag, "after") + 1 if search.after else 0
            take = search.first
        result = await self._search_call(search, skip=skip, take=take) if take else None
        ids = [str(item["productId"]) for item in (result or {}).get("items", [])]
        total = int(result["totalItems"]) if result else 0
        records = [r for r in await self.products_by_id(ids) if r is not None]
        cursors = tuple(encode_cursor(tag, skip + i) for i in range(len(records)))
        return Page(
            items=tuple(records),
            has_next_page=skip + len(ids) < total,
            end_cursor=cursors[-1] if cursors else None,
            total_count=total,
            cursors=cursors,
            has_previous_page=skip > 0,
        )


def _position(cursor: str | None, tag: str, argument: str) -> int:
    found, position = decode_cursor(cursor or "", 2)
    if found != tag or not isinstance(position, int) or position < 0:
        raise BadUserInput(f"The cursor in `{argument}` is from another search", argument=argument)
    return position


class _AdminFace:
    def __init__(self, client: VendureClient, settings: VendureSettings) -> None:
        self.client = client
        self.settings = settings

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _variants(
        self, skus: Sequence[str], channel_token: str | None = None
    ) -> tuple[dict[str, dict[str, Any]], bool]:
        """Variants by sku, and whether the channel's prices include tax."""
        found: dict[str, dict[str, Any]] = {}
        includes_tax = False
        for chunk in _chunks(skus, ADMIN_TAKE):
            data = await self.client.admin(
                q.VARIANTS_BY_SKU,
                {"skus": chunk, "take": len(chunk)},
                channel_token=channel_token,
            )
            includes_tax = bool(data["activeChannel"]["pricesIncludeTax"])
            for item in data["productVariants"]["items"]:
                found[str(item["sku"])] = item
        return found, includes_tax


class VendurePricing(_AdminFace):
    """One base price row per variant and currency as the adapter's channel stores it (for
    any gateway channel), and one per channel of ``channel_tokens`` the variant is in (for
    that gateway channel)."""

    capabilities: ClassVar[frozenset[str]] = frozenset({"pricing.prices"})

    async def price_rows(self, keys: Sequence[tuple[str, str]]) -> list[list[PriceRow]]:
        skus = [sku for sku, _ in keys]
        rows: list[list[PriceRow]] = [[] for _ in keys]
        channels: list[tuple[str | None, str | None]] = [(None, None)]
        channels += sorted(self.settings.channel_tokens.items())
        answers = await asyncio.gather(*(self._variants(skus, token) for _, token in channels))
        for (channel, _), (variants, includes_tax) in zip(channels, answers, strict=True):
            for index, (sku, currency) in enumerate(keys):
                rows[index].extend(
                    PriceRow(
                        sku=sku,
                        currency=currency,
                        amount=int(p["price"]),
                        channel=channel,
                        customer_group=None,
                        min_quantity=1,
                        valid_from=None,
                        valid_until=None,
                        tax_included=includes_tax,
                    )
                    for p in (variants.get(sku) or {}).get("prices") or []
                    if p["currencyCode"] == currency
                )
        return rows


class VendureInventory(_AdminFace):
    """Vendure stock locations (keyed by their ``cgKey`` field) and stock levels per location."""

    capabilities: ClassVar[frozenset[str]] = frozenset({"inventory.locations", "inventory.stock"})

    async def _locations(self) -> list[dict[str, Any]]:
        data = await self.client.admin(q.STOCK_LOCATIONS)
        return list(data["stockLocations"]["items"])

    async def locations(self) -> list[LocationRecord]:
        return [location_record(item) for item in await self._locations()]

    async def locations_by_id(self, ids: Sequence[str]) -> list[LocationRecord | None]:
        found = {record.id: record for record in await self.locations()}
        return [found.get(i) for i in ids]

    async def stock(self, skus: Sequence[str]) -> list[list[StockRecord]]:
        locations, (variants, _) = await asyncio.gather(self._locations(), self._variants(skus))
        keys = {str(item["id"]): location_key(item) for item in locations}
        return [
            [
                StockRecord(
                    sku=sku,
                    location_id=keys.get(str(level["stockLocationId"]), "")
                    or str(level["stockLocationId"]),
                    on_hand=int(level["stockOnHand"]),
                    reserved=int(level["stockAllocated"]),
                    safety_stock=0,
                )
                for level in (variants.get(sku) or {}).get("stockLevels") or []
            ]
            for sku in skus
        ]
