"""Medusa orders: placing the gateway's quote as a Medusa order, and reading orders back.

Placing an order creates a draft order through the Admin API with the quoted lines at the
quoted unit prices and the quote's discount as a promotion of that order alone
(``drafts.py``), checks that Medusa totals it as quoted, converts it into an order and
closes the cart (the order's id in the cart's metadata). The idempotency key is in the
cart's, the draft's and the order's metadata, so a retry finds the order or the draft the
key made and carries on: one key, one Medusa order.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import Counter
from collections.abc import Sequence
from typing import Any

from commercegraph.adapters.base import NewOrder, OrderQuery, OrderRecord, Page
from commercegraph.adapters.medusa import drafts, sales
from commercegraph.adapters.medusa.catalog import minor
from commercegraph.adapters.medusa.client import MedusaClient
from commercegraph.adapters.medusa.regions import Regions
from commercegraph.errors import BadUserInput, Conflict, NotFound
from commercegraph.services.pagination import decode_cursor, encode_cursor

ORDER_SCAN_LIMIT = 500  # orders of one customer read for a page or a key lookup


class MedusaOrders:
    """The ``commerce.orders`` half of the Medusa commerce adapter, and what carts share."""

    def __init__(self, client: MedusaClient, regions: Regions, email_domain: str) -> None:
        self.client = client
        self.regions = regions
        self.email_domain = email_domain
        # Medusa answers 500 when two requests race for one cart's lock: placing an order is
        # one at a time per cart in this process (the entry goes once no caller holds it)
        self._placing: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def _email(self, customer_id: str) -> str:
        return f"{customer_id}@{self.email_domain}".lower()

    async def _cart(self, cart_id: str) -> dict[str, Any]:
        body = await self.client.store(
            "GET", f"/store/carts/{cart_id}", params={"fields": sales.CART_FIELDS}
        )
        cart: dict[str, Any] = body["cart"]
        return cart

    async def _medusa_customers(self, customer_id: str) -> list[dict[str, Any]]:
        body = await self.client.admin(
            "GET",
            "/admin/customers",
            params={"email": self._email(customer_id), "fields": "id,email,+metadata"},
        )
        customers: list[dict[str, Any]] = body["customers"]
        return customers

    async def orders_by_id(self, ids: Sequence[str]) -> list[OrderRecord | None]:
        if not ids:
            return []
        body = await self.client.admin(
            "GET",
            "/admin/orders",
            params={
                "id": list(dict.fromkeys(ids)),
                "fields": sales.ORDER_FIELDS,
                "limit": len(ids),
            },
        )
        by_id = {o["id"]: sales.to_order(o) for o in body["orders"]}
        return [by_id.get(i) for i in ids]

    async def _customer_orders(self, customer_id: str) -> list[dict[str, Any]]:
        """The gateway customer's Medusa orders, newest first."""
        customers = [c["id"] for c in await self._medusa_customers(customer_id)]
        if not customers:
            return []
        body = await self.client.admin(
            "GET",
            "/admin/orders",
            params={
                "customer_id": customers,
                "fields": sales.ORDER_FIELDS,
                "order": "-created_at",
                "limit": ORDER_SCAN_LIMIT,
            },
        )
        orders: list[dict[str, Any]] = body["orders"]
        return orders

    async def _orders_of(self, query: OrderQuery) -> Page[OrderRecord]:
        records = [sales.to_order(o) for o in await self._customer_orders(query.customer_id)]
        records.sort(key=lambda o: (o.placed_at, o.id), reverse=True)
        if query.channel is not None:
            records = [r for r in records if r.channel == query.channel]
        start = offset_of(query.after, "orders")
        chosen = records[start : start + query.first]
        return Page(
            items=tuple(chosen),
            has_next_page=len(records) > start + query.first,
            end_cursor=encode_cursor("orders", start + len(chosen)) if chosen else None,
            total_count=len(records),
            has_previous_page=start > 0,
        )

    async def orders_for_customers(self, queries: Sequence[OrderQuery]) -> list[Page[OrderRecord]]:
        return list(await asyncio.gather(*(self._orders_of(q) for q in queries)))

    async def _customer_drafts(self, customer_id: str) -> list[dict[str, Any]]:
        """The gateway customer's Medusa draft orders (placed but not yet converted)."""
        customers = [c["id"] for c in await self._medusa_customers(customer_id)]
        if not customers:
            return []
        body = await self.client.admin(
            "GET",
            "/admin/draft-orders",
            params={
                "customer_id": customers,
                "fields": "id,total,+metadata",
                "order": "-created_at",
                "limit": ORDER_SCAN_LIMIT,
            },
        )
        drafts: list[dict[str, Any]] = body["draft_orders"]
        return drafts

    @staticmethod
    def _keyed(
        found: Sequence[dict[str, Any]], idempotency_key: str, cart_id: str
    ) -> dict[str, Any] | None:
        for order in found:
            metadata = order.get("metadata") or {}
            if metadata.get(sales.IDEMPOTENCY_KEY) == idempotency_key:
                if metadata.get(sales.CART) != cart_id:
                    raise Conflict(
                        "This idempotency key placed an order from another cart",
                        cart_id=cart_id,
                    )
                return order
        return None

    async def order_for_key(
        self, customer_id: str, idempotency_key: str, cart_id: str
    ) -> OrderRecord | None:
        found = self._keyed(await self._customer_orders(customer_id), idempotency_key, cart_id)
        return None if found is None else sales.to_order(found)

    async def place_order(self, order: NewOrder) -> OrderRecord:
        lock = self._placing.get(order.cart_id)
        if lock is None:
            lock = self._placing[order.cart_id] = asyncio.Lock()
        async with lock:
            return await self._place(order)

    async def _place(self, order: NewOrder) -> OrderRecord:
        """Find or make the draft order of the key, convert it, close the cart.

        Every step can be repeated: a retry after a lost reply finds the order (or the draft)
        by the key in its metadata and carries on from there.
        """
        placed = await self.order_for_key(order.customer_id, order.idempotency_key, order.cart_id)
        if placed is not None:
            await self._finish(order, placed.id)
            return placed
        cart = await self._cart(order.cart_id)
        metadata = cart.get("metadata") or {}
        if sales.is_ordered(cart) and metadata.get(sales.IDEMPOTENCY_KEY) != order.idempotency_key:
            raise Conflict(f"Cart {order.cart_id} is already ordered", cart_id=order.cart_id)
        if order.currency.upper() != str(cart["currency_code"]).upper():
            raise BadUserInput(
                f"The order is in {order.currency} but the cart in {cart['currency_code']}",
                argument="currency",
            )
        if _quantities(order.lines) != _quantities(sales.to_cart(cart).lines):
            raise Conflict(
                "The cart changed after it was priced: quote it again", cart_id=order.cart_id
            )
        draft = self._keyed(
            await self._customer_drafts(order.customer_id), order.idempotency_key, order.cart_id
        )
        draft_id = str(draft["id"]) if draft is not None else await self._draft(order, cart)
        await self.client.admin(
            "POST", f"/admin/draft-orders/{draft_id}/convert-to-order", params={"fields": "id"}
        )
        await self._finish(order, draft_id)
        (found,) = await self.orders_by_id([draft_id])
        if found is None:
            raise NotFound(f"Order {draft_id} vanished", cart_id=order.cart_id)
        return found

    def _metadata(self, order: NewOrder) -> dict[str, Any]:
        return {
            sales.CUSTOMER: order.customer_id,
            sales.CHANNEL: order.channel,
            sales.IDEMPOTENCY_KEY: order.idempotency_key,
            sales.CART: order.cart_id,
            sales.FULFILLMENT: order.fulfillment,
            sales.STORE: order.store_id,
            sales.LOCATION: order.location_id,
            sales.RESERVATION: order.reservation_reference,
            sales.GATEWAY_TOTAL: order.total,
        }

    async def _draft(self, order: NewOrder, cart: dict[str, Any]) -> str:
        """A draft order holding the quote, checked to total what was quoted."""
        discount = drafts.discount_of(order)  # refuses a quote Medusa cannot hold, first
        country = await self.regions.country_code(str(cart["region_id"]))
        address = {
            "address_1": order.address or f"Pickup at {order.store_id or order.location_id}",
            "city": "",
            "country_code": country,
        }
        metadata = self._metadata(order)
        email = str(cart.get("email") or self._email(order.customer_id))
        path = f"/store/carts/{order.cart_id}"
        # the cart carries the key from here on (and an address to find shipping options by)
        await self.client.store(
            "POST",
            path,
            json={"email": email, "shipping_address": address, "metadata": metadata},
            params={"fields": "id"},
        )
        variants, tax_inclusive = await self._variants(order, str(cart["region_id"]))
        code = None
        if discount > 0:
            code = await self._promotion(order, discount, tax_inclusive, metadata)
        option = await self._shipping_option(order)
        body = drafts.draft_body(order, cart, variants, email, address, metadata, code, option)
        created = await self.client.admin(
            "POST", "/admin/draft-orders", json=body, params={"fields": "id,total"}
        )
        draft = created["draft_order"]
        recorded = minor(draft["total"])
        if recorded != order.total:
            # never record another total: the draft goes again and placing fails
            await self.client.admin("DELETE", f"/admin/draft-orders/{draft['id']}")
            raise Conflict(
                f"Medusa would record this order at {recorded}, not the quoted "
                f"{order.total} ({order.currency} minor units): its region adds tax or "
                "charges of its own (docs/adapters/medusa.md)",
                cart_id=order.cart_id,
                quotedTotal=order.total,
                medusaTotal=recorded,
            )
        return str(draft["id"])

    async def _shipping_option(self, order: NewOrder) -> dict[str, Any] | None:
        """Delivery: the first shipping option Medusa offers the cart. Pickup: the option of
        the store's pickup fulfillment set, if Medusa has one (else no shipping method)."""
        body = await self.client.store(
            "GET", "/store/shipping-options", params={"cart_id": order.cart_id}
        )
        options: list[dict[str, Any]] = body["shipping_options"]
        if order.fulfillment == "PICKUP":
            location = await self._medusa_location_id(order.location_id)
            if location is None:
                return None
            return next((o for o in options if drafts.pickup_at(o) == location), None)
        delivery = [o for o in options if drafts.pickup_at(o) is None]
        if not delivery:
            raise Conflict("Medusa offers no shipping option for this cart", cart_id=order.cart_id)
        return delivery[0]

    async def _medusa_location_id(self, location_id: str) -> str | None:
        body = await self.client.admin(
            "GET", "/admin/stock-locations", params={"fields": "id,+metadata", "limit": 1000}
        )
        for location in body["stock_locations"]:
            ours = (location.get("metadata") or {}).get("commercegraph_id")
            if location_id in (location["id"], ours):
                return str(location["id"])
        return None

    async def _variants(self, order: NewOrder, region_id: str) -> tuple[dict[str, str], bool]:
        """Variant id per sku, and whether the region's prices include tax."""
        skus = sorted({line.sku for line in order.lines})
        found = await self.client.priced_variants(skus, region_id)
        variants = {str(v["sku"]): str(v["id"]) for v in found}
        missing = [sku for sku in skus if sku not in variants]
        if missing:
            raise NotFound(f"No product variant has sku {missing[0]!r}", sku=missing[0])
        tax_inclusive = any(
            (v.get("calculated_price") or {}).get("is_calculated_price_tax_inclusive")
            for v in found
        )
        return variants, tax_inclusive

    async def _promotion(
        self, order: NewOrder, discount: int, tax_inclusive: bool, metadata: dict[str, Any]
    ) -> str:
        """The order's own promotion, made once per key (Medusa's codes are unique)."""
        body = drafts.promotion_body(order, discount, tax_inclusive, metadata)
        found = await self._promotions(body["code"])
        if not found:
            try:
                await self.client.admin(
                    "POST", "/admin/promotions", json=body, params={"fields": "id"}
                )
            except Conflict:
                found = await self._promotions(body["code"])  # made meanwhile
        for promotion in found:
            value = minor((promotion.get("application_method") or {}).get("value") or 0)
            if value != discount or promotion.get("status") != "active":
                raise Conflict(
                    f"Promotion {body['code']} of this key no longer takes off {discount}",
                    cart_id=order.cart_id,
                )
        return str(body["code"])

    async def _promotions(self, code: str) -> list[dict[str, Any]]:
        body = await self.client.admin(
            "GET",
            "/admin/promotions",
            params={"code": code, "fields": "id,code,status,*application_method"},
        )
        return [p for p in body["promotions"] if p["code"] == code]

    async def _finish(self, order: NewOrder, order_id: str) -> None:
        """Close the cart and retire the order's promotion; both safe to redo."""
        cart = await self._cart(order.cart_id)
        if (cart.get("metadata") or {}).get(sales.ORDER) != order_id:
            await self.client.store(
                "POST",
                f"/store/carts/{order.cart_id}",
                json={"metadata": {**self._metadata(order), sales.ORDER: order_id}},
                params={"fields": "id"},
            )
        for promotion in await self._promotions(drafts.promotion_code(order)):
            if promotion.get("status") == "active":
                # the order keeps its adjustment; nobody else may use the code
                await self.client.admin(
                    "POST",
                    f"/admin/promotions/{promotion['id']}",
                    json={"status": "inactive"},
                    params={"fields": "id"},
                )


def _quantities(lines: Sequence[Any]) -> Counter[tuple[str, str | None]]:
    wanted: Counter[tuple[str, str | None]] = Counter()
    for line in lines:
        wanted[(line.sku, line.bundle_id)] += line.quantity
    return wanted


def offset_of(cursor: str | None, tag: str) -> int:
    if not cursor:
        return 0
    found_tag, offset = decode_cursor(cursor, 2)
    if found_tag != tag or not isinstance(offset, int) or offset < 0:
        raise BadUserInput("Malformed cursor", argument="after")
    return offset
