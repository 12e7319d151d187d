"""Shopify as the gateway's catalogue, search and carts (Storefront API, buyer's context)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from typing import Any

from commercegraph.adapters.base import (
    CartQuery,
    CartRecord,
    CategoryRecord,
    FacetCount,
    Page,
    ProductFacets,
    ProductRecord,
    ProductSearch,
)
from commercegraph.adapters.shopify import mapping, queries
from commercegraph.adapters.shopify.client import ShopifyClient
from commercegraph.adapters.shopify.errors import batch_read, from_user_errors
from commercegraph.adapters.shopify.skus import chunks, variants_by_sku
from commercegraph.errors import BadUserInput, NotFound

NODES_PER_QUERY = 250  # the most ids ``nodes(ids:)`` takes
FACET_SCAN_PAGES = 4  # facets count over at most 1,000 products (4 pages of 250)
SORT_KEYS = {"RELEVANCE": "RELEVANCE", "NAME": "TITLE", "PRICE": "PRICE", "NEWEST": "CREATED_AT"}
# our relation kinds -> Shopify's recommendation intents
INTENTS = {"ACCESSORY": "COMPLEMENTARY", "CROSS_SELL": "COMPLEMENTARY"}


class ShopifyCommerce:
    capabilities = frozenset({"commerce.catalog", "commerce.search", "commerce.carts"})

    def __init__(self, client: ShopifyClient) -> None:
        self.client = client
        self.markets = client.settings.markets

    def _context(self, currency: str | None = None) -> dict[str, Any]:
        country = self.markets.get(currency or "") if currency else None
        return {"country": country, "language": self.client.settings.language}

    # commerce.catalog

    @batch_read()
    async def products_by_id(self, ids: Sequence[str]) -> list[ProductRecord | None]:
        wanted = sorted({i for i in ids if i.startswith(mapping.PRODUCT_GID)})
        found: dict[str, ProductRecord] = {}
        for chunk in chunks(wanted, NODES_PER_QUERY):
            data = await self.client.storefront(
                queries.PRODUCTS_BY_ID, {"ids": chunk, **self._context()}
            )
            for node in data["nodes"]:
                if node and node.get("id"):
                    found[node["id"]] = mapping.product(node)
        return [found.get(i) for i in ids]

    @batch_read()
    async def products_by_sku(self, skus: Sequence[str]) -> list[ProductRecord | None]:
        if not skus:
            return []
        refs = await variants_by_sku(self.client, skus)
        products = await self.products_by_id(sorted({r.product_id for r in refs.values()}))
        by_id = {p.id: p for p in products if p is not None}
        return [by_id.get(refs[s].product_id) if s in refs else None for s in skus]

    @batch_read()
    async def categories_by_id(self, ids: Sequence[str]) -> list[CategoryRecord | None]:
        """Shopify's product types are the categories (what ``category_id`` holds)."""
        if not ids:
            return []
        data = await self.client.storefront(queries.PRODUCT_TYPES, {})
        known = set(data["productTypes"]["nodes"])
        return [CategoryRecord(id=i, name=i, parent_id=None) if i in known else None for i in ids]

    @batch_read(list)
    async def related_products(self, keys: Sequence[tuple[str, str]]) -> list[list[str]]:
        asked = sorted({k for k in keys if k[0].startswith(mapping.PRODUCT_GID)})
        related: dict[tuple[str, str], list[str]] = {}
        if asked:
            variables: dict[str, Any] = {}
            for n, (product_id, kind) in enumerate(asked):
                variables[f"p{n}"] = product_id
                variables[f"i{n}"] = INTENTS.get(kind, "RELATED")
            data = await self.client.storefront(queries.recommendations(len(asked)), variables)
            for n, key in enumerate(asked):
                related[key] = [p["id"] for p in data.get(f"r{n}") or ()]
        return [related.get(k, []) for k in keys]

    # commerce.search

    async def search_products(self, searches: Sequence[ProductSearch]) -> list[Page[ProductRecord]]:
        return list(await asyncio.gather(*(self._search(s) for s in searches)))

    async def _search(self, search: ProductSearch) -> Page[ProductRecord]:
        sort_key = SORT_KEYS.get(search.sort)
        if sort_key is None:
            raise BadUserInput(f"Unknown sort {search.sort!r}", argument="sort")
        natural_descending = search.sort in ("RELEVANCE", "NEWEST")
        descending = natural_descending if search.descending is None else search.descending
        # Shopify's RELEVANCE is best first already; its other keys run ascending
        reverse = not descending if search.sort == "RELEVANCE" else descending
        window: dict[str, Any] = (
            {"last": search.last, "before": search.before}
            if search.last is not None
            else {"first": search.first, "after": search.after}
        )
        data = await self.client.storefront(
            queries.SEARCH_PRODUCTS,
            {
                **window,
                "query": _query(search) or None,
                "sortKey": sort_key if search.query or sort_key != "RELEVANCE" else "ID",
                "reverse": reverse,
                **self._context(search.currency),
            },
        )
        connection = data["products"]
        edges = connection["edges"]
        info = connection["pageInfo"]
        return Page(
            items=tuple(mapping.product(e["node"]) for e in edges),
            has_next_page=bool(info["hasNextPage"]),
            end_cursor=info.get("endCursor"),
            cursors=tuple(e["cursor"] for e in edges),
            has_previous_page=bool(info.get("hasPreviousPage")),
        )

    async def product_facets(self, searches: Sequence[ProductSearch]) -> list[ProductFacets]:
        return list(await asyncio.gather(*(self._facets(s) for s in searches)))

    async def _facets(self, search: ProductSearch) -> ProductFacets:
        brands: Counter[str] = Counter()
        categories: Counter[str] = Counter()
        after: str | None = None
        for _ in range(FACET_SCAN_PAGES):
            data = await self.client.storefront(
                queries.PRODUCT_FACETS, {"after": after, "query": _query(search) or None}
            )
            for node in data["products"]["nodes"]:
                if node.get("vendor"):
                    brands[node["vendor"]] += 1
                if node.get("productType"):
                    categories[node["productType"]] += 1
            info = data["products"]["pageInfo"]
            if not info["hasNextPage"]:
                break
            after = info["endCursor"]
        return ProductFacets(brands=_counts(brands), categories=_counts(categories))

    # commerce.carts

    @batch_read()
    async def carts_by_id(self, ids: Sequence[str]) -> list[CartRecord | None]:
        wanted = sorted({i for i in ids if i.startswith(mapping.CART_GID)})
        found: dict[str, CartRecord] = {}
        if wanted:
            variables = {f"c{n}": cart_id for n, cart_id in enumerate(wanted)}
            data = await self.client.storefront(queries.carts_by_id(len(wanted)), variables)
            for n, cart_id in enumerate(wanted):
                node = data.get(f"c{n}")
                if node:
                    found[cart_id] = mapping.cart(node)
        return [found.get(i) for i in ids]

    async def carts_for_customers(self, queries_: Sequence[CartQuery]) -> list[Page[CartRecord]]:
        """The Storefront API cannot list a customer's carts: every page is empty."""
        return [Page(items=(), has_next_page=False, end_cursor=None) for _ in queries_]

    async def create_cart(self, customer_id: str | None, channel: str, currency: str) -> CartRecord:
        country = self.markets.get(currency)
        if country is None:
            raise BadUserInput(f"No Shopify market sells in {currency}", argument="currency")
        attributes = [{"key": mapping.CHANNEL_ATTRIBUTE, "value": channel}]
        if customer_id:
            attributes.append({"key": mapping.CUSTOMER_ATTRIBUTE, "value": customer_id})
        cart_input = {"attributes": attributes, "buyerIdentity": {"countryCode": country}}
        return await self._mutate("cartCreate", queries.CART_CREATE, {"input": cart_input})

    async def set_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        return await self._change_line(cart_id, sku, quantity, bundle_id, relative=True)

    async def replace_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        return await self._change_line(cart_id, sku, quantity, bundle_id, relative=False)

    async def _change_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None, *, relative: bool
    ) -> CartRecord:
        current = await self._cart_node(cart_id)
        refs = await variants_by_sku(self.client, [sku])
        if sku not in refs:
            raise NotFound(f"Sku {sku!r} not found")
        variant_id = refs[sku].variant_id
        line = mapping.cart_line(current, variant_id, bundle_id)
        if line is not None:
            target = max(line["quantity"] + quantity if relative else quantity, 0)
            if target == line["quantity"]:
                return mapping.cart(current)
            # quantity 0 in cartLinesUpdate removes the line
            lines: list[dict[str, Any]] = [{"id": line["id"], "quantity": target}]
            variables = {"cartId": cart_id, "lines": lines}
            return await self._mutate("cartLinesUpdate", queries.CART_LINES_UPDATE, variables)
        if quantity <= 0:
            return mapping.cart(current)
        new_line: dict[str, Any] = {"merchandiseId": variant_id, "quantity": quantity}
        if bundle_id is not None:
            new_line["attributes"] = [{"key": mapping.BUNDLE_ATTRIBUTE, "value": bundle_id}]
        variables = {"cartId": cart_id, "lines": [new_line]}
        return await self._mutate("cartLinesAdd", queries.CART_LINES_ADD, variables)

    async def _cart_node(self, cart_id: str) -> dict[str, Any]:
        if not cart_id.startswith(mapping.CART_GID):
            raise NotFound(f"Cart {cart_id!r} not found")
        data = await self.client.storefront(queries.carts_by_id(1), {"c0": cart_id})
        node = data.get("c0")
        if not node:
            raise NotFound(f"Cart {cart_id!r} not found")
        return dict(node)

    async def _mutate(self, operation: str, query: str, variables: dict[str, Any]) -> CartRecord:
        data = await self.client.storefront(query, variables)
        payload = data[operation]
        if payload.get("userErrors"):
            raise from_user_errors(operation, payload["userErrors"])
        if not payload.get("cart"):
            raise NotFound(f"Shopify {operation}: no cart")
        return mapping.cart(payload["cart"])

    async def aclose(self) -> None:
        await self.client.aclose()


def _query(search: ProductSearch) -> str:
    parts = [search.query.strip()] if search.query and search.query.strip() else []
    if search.category:
        parts.append(f"product_type:{mapping.search_term(search.category)}")
    return " AND ".join(parts)


def _counts(counter: Counter[str]) -> tuple[FacetCount, ...]:
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return tuple(FacetCount(value, count) for value, count in ordered)
