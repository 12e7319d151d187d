"""Carts as Vendure active orders and orders placed through the Shop API checkout.

A cart's id is its Vendure order code. The Shop API session that owns the order (its
``vendure-auth-token``) is kept on the order itself, in a custom field the Shop API does not
expose, so any gateway replica, after any restart, reaches the cart's session through the
Admin API. An order placed under an idempotency key carries ``<customer>:<key>`` in a unique
custom field: a retry finds the order it already placed (or the checkout it left half-way and
finishes it) instead of placing another. Before payment the order takes the gateway's quote
(``quotes.py``) and is checked against it: it is paid only at the quoted lines and total.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from commercegraph.adapters.base import (
    CartQuery,
    CartRecord,
    NewOrder,
    OrderQuery,
    OrderRecord,
    Page,
)
from commercegraph.adapters.vendure import queries as q
from commercegraph.adapters.vendure.client import VendureClient
from commercegraph.adapters.vendure.errors import raise_if_error_result
from commercegraph.adapters.vendure.mapping import cart_record, is_placed, order_record
from commercegraph.adapters.vendure.quotes import (
    QUOTE_FIELD,
    check_cart_matches,
    mismatch,
    quote_document,
)
from commercegraph.errors import (
    BackendUnavailable,
    BadUserInput,
    CommerceGraphError,
    Conflict,
    NotFound,
)
from commercegraph.services.pagination import decode_cursor, encode_cursor

if TYPE_CHECKING:
    from commercegraph.adapters.vendure import VendureSettings

ADMIN_TAKE = 1000  # Vendure's default adminListQueryLimit
CUSTOMER_EMAIL_DOMAIN = "customers.commercegraph.example"  # guest checkouts need an address


def _offset_page(items: list[Any], offset: int, total: int, tag: str) -> Page[Any]:
    cursors = tuple(encode_cursor(tag, offset + i + 1) for i in range(len(items)))
    return Page(
        items=tuple(items),
        has_next_page=offset + len(items) < total,
        end_cursor=cursors[-1] if cursors else None,
        total_count=total,
        cursors=cursors,
        has_previous_page=offset > 0,
    )


def _offset(after: str | None, tag: str) -> int:
    if not after:
        return 0
    found, offset = decode_cursor(after, 2)
    if found != tag or not isinstance(offset, int) or offset < 0:
        raise BadUserInput("The cursor in `after` is from another list", argument="after")
    return offset


class VendureCarts:
    def __init__(self, client: VendureClient, settings: VendureSettings) -> None:
        self.client = client
        self.settings = settings
        self._opener_variant: str | None = None

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _orders(
        self, filter_: dict[str, Any], *, skip: int = 0, take: int = ADMIN_TAKE, sort: str = ""
    ) -> tuple[list[dict[str, Any]], int]:
        options: dict[str, Any] = {"filter": filter_, "skip": skip, "take": take}
        if sort:
            options["sort"] = {sort: "DESC"}
        data = await self.client.admin(q.ADMIN_ORDERS, {"options": options})
        return list(data["orders"]["items"]), int(data["orders"]["totalItems"])

    async def _orders_by_code(self, codes: Sequence[str]) -> dict[str, dict[str, Any]]:
        wanted = sorted({c for c in codes if c})
        if not wanted:
            return {}
        items, _ = await self._orders({"code": {"in": wanted}})
        return {str(item["code"]): item for item in items}

    async def _variant_id(self, sku: str) -> str:
        data = await self.client.admin(q.VARIANTS_BY_SKU, {"skus": [sku], "take": 1})
        items = data["productVariants"]["items"]
        if not items:
            raise NotFound(f"No product variant has sku {sku!r}", sku=sku)
        return str(items[0]["id"])

    async def _open_cart(self, cart_id: str) -> tuple[dict[str, Any], str]:
        """The cart's order (as the Admin API has it) and its session token; open carts only."""
        order = (await self._orders_by_code([cart_id])).get(cart_id)
        token = (order or {}).get("customFields", {}).get("cgCartToken")
        if order is None or not token:
            raise NotFound(f"No cart {cart_id!r}", cart_id=cart_id)
        if is_placed(order):
            raise Conflict(f"Cart {cart_id!r} is no longer open", cart_id=cart_id)
        return order, str(token)

    # carts

    async def carts_by_id(self, ids: Sequence[str]) -> list[CartRecord | None]:
        found = await self._orders_by_code(ids)
        return [cart_record(found[i]) if i in found and _is_cart(found[i]) else None for i in ids]

    async def carts_for_customers(self, queries: Sequence[CartQuery]) -> list[Page[CartRecord]]:
        pages: list[Page[CartRecord]] = []
        for query in queries:
            tag = f"carts:{query.customer_id}:{query.status or ''}"
            offset = _offset(query.after, tag)
            filter_: dict[str, Any] = {
                "cgCustomerId": {"eq": query.customer_id},
                "cgCartToken": {"isNull": False},
            }
            if query.status == "OPEN":
                filter_["active"] = {"eq": True}
            elif query.status == "ORDERED":
                filter_["active"] = {"eq": False}
            items, total = await self._orders(
                filter_, skip=offset, take=query.first, sort="updatedAt"
            )
            pages.append(_offset_page([cart_record(i) for i in items], offset, total, tag))
        return pages

    async def create_cart(self, customer_id: str | None, channel: str, currency: str) -> CartRecord:
        """Open a session with an empty active order: Vendure creates an order only when a
        first item goes in, so one unit of an in-stock variant goes in and out again."""
        opened = await self.client.shop(
            q.ADD_ITEM, {"variantId": await self._opener(), "quantity": 1}, currency=currency
        )
        first = raise_if_error_result(opened.data["addItemToOrder"])
        token = opened.token
        if not token:
            raise Conflict("Vendure opened no session for the cart")
        emptied = await self.client.shop(
            q.REMOVE_LINE, {"lineId": first["lines"][0]["id"]}, token=token
        )
        raise_if_error_result(emptied.data["removeOrderLine"])
        answer = await self.client.shop(
            q.OPEN_CART,
            {"fields": {"cgCustomerId": customer_id, "cgChannel": channel}},
            token=token,
        )
        order = raise_if_error_result(answer.data["setOrderCustomFields"])
        await self.client.admin(
            q.ADMIN_SET_ORDER_FIELDS,
            {"input": {"id": order["id"], "customFields": {"cgCartToken": token}}},
        )
        return cart_record(order)

    async def _opener(self) -> str:
        if self._opener_variant is None:
            answer = await self.client.shop(q.IN_STOCK_VARIANTS)
            self._opener_variant = next(
                (
                    str(variant["id"])
                    for product in answer.data["products"]["items"]
                    for variant in product["variants"]
                    if variant["stockLevel"] != "OUT_OF_STOCK"
                ),
                None,
            )
            if self._opener_variant is None:
                raise Conflict("Vendure has no variant in stock to open a cart with")
        return self._opener_variant

    async def set_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        order, token = await self._open_cart(cart_id)
        line = _line_of(order, sku)
        if quantity <= 0:
            if line is None:
                return cart_record(order)
            return await self._change(token, q.REMOVE_LINE, "removeOrderLine", {"lineId": line})
        variant_id = await self._variant_id(sku)
        return await self._change(
            token, q.ADD_ITEM, "addItemToOrder", {"variantId": variant_id, "quantity": quantity}
        )

    async def replace_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        order, token = await self._open_cart(cart_id)
        line = _line_of(order, sku)
        if line is None:
            if quantity <= 0:
                return cart_record(order)
            variant_id = await self._variant_id(sku)
            return await self._change(
                token, q.ADD_ITEM, "addItemToOrder", {"variantId": variant_id, "quantity": quantity}
            )
        if quantity <= 0:
            return await self._change(token, q.REMOVE_LINE, "removeOrderLine", {"lineId": line})
        return await self._change(
            token, q.ADJUST_LINE, "adjustOrderLine", {"lineId": line, "quantity": quantity}
        )

    async def _change(
        self, token: str, document: str, field: str, variables: dict[str, Any]
    ) -> CartRecord:
        answer = await self.client.shop(document, variables, token=token)
        return cart_record(raise_if_error_result(answer.data[field]))

    # orders

    async def orders_by_id(self, ids: Sequence[str]) -> list[OrderRecord | None]:
        found = await self._orders_by_code(ids)
        return [order_record(found[i]) if i in found and is_placed(found[i]) else None for i in ids]

    async def orders_for_customers(self, queries: Sequence[OrderQuery]) -> list[Page[OrderRecord]]:
        pages: list[Page[OrderRecord]] = []
        for query in queries:
            tag = f"orders:{query.customer_id}:{query.channel or ''}"
            offset = _offset(query.after, tag)
            filter_: dict[str, Any] = {
                "cgCustomerId": {"eq": query.customer_id},
                "active": {"eq": False},
            }
            if query.channel:
                filter_["cgChannel"] = {"eq": query.channel}
            items, total = await self._orders(
                filter_, skip=offset, take=query.first, sort="orderPlacedAt"
            )
            pages.append(_offset_page([order_record(i) for i in items], offset, total, tag))
        return pages

    async def order_for_key(
        self, customer_id: str, idempotency_key: str, cart_id: str
    ) -> OrderRecord | None:
        order = await self._order_for_key(customer_id, idempotency_key, cart_id)
        return order_record(order) if order is not None and is_placed(order) else None

    async def _order_for_key(
        self, customer_id: str, idempotency_key: str, cart_id: str
    ) -> dict[str, Any] | None:
        items, _ = await self._orders(
            {"cgIdempotencyKey": {"eq": f"{customer_id}:{idempotency_key}"}}, take=1
        )
        if not items:
            return None
        if items[0]["code"] != cart_id:
            raise Conflict(
                "The idempotency key was used for another cart", idempotency_key=idempotency_key
            )
        return items[0]

    async def place_order(self, order: NewOrder) -> OrderRecord:
        """Check the cart out through the Shop API at the quoted prices; a retry with the same
        key resumes it."""
        keyed = await self._order_for_key(order.customer_id, order.idempotency_key, order.cart_id)
        if keyed is not None and is_placed(keyed):
            return order_record(keyed)
        current, token = await self._open_cart(order.cart_id)
        if keyed is None:
            await self.client.admin(
                q.ADMIN_SET_ORDER_FIELDS,
                {
                    "input": {
                        "id": current["id"],
                        "customFields": {
                            "cgIdempotencyKey": f"{order.customer_id}:{order.idempotency_key}",
                            "cgCustomerId": order.customer_id,
                            "cgChannel": order.channel,
                            "cgFulfillment": order.fulfillment,
                            "cgStoreId": order.store_id,
                        },
                    }
                },
            )
        if not current.get("lines"):
            raise BadUserInput("The cart has no lines", cart_id=order.cart_id)
        check_cart_matches(current, order)
        if current["state"] == "ArrangingPayment":  # a retry: price it again from the quote
            await self._transition(token, "AddingItems")
        await self._apply_quote(current, token, order)
        await self._arrange_payment(token, order)
        arranged = (await self._orders_by_code([order.cart_id]))[order.cart_id]
        problem = mismatch(arranged, order)
        if problem is not None:
            with contextlib.suppress(CommerceGraphError):  # the mismatch is what to report
                await self._transition(token, "AddingItems")
            raise BackendUnavailable(
                self.client.domain,
                f"Vendure would not place order {order.cart_id} as quoted: {problem}. Its "
                "server needs CommerceGraphQuotePlugin and the quote promotion, and a shipping "
                "method at no charge (docs/adapters/vendure.md)",
            )
        await self._pay(token, order)
        placed = (await self._orders_by_code([order.cart_id]))[order.cart_id]
        return order_record(placed)

    async def _apply_quote(self, cart: dict[str, Any], token: str, order: NewOrder) -> None:
        """Write the quote on the order, then touch each line so Vendure prices it again."""
        try:
            await self.client.admin(
                q.ADMIN_SET_ORDER_FIELDS,
                {"input": {"id": cart["id"], "customFields": {QUOTE_FIELD: quote_document(order)}}},
            )
        except BackendUnavailable as exc:
            if QUOTE_FIELD not in str(exc):
                raise
            raise BackendUnavailable(
                self.client.domain,
                f"Vendure has no Order.{QUOTE_FIELD} custom field: its server needs "
                "CommerceGraphQuotePlugin to place orders at the quoted prices "
                "(docs/adapters/vendure.md)",
            ) from exc
        for line in cart["lines"]:
            answer = await self.client.shop(
                q.ADJUST_LINE, {"lineId": line["id"], "quantity": line["quantity"]}, token=token
            )
            raise_if_error_result(answer.data["adjustOrderLine"])

    async def _transition(self, token: str, state: str) -> None:
        answer = await self.client.shop(q.TRANSITION, {"state": state}, token=token)
        raise_if_error_result(answer.data["transitionOrderToState"])

    async def _arrange_payment(self, token: str, order: NewOrder) -> None:
        customer = {
            "emailAddress": f"{order.customer_id}@{CUSTOMER_EMAIL_DOMAIN}".lower(),
            "firstName": "CommerceGraph",
            "lastName": order.customer_id,
        }
        answer = await self.client.shop(q.SET_CUSTOMER, {"input": customer}, token=token)
        raise_if_error_result(answer.data["setCustomerForOrder"])
        methods = (await self.client.shop(q.SHIPPING_METHODS, token=token)).data
        eligible = methods["eligibleShippingMethods"]
        chosen = next(
            (m for m in eligible if m["code"] == self.settings.shipping_method),
            None if self.settings.shipping_method else (eligible[0] if eligible else None),
        )
        if chosen is None:
            raise Conflict("Vendure offers no shipping method for the order")
        answer = await self.client.shop(q.SET_SHIPPING, {"ids": [chosen["id"]]}, token=token)
        raise_if_error_result(answer.data["setOrderShippingMethod"])
        await self._transition(token, "ArrangingPayment")

    async def _pay(self, token: str, order: NewOrder) -> None:
        methods = (await self.client.shop(q.PAYMENT_METHODS, token=token)).data
        eligible = [m for m in methods["eligiblePaymentMethods"] if m["isEligible"]]
        wanted = self.settings.payment_method
        chosen = next((m for m in eligible if wanted is None or m["code"] == wanted), None)
        if chosen is None:
            raise Conflict("Vendure offers no payment method for the order")
        payment = {
            "method": chosen["code"],
            "metadata": {"idempotencyKey": order.idempotency_key},
        }
        answer = await self.client.shop(q.ADD_PAYMENT, {"input": payment}, token=token)
        raise_if_error_result(answer.data["addPaymentToOrder"])


def _is_cart(order: dict[str, Any]) -> bool:
    return bool((order.get("customFields") or {}).get("cgCartToken"))


def _line_of(order: dict[str, Any], sku: str) -> str | None:
    for line in order.get("lines") or []:
        if line["productVariant"]["sku"] == sku:
            return str(line["id"])
    return None
