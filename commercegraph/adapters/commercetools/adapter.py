"""commercetools as the gateway's catalogue, search, carts and orders (HTTP API)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from commercegraph.adapters.base import (
    CategoryRecord,
    FacetCount,
    Page,
    ProductFacets,
    ProductRecord,
    ProductSearch,
)
from commercegraph.adapters.commercetools import mapping
from commercegraph.adapters.commercetools.carts import UUID, CommercetoolsCarts
from commercegraph.adapters.commercetools.client import CommercetoolsClient
from commercegraph.errors import BadUserInput

MAX_OFFSET = 10_000  # the search endpoint pages no deeper than this
FACET_LIMIT = 100  # facet terms read per facet


class CommercetoolsCommerce(CommercetoolsCarts):
    capabilities = frozenset(
        {"commerce.catalog", "commerce.search", "commerce.carts", "commerce.orders"}
    )

    def __init__(self, client: CommercetoolsClient) -> None:
        self.client = client
        self.settings = client.settings

    # commerce.catalog

    async def _projections(self, predicate: str, limit: int) -> list[dict[str, Any]]:
        body = await self.client.batch_read(
            "/product-projections",
            [
                ("where", predicate),
                ("limit", limit),
                ("staged", "false"),
                ("expand", "categories[*]"),
            ],
        )
        return list(body["results"])

    async def products_by_id(self, ids: Sequence[str]) -> list[ProductRecord | None]:
        found: dict[str, ProductRecord] = {}
        for chunk in mapping.chunks(sorted({i for i in ids if UUID.match(i)})):
            for node in await self._projections(f"id in {mapping.in_list(chunk)}", len(chunk)):
                found[node["id"]] = mapping.product(node, self.settings)
        return [found.get(i) for i in ids]

    async def products_by_sku(self, skus: Sequence[str]) -> list[ProductRecord | None]:
        found: dict[str, ProductRecord] = {}
        for chunk in mapping.chunks(sorted({s for s in skus if s})):
            listed = mapping.in_list(chunk)
            predicate = f"masterVariant(sku in {listed}) or variants(sku in {listed})"
            for node in await self._projections(predicate, len(chunk)):
                record = mapping.product(node, self.settings)
                for variant in record.variants:
                    found.setdefault(variant.sku, record)
        return [found.get(s) for s in skus]

    async def categories_by_id(self, ids: Sequence[str]) -> list[CategoryRecord | None]:
        found = await self._by_ids("categories", ids)
        locale = self.settings.locale
        return [mapping.category(found[i], locale) if i in found else None for i in ids]

    async def related_products(self, keys: Sequence[tuple[str, str]]) -> list[list[str]]:
        """commercetools keeps no product relations of its own: none for every key."""
        return [[] for _ in keys]

    # commerce.search

    def _search_params(self, search: ProductSearch) -> list[tuple[str, str | int]]:
        locale = self.settings.locale
        params: list[tuple[str, str | int]] = [("staged", "false"), ("expand", "categories[*]")]
        if search.query and search.query.strip():
            params += [(f"text.{locale}", search.query.strip()), ("fuzzy", "true")]
        if search.category:
            params.append(("filter.query", f"categories.id:{mapping.quote(search.category)}"))
        if search.currency:
            params.append(("priceCurrency", search.currency))
            country = self.settings.markets.get(search.currency)
            if country:
                params.append(("priceCountry", country))
        return params

    def _sort(self, search: ProductSearch) -> list[tuple[str, str | int]]:
        natural = search.sort in ("RELEVANCE", "NEWEST")
        descending = natural if search.descending is None else search.descending
        direction = "desc" if descending else "asc"
        field = {
            "RELEVANCE": "score",
            "NAME": f"name.{self.settings.locale}",
            "PRICE": "price",
            "NEWEST": "createdAt",
        }.get(search.sort)
        if field is None:
            raise BadUserInput(f"Unknown sort {search.sort!r}", argument="sort")
        if field == "price" and not search.currency:
            raise BadUserInput("Sorting by price needs a currency", argument="currency")
        return [("sort", f"{field} {direction}"), ("sort", "id asc")]

    async def search_products(self, searches: Sequence[ProductSearch]) -> list[Page[ProductRecord]]:
        return list(await asyncio.gather(*(self._search(s) for s in searches)))

    async def _search(self, search: ProductSearch) -> Page[ProductRecord]:
        if search.last is not None:
            end = (
                mapping.offset_of(search.before, "before") - 1
                if search.before is not None
                else None
            )
            size = search.last
        else:
            end, size = None, search.first
        offset = mapping.offset_of(search.after, "after")
        if end is not None:
            offset = max(end - size, 0)
            size = end - offset
        if offset + size > MAX_OFFSET:
            raise BadUserInput(f"Search pages end at {MAX_OFFSET} results", argument="after")
        params = [
            *self._search_params(search),
            *self._sort(search),
            ("limit", size),
            ("offset", offset),
        ]
        body = await self.client.request("GET", "/product-projections/search", params=params)
        items = [mapping.product(n, self.settings) for n in body["results"]]
        total = int(body.get("total", len(items)))
        if search.last is not None and end is None:
            # the last page of the whole result: one more round trip now that total is known
            offset = max(total - size, 0)
            params[-1] = ("offset", offset)
            body = await self.client.request("GET", "/product-projections/search", params=params)
            items = [mapping.product(n, self.settings) for n in body["results"]]
        cursors = tuple(mapping.cursor(offset + n + 1) for n in range(len(items)))
        return Page(
            items=tuple(items),
            has_next_page=offset + len(items) < total,
            end_cursor=cursors[-1] if cursors else None,
            total_count=total,
            cursors=cursors,
            has_previous_page=offset > 0,
        )

    async def product_facets(self, searches: Sequence[ProductSearch]) -> list[ProductFacets]:
        return list(await asyncio.gather(*(self._facets(s) for s in searches)))

    async def _facets(self, search: ProductSearch) -> ProductFacets:
        brand = f"variants.attributes.{self.settings.brand_attribute}"
        params = [
            *self._search_params(search),
            ("facet", f"{brand} counting products"),
            ("facet", "categories.id counting products"),
            ("limit", 0),
        ]
        body = await self.client.request("GET", "/product-projections/search", params=params)
        facets = body.get("facets") or {}

        def terms(name: str) -> tuple[FacetCount, ...]:
            facet = facets.get(name) or facets.get(f"{name} counting products") or {}
            found = facet.get("terms") or ()
            counts = [
                FacetCount(str(t["term"]), int(t.get("productCount", t.get("count", 0))))
                for t in found
            ]
            return tuple(sorted(counts, key=lambda f: (-f.count, f.value))[:FACET_LIMIT])

        return ProductFacets(brands=terms(brand), categories=terms("categories.id"))

    async def aclose(self) -> None:
        await self.client.aclose()
