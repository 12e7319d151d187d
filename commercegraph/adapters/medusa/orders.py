"""Medusa orders: placing one by completing its cart, and reading them back.

Placing an order completes the Medusa cart (``POST /store/carts/{id}/complete``) after giving
it an address, the first shipping option Medusa offers and a payment session with the system
(manual) provider. Our idempotency key goes into the cart's metadata first, and Medusa
returns the order it already made when a completed cart is completed again, so a retry under
the same key makes no second order.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from typing import Any

from commercegraph.adapters.base import NewOrder, OrderQuery, OrderRecord, Page
from commercegraph.adapters.medusa import sales
from commercegraph.adapters.medusa.client import MedusaClient
from commercegraph.adapters.medusa.regions import Regions
from commercegraph.errors import BadUserInput, Conflict, NotFound
from commercegraph.services.pagination import decode_cursor, encode_cursor

ORDER_SCAN_LIMIT = 500  # orders of one customer read for a page or a key lookup
COMPLETE_ATTEMPTS = 5  # Medusa answers 409 while another request completes the same cart
COMPLETE_RETRY_S = 0.5


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

    async def order_for_key(
        self, customer_id: str, idempotency_key: str, cart_id: str
    ) -> OrderRecord | None:
        for order in await self._customer_orders(customer_id):
            metadata = order.get("metadata") or {}
            if metadata.get(sales.IDEMPOTENCY_KEY) == idempotency_key:
                if metadata.get(sales.CART) != cart_id:
                    raise Conflict(
                        "This idempotency key placed an order from another cart",
                        cart_id=cart_id,
                    )
                return sales.to_order(order)
        return None

    async def place_order(self, order: NewOrder) -> OrderRecord:
        lock = self._placing.get(order.cart_id)
        if lock is None:
            lock = self._placing[order.cart_id] = asyncio.Lock()
        async with lock:
            return await self._place(order)

    async def _place(self, order: NewOrder) -> OrderRecord:
        placed = await self.order_for_key(order.customer_id, order.idempotency_key, order.cart_id)
        if placed is not None:
            return placed
        cart = await self._cart(order.cart_id)
        metadata = cart.get("metadata") or {}
        if (
            cart.get("completed_at")
            and metadata.get(sales.IDEMPOTENCY_KEY) != order.idempotency_key
        ):
            raise Conflict(f"Cart {order.cart_id} is already ordered", cart_id=order.cart_id)
        if order.currency.upper() != str(cart["currency_code"]).upper():
            raise BadUserInput(
                f"The order is in {order.currency} but the cart in {cart['currency_code']}",
                argument="currency",
            )
        if not cart.get("completed_at"):
            await self._prepare(order, cart)
        return await self._complete(order.cart_id)

    async def _prepare(self, order: NewOrder, cart: dict[str, Any]) -> None:
        """Address, metadata, shipping method and payment session: each safe to redo."""
        country = await self.regions.country_code(str(cart["region_id"]))
        update: dict[str, Any] = {
            "shipping_address": {
                "address_1": order.address or f"Pickup at {order.store_id or order.location_id}",
                "city": "",
                "country_code": country,
            },
            "metadata": {
                sales.CUSTOMER: order.customer_id,
                sales.CHANNEL: order.channel,
                sales.IDEMPOTENCY_KEY: order.idempotency_key,
                sales.CART: order.cart_id,
                sales.FULFILLMENT: order.fulfillment,
                sales.STORE: order.store_id,
                sales.LOCATION: order.location_id,
                sales.RESERVATION: order.reservation_reference,
                sales.GATEWAY_TOTAL: order.total,
            },
        }
        if not cart.get("email"):
            update["email"] = self._email(order.customer_id)
        path = f"/store/carts/{order.cart_id}"
        await self.client.store("POST", path, json=update, params={"fields": "id"})
        options = await self.client.store(
            "GET", "/store/shipping-options", params={"cart_id": order.cart_id}
        )
        if not options["shipping_options"]:
            raise Conflict("Medusa offers no shipping option for this cart", cart_id=order.cart_id)
        await self.client.store(
            "POST",
            f"{path}/shipping-methods",
            json={"option_id": options["shipping_options"][0]["id"]},
            params={"fields": "id"},
        )
        collection = await self.client.store(
            "POST", "/store/payment-collections", json={"cart_id": order.cart_id}
        )
        payment = collection["payment_collection"]
        if not any(
            s.get("provider_id") == self.regions.payment_provider
            for s in payment.get("payment_sessions") or []
        ):
            await self.client.store(
                "POST",
                f"/store/payment-collections/{payment['id']}/payment-sessions",
                json={"provider_id": self.regions.payment_provider},
            )

    async def _complete(self, cart_id: str) -> OrderRecord:
        for attempt in range(COMPLETE_ATTEMPTS):
            try:
                done = await self.client.store("POST", f"/store/carts/{cart_id}/complete")
            except Conflict:
                if attempt == COMPLETE_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(COMPLETE_RETRY_S)
                continue
            if done.get("type") != "order":
                message = (done.get("error") or {}).get("message") or "payment not authorised"
                raise Conflict(f"Medusa did not complete the cart: {message}", cart_id=cart_id)
            found = await self.orders_by_id([str(done["order"]["id"])])
            if found[0] is None:
                raise NotFound(f"Order {done['order']['id']} vanished", cart_id=cart_id)
            return found[0]
        raise Conflict("Medusa did not complete the cart", cart_id=cart_id)


def offset_of(cursor: str | None, tag: str) -> int:
    if not cursor:
        return 0
    found_tag, offset = decode_cursor(cursor, 2)
    if found_tag != tag or not isinstance(offset, int) or offset < 0:
        raise BadUserInput("Malformed cursor", argument="after")
    return offset
