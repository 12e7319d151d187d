"""commercetools carts and orders: versioned updates retried on conflict, orders once per key.

Every update names the version it was computed from; a ``409 ConcurrentModification`` means
someone changed the cart in between, so the cart is fetched again and the change computed
anew from what it holds now (never the stale actions resent with a bumped version), at most
``conflict_retries`` times. An order's number is derived from the customer and idempotency
key, and commercetools keeps order numbers unique, so a retried checkout finds the order it
already placed rather than placing a second. Before the order is created, the cart's lines
are pinned to the gateway's quote (``quotes.py``), so the order records the total checkout
charged, not commercetools' own prices.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from commercegraph.adapters.base import (
    CartQuery,
    CartRecord,
    NewOrder,
    OrderQuery,
    OrderRecord,
    Page,
)
from commercegraph.adapters.commercetools import mapping, quotes
from commercegraph.adapters.commercetools.client import CommercetoolsClient
from commercegraph.adapters.commercetools.errors import is_duplicate, is_version_conflict
from commercegraph.adapters.commercetools.settings import CommercetoolsSettings
from commercegraph.errors import BadUserInput, CommerceGraphError, Conflict, NotFound

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

Actions = Callable[[dict[str, Any]], list[dict[str, Any]]]


def _line_change(sku: str, quantity: int, *, relative: bool) -> Actions:
    def actions(cart: dict[str, Any]) -> list[dict[str, Any]]:
        line = next(
            (
                li
                for li in cart.get("lineItems") or ()
                if (li.get("variant") or {}).get("sku") == sku
            ),
            None,
        )
        if line is None:
            return (
                [{"action": "addLineItem", "sku": sku, "quantity": quantity}]
                if quantity > 0
                else []
            )
        target = max(line["quantity"] + quantity if relative else quantity, 0)
        if target == line["quantity"]:
            return []
        if target == 0:
            return [{"action": "removeLineItem", "lineItemId": line["id"]}]
        return [{"action": "changeLineItemQuantity", "lineItemId": line["id"], "quantity": target}]

    return actions


class CommercetoolsCarts:
    client: CommercetoolsClient
    settings: CommercetoolsSettings

    async def _by_ids(self, resource: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for chunk in mapping.chunks(sorted({i for i in ids if UUID.match(i)})):
            body = await self.client.batch_read(
                f"/{resource}",
                [("where", f"id in {mapping.in_list(chunk)}"), ("limit", len(chunk))],
            )
            found.update((node["id"], node) for node in body["results"])
        return found

    def _customer_predicate(self, customer_id: str) -> str:
        value = mapping.quote(customer_id)
        return f"(customerId = {value} or anonymousId = {value})"

    async def _page(
        self, resource: str, predicate: str, first: int, after: str | None, sort: str
    ) -> tuple[list[dict[str, Any]], bool, int]:
        offset = mapping.offset_of(after, "after")
        body = await self.client.request(
            "GET",
            f"/{resource}",
            params=[
                ("where", predicate),
                ("sort", sort),
                ("sort", "id asc"),
                ("limit", first + 1),
                ("offset", offset),
                ("withTotal", "false"),
            ],
        )
        results = list(body["results"])
        return results[:first], len(results) > first, offset

    # commerce.carts

    async def carts_by_id(self, ids: Sequence[str]) -> list[CartRecord | None]:
        found = await self._by_ids("carts", ids)
        return [mapping.cart(found[i], self.settings) if i in found else None for i in ids]

    async def carts_for_customers(self, queries: Sequence[CartQuery]) -> list[Page[CartRecord]]:
        pages = []
        for query in queries:
            predicate = self._customer_predicate(query.customer_id)
            if query.status == "OPEN":
                predicate += ' and cartState = "Active"'
            elif query.status == "ORDERED":
                predicate += ' and cartState = "Ordered"'
            nodes, more, offset = await self._page(
                "carts", predicate, query.first, query.after, "lastModifiedAt desc"
            )
            pages.append(
                self._as_page([mapping.cart(n, self.settings) for n in nodes], more, offset)
            )
        return pages

    @staticmethod
    def _as_page(items: list[Any], more: bool, offset: int) -> Page[Any]:
        cursors = tuple(mapping.cursor(offset + n + 1) for n in range(len(items)))
        return Page(
            items=tuple(items),
            has_next_page=more,
            end_cursor=cursors[-1] if cursors else None,
            cursors=cursors,
            has_previous_page=offset > 0,
        )

    async def create_cart(self, customer_id: str | None, channel: str, currency: str) -> CartRecord:
        country = self.settings.markets.get(currency)
        if country is None:
            raise BadUserInput(f"No commercetools market sells in {currency}", argument="currency")
        draft: dict[str, Any] = {"currency": currency, "country": country}
        if customer_id:
            # a commercetools customer by its id; the gateway's own customer ids ride as the
            # anonymous id, which commercetools keeps but does not resolve
            draft["customerId" if UUID.match(customer_id) else "anonymousId"] = customer_id
        return mapping.cart(await self.client.request("POST", "/carts", json=draft), self.settings)

    async def set_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        return await self._update_cart(cart_id, _line_change(sku, quantity, relative=True))

    async def replace_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        return await self._update_cart(cart_id, _line_change(sku, quantity, relative=False))

    async def _cart(self, cart_id: str) -> dict[str, Any]:
        if not UUID.match(cart_id):
            raise NotFound(f"Cart {cart_id!r} not found")
        body: dict[str, Any] = await self.client.request("GET", f"/carts/{cart_id}")
        return body

    async def _update_cart(self, cart_id: str, actions_for: Actions) -> CartRecord:
        for _ in range(self.settings.conflict_retries + 1):
            current = await self._cart(cart_id)
            actions = actions_for(current)
            if not actions:
                return mapping.cart(current, self.settings)
            try:
                updated = await self.client.request(
                    "POST",
                    f"/carts/{cart_id}",
                    json={"version": current["version"], "actions": actions},
                )
            except CommerceGraphError as error:
                if is_version_conflict(error):
                    continue
                raise
            return mapping.cart(updated, self.settings)
        raise Conflict(f"Cart {cart_id!r} kept changing; try again", argument="cartId")

    # commerce.orders

    async def orders_by_id(self, ids: Sequence[str]) -> list[OrderRecord | None]:
        found = await self._by_ids("orders", ids)
        return [mapping.order(found[i], self.settings) if i in found else None for i in ids]

    async def orders_for_customers(self, queries: Sequence[OrderQuery]) -> list[Page[OrderRecord]]:
        pages = []
        for query in queries:
            nodes, more, offset = await self._page(
                "orders",
                self._customer_predicate(query.customer_id),
                query.first,
                query.after,
                "createdAt desc",
            )
            pages.append(
                self._as_page([mapping.order(n, self.settings) for n in nodes], more, offset)
            )
        return pages

    async def order_for_key(
        self, customer_id: str, idempotency_key: str, cart_id: str
    ) -> OrderRecord | None:
        number = mapping.order_number(customer_id, idempotency_key)
        try:
            node = await self.client.request("GET", f"/orders/order-number={number}")
        except NotFound:
            return None
        if (node.get("cart") or {}).get("id") != cart_id:
            raise Conflict(
                "The idempotency key was used for another cart", argument="idempotencyKey"
            )
        return mapping.order(node, self.settings)

    async def place_order(self, order: NewOrder) -> OrderRecord:
        placed = await self.order_for_key(order.customer_id, order.idempotency_key, order.cart_id)
        if placed is not None:
            return placed
        number = mapping.order_number(order.customer_id, order.idempotency_key)
        for _ in range(self.settings.conflict_retries + 1):
            cart = await self._cart(order.cart_id)
            if cart.get("cartState") != "Active":
                raise Conflict(f"Cart {order.cart_id!r} is no longer open", argument="cartId")
            try:
                cart = await self._pin_quote(cart, order)
            except CommerceGraphError as error:
                if is_version_conflict(error):
                    continue
                raise
            draft = {
                "cart": {"typeId": "cart", "id": order.cart_id},
                "version": cart["version"],
                "orderNumber": number,
            }
            try:
                node = await self.client.request("POST", "/orders", json=draft)
            except CommerceGraphError as error:
                if is_version_conflict(error):
                    continue
                if is_duplicate(error, "orderNumber"):
                    # placed under this key by a call whose answer was lost
                    found = await self.order_for_key(
                        order.customer_id, order.idempotency_key, order.cart_id
                    )
                    if found is not None:
                        return found
                raise
            return mapping.order(node, self.settings)
        raise Conflict(f"Cart {order.cart_id!r} kept changing; try again", argument="cartId")

    async def _pin_quote(self, cart: dict[str, Any], order: NewOrder) -> dict[str, Any]:
        """The cart with its lines priced as quoted (updated only where they differ)."""
        actions = quotes.pinning_actions(cart, order)
        if actions:
            cart = await self.client.request(
                "POST",
                f"/carts/{order.cart_id}",
                json={"version": cart["version"], "actions": actions},
            )
        if not quotes.totals_the_quote(cart, order):
            total = cart.get("totalPrice") or {}
            raise Conflict(
                f"commercetools totals cart {order.cart_id!r} at {total.get('centAmount')} "
                f"{total.get('currencyCode')}, not the quoted {order.total} {order.currency} "
                "(shipping or other charges on the cart)",
                argument="cartId",
            )
        return cart
