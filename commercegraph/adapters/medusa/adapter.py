"""Medusa as the gateway's commerce backend: catalogue, search and carts here, orders in
``orders.py``."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, ClassVar

from commercegraph.adapters.base import (
    CartQuery,
    CartRecord,
    CategoryRecord,
    Page,
    ProductFacets,
    ProductRecord,
    ProductSearch,
)
from commercegraph.adapters.medusa import catalog, sales
from commercegraph.adapters.medusa.client import MedusaClient
from commercegraph.adapters.medusa.orders import MedusaOrders, offset_of
from commercegraph.adapters.medusa.regions import Regions
from commercegraph.errors import Conflict, NotFound
from commercegraph.services.pagination import encode_cursor

PAGE_SIZE = 100  # full products: Medusa's list routes accept more, but they serialise slowly
SCAN_PAGE_SIZE = 500  # a search's sort and facet fields are small: fewer round trips


class MedusaCommerce(MedusaOrders):
    capabilities: ClassVar[frozenset[str]] = frozenset(
        {"commerce.catalog", "commerce.search", "commerce.carts", "commerce.orders"}
    )

    def __init__(
        self, client: MedusaClient, regions: Regions, default_currency: str, email_domain: str
    ) -> None:
        super().__init__(client, regions, email_domain)
        self.default_currency = default_currency

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _products(
        self,
        params: dict[str, Any],
        fields: str = catalog.PRODUCT_FIELDS,
        page_size: int = PAGE_SIZE,
    ) -> list[dict[str, Any]]:
        """Every product matching ``params``, page by page, up to the scan limit."""
        found: list[dict[str, Any]] = []
        while len(found) < catalog.SEARCH_SCAN_LIMIT:
            body = await self.client.store(
                "GET",
                "/store/products",
                params={
                    **params,
                    "fields": fields,
                    "limit": page_size,
                    "offset": len(found),
                },
            )
            found.extend(body["products"])
            if not body["products"] or len(found) >= int(body.get("count", 0)):
                break
        return found

    async def products_by_id(self, ids: Sequence[str]) -> list[ProductRecord | None]:
        if not ids:
            return []
        by_id = {p["id"]: p for p in await self._products({"id": list(dict.fromkeys(ids))})}
        return [catalog.to_product(by_id[i]) if i in by_id else None for i in ids]

    async def products_by_sku(self, skus: Sequence[str]) -> list[ProductRecord | None]:
        if not skus:
            return []
        products = await self._products({"variants[sku]": list(dict.fromkeys(skus))})
        by_sku: dict[str, ProductRecord] = {}
        for product in products:
            record = catalog.to_product(product)
            for variant in record.variants:
                by_sku[variant.sku] = record
        return [by_sku.get(sku) for sku in skus]

    async def categories_by_id(self, ids: Sequence[str]) -> list[CategoryRecord | None]:
        if not ids:
            return []
        body = await self.client.store(
            "GET",
            "/store/product-categories",
            params={
                "id": list(dict.fromkeys(ids)),
                "fields": "id,name,handle,parent_category_id",
                "limit": len(ids),
            },
        )
        by_id = {c["id"]: catalog.to_category(c) for c in body["product_categories"]}
        return [by_id.get(i) for i in ids]

    async def related_products(self, keys: Sequence[tuple[str, str]]) -> list[list[str]]:
        """A product's accessories: the products whose handles its metadata lists under
        ``accessories`` (Medusa has no relation between products), in the listed order."""
        ids = list(dict.fromkeys(pid for pid, kind in keys if kind == catalog.ACCESSORY))
        if not ids:
            return [[] for _ in keys]
        listed = {
            str(p["id"]): catalog.accessory_handles(p)
            for p in await self._products({"id": ids}, "id,+metadata")
        }
        handles = list(dict.fromkeys(h for found in listed.values() for h in found))
        by_handle = {
            str(p["handle"]): str(p["id"])
            for p in (await self._products({"handle": handles}, "id,handle") if handles else [])
        }
        related: list[list[str]] = []
        for pid, kind in keys:
            wanted = listed.get(pid, []) if kind == catalog.ACCESSORY else []
            found = [by_handle[h] for h in wanted if h in by_handle]
            related.append(list(dict.fromkeys(i for i in found if i != pid)))
        return related

    async def _category_id(self, wanted: str) -> str | None:
        """A category given by Medusa id, handle or name (any case), as the native store."""
        body = await self.client.store(
            "GET",
            "/store/product-categories",
            params={"fields": "id,name,handle", "limit": 1000},
        )
        for category in body["product_categories"]:
            if wanted in (category["id"], category["handle"]) or (
                str(category["name"]).lower() == wanted.lower()
            ):
                return str(category["id"])
        return None

    async def _matching(self, search: ProductSearch) -> list[dict[str, Any]]:
        params: dict[str, Any] = {}
        fields = catalog.SORT_FIELDS
        if search.query:
            params["q"] = search.query
        if search.category:
            category_id = await self._category_id(search.category)
            if category_id is None:
                return []
            params["category_id"] = category_id
        if search.sort == "PRICE":
            currency = search.currency or self.default_currency
            params["region_id"] = await self.regions.region_id(currency)
            fields += catalog.PRICE_FIELDS
        return await self._products(params, fields, SCAN_PAGE_SIZE)

    async def _search(self, search: ProductSearch) -> Page[ProductRecord]:
        found = await self._matching(search)
        chosen, more = catalog.window(search, found)
        full = await self._products({"id": [pid for _, pid in chosen]}) if chosen else []
        records = {str(p["id"]): catalog.to_product(p) for p in full}
        return catalog.page(search, chosen, more, len(found), records)

    async def search_products(self, searches: Sequence[ProductSearch]) -> list[Page[ProductRecord]]:
        for search in searches:
            catalog.sort_key(search)  # refuse a bad sort before calling Medusa
        return list(await asyncio.gather(*(self._search(s) for s in searches)))

    async def product_facets(self, searches: Sequence[ProductSearch]) -> list[ProductFacets]:
        results = await asyncio.gather(*(self._matching(s) for s in searches))
        return [catalog.facets(found) for found in results]

    # carts

    async def _cart_or_none(self, cart_id: str) -> CartRecord | None:
        try:
            return sales.to_cart(await self._cart(cart_id))
        except NotFound:
            return None

    async def carts_by_id(self, ids: Sequence[str]) -> list[CartRecord | None]:
        return list(await asyncio.gather(*(self._cart_or_none(i) for i in ids)))

    async def _carts_of(self, query: CartQuery) -> Page[CartRecord]:
        ids: list[str] = []
        for customer in await self._medusa_customers(query.customer_id):
            ids.extend((customer.get("metadata") or {}).get(sales.CART_IDS) or [])
        found = await asyncio.gather(*(self._cart(i) for i in dict.fromkeys(ids)))
        carts = sorted(found, key=lambda c: (str(c["updated_at"]), c["id"]), reverse=True)
        records = [sales.to_cart(c) for c in carts]
        if query.status is not None:
            records = [r for r in records if r.status == query.status]
        start = offset_of(query.after, "carts")
        chosen = records[start : start + query.first]
        return Page(
            items=tuple(chosen),
            has_next_page=len(records) > start + query.first,
            end_cursor=encode_cursor("carts", start + len(chosen)) if chosen else None,
            total_count=len(records),
            has_previous_page=start > 0,
        )

    async def carts_for_customers(self, queries: Sequence[CartQuery]) -> list[Page[CartRecord]]:
        return list(await asyncio.gather(*(self._carts_of(q) for q in queries)))

    async def create_cart(self, customer_id: str | None, channel: str, currency: str) -> CartRecord:
        body: dict[str, Any] = {
            "region_id": await self.regions.region_id(currency),
            "metadata": {sales.CHANNEL: channel},
        }
        if customer_id:
            body["email"] = self._email(customer_id)
            body["metadata"][sales.CUSTOMER] = customer_id
        # the default fields: a field list would leave out the customer Medusa linked
        created = await self.client.store("POST", "/store/carts", json=body)
        cart = created["cart"]
        if customer_id and cart.get("customer_id"):
            await self._remember_cart(str(cart["customer_id"]), str(cart["id"]))
        return sales.to_cart(cart)

    async def _remember_cart(self, medusa_customer_id: str, cart_id: str) -> None:
        """Medusa cannot list a customer's carts: the customer's metadata holds their ids."""
        body = await self.client.admin(
            "GET", f"/admin/customers/{medusa_customer_id}", params={"fields": "id,+metadata"}
        )
        known = list((body["customer"].get("metadata") or {}).get(sales.CART_IDS) or [])
        await self.client.admin(
            "POST",
            f"/admin/customers/{medusa_customer_id}",
            json={"metadata": {sales.CART_IDS: [*known, cart_id]}},
        )

    async def _variant_id(self, sku: str) -> str:
        body = await self.client.store(
            "GET", "/store/product-variants", params={"sku": sku, "fields": "id,sku"}
        )
        for variant in body["variants"]:
            if variant["sku"] == sku:
                return str(variant["id"])
        raise NotFound(f"No product variant has sku {sku!r}", sku=sku)

    async def _set_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None, *, add: bool
    ) -> CartRecord:
        cart = await self._cart(cart_id)
        if sales.is_ordered(cart) or await self._placed_from(cart):
            raise Conflict(f"Cart {cart_id} is already ordered", cart_id=cart_id)
        line = next(
            (
                item
                for item in cart.get("items") or []
                if item.get("variant_sku") == sku
                and (item.get("metadata") or {}).get(sales.BUNDLE) == bundle_id
            ),
            None,
        )
        wanted = (int(line["quantity"]) if line and add else 0) + quantity
        path = f"/store/carts/{cart_id}/line-items"
        fields = {"fields": sales.CART_FIELDS}
        if line is None and wanted <= 0:
            return sales.to_cart(cart)
        if line is None:
            body: dict[str, Any] = {"variant_id": await self._variant_id(sku), "quantity": wanted}
            if bundle_id is not None:
                body["metadata"] = {sales.BUNDLE: bundle_id}
            changed = await self.client.store("POST", path, json=body, params=fields)
        elif wanted <= 0:
            await self.client.store("DELETE", f"{path}/{line['id']}")
            return sales.to_cart(await self._cart(cart_id))
        elif wanted == int(line["quantity"]):
            return sales.to_cart(cart)
        else:
            changed = await self.client.store(
                "POST", f"{path}/{line['id']}", json={"quantity": wanted}, params=fields
            )
        return sales.to_cart(changed["cart"])

    async def _placed_from(self, cart: dict[str, Any]) -> bool:
        """Whether a placement that stopped before closing the cart made its order."""
        metadata = cart.get("metadata") or {}
        key, customer = metadata.get(sales.IDEMPOTENCY_KEY), metadata.get(sales.CUSTOMER)
        if not key or not customer:
            return False
        return await self.order_for_key(str(customer), str(key), str(cart["id"])) is not None

    async def set_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        return await self._set_line(cart_id, sku, quantity, bundle_id, add=True)

    async def replace_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        return await self._set_line(cart_id, sku, quantity, bundle_id, add=False)
