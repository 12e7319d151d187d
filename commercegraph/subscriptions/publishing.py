"""Publish change events from the adapter boundary, after each write has returned.

The adapters commit their own transactions, so when a write method returns its change is
durable: that is the moment to tell subscribers. Wrapping the registry's adapters keeps the
resolvers (carts, checkout, offers) free of notification code, and covers every adapter,
native or REST, the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, cast

from commercegraph.adapters.base import (
    CartRecord,
    CommerceBackend,
    CustomerBackend,
    InventoryBackend,
    OrderRecord,
    ReservationRecord,
)
from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.subscriptions.broker import (
    Broker,
    Event,
    cart_topic,
    offers_topic,
    orders_topic,
    publish_quietly,
    stock_topic,
)

Topics = Iterable[tuple[str, Event]]
Describe = Callable[[tuple[Any, ...], dict[str, Any], Any], Topics]


def _cart(_a: tuple[Any, ...], _k: dict[str, Any], cart: Any) -> Topics:
    if isinstance(cart, CartRecord):
        yield cart_topic(cart.id), {"cartId": cart.id}


def _order(args: tuple[Any, ...], kwargs: dict[str, Any], order: Any) -> Topics:
    if isinstance(order, OrderRecord):
        yield orders_topic(order.customer_id), {"orderId": order.id, "status": order.status}
    placed = args[0] if args else kwargs.get("order")
    cart_id = getattr(placed, "cart_id", None)
    if isinstance(cart_id, str):  # checkout closed the cart
        yield cart_topic(cart_id), {"cartId": cart_id}


def _transition(args: tuple[Any, ...], kwargs: dict[str, Any], moved: Any) -> Topics:
    order = getattr(moved, "order", None)
    if getattr(moved, "changed", False) and isinstance(order, OrderRecord):
        yield orders_topic(order.customer_id), {"orderId": order.id, "status": order.status}
    restocked = getattr(moved, "restocked_at", None)
    if isinstance(restocked, str) and isinstance(order, OrderRecord):
        skus = sorted({line.sku for line in order.lines})
        yield stock_topic(restocked), {"locationId": restocked, "skus": skus}


def _offers(args: tuple[Any, ...], kwargs: dict[str, Any], offers: Any) -> Topics:
    # Reading offers issues them, idempotently: only offers issued by this call are news.
    # (Announcing every call would loop: a subscriber re-reads its offers on each event.)
    customer_id = args[0] if args else kwargs.get("customer_id")
    now = kwargs.get("now")
    fresh = [o for o in offers or () if getattr(o, "issued_at", None) == now]
    if isinstance(customer_id, str) and fresh:
        yield offers_topic(customer_id), {"customerId": customer_id, "offers": len(fresh)}


def _stock(_a: tuple[Any, ...], _k: dict[str, Any], reservation: Any) -> Topics:
    if not isinstance(reservation, ReservationRecord):
        return
    by_location: dict[str, set[str]] = {}
    for line in reservation.lines:
        by_location.setdefault(line.location_id, set()).add(line.sku)
    for location_id, skus in by_location.items():
        yield stock_topic(location_id), {"locationId": location_id, "skus": sorted(skus)}


COMMERCE_WRITES: dict[str, Describe] = {
    "create_cart": _cart,
    "set_cart_line": _cart,
    "place_order": _order,
    "record_external_order": _order,
    "transition_order": _transition,
}
CUSTOMER_WRITES: dict[str, Describe] = {"issue_offers": _offers}
INVENTORY_WRITES: dict[str, Describe] = {
    "reserve": _stock,
    "commit_reservation": _stock,
    "release_reservation": _stock,
}


class PublishingAdapter:
    """Everything of ``inner``, with its write methods publishing what they changed."""

    def __init__(self, inner: Any, broker: Broker, writes: dict[str, Describe]) -> None:
        self._inner = inner
        self._broker = broker
        self._writes = writes

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        describe = self._writes.get(name)
        if describe is None:
            return attribute
        return self._publishing(attribute, describe)

    def _publishing(
        self, method: Callable[..., Awaitable[Any]], describe: Describe
    ) -> Callable[..., Awaitable[Any]]:
        broker = self._broker

        @functools.wraps(method)
        async def write(*args: Any, **kwargs: Any) -> Any:
            result = await method(*args, **kwargs)
            for topic, event in describe(args, kwargs, result):
                await publish_quietly(broker, topic, event)
            return result

        return write


def publish_changes(registry: AdapterRegistry, broker: Broker) -> None:
    """Wrap the registry's adapters in place (once) so their writes publish."""
    if isinstance(registry.commerce, PublishingAdapter):
        return
    registry.commerce = cast(
        CommerceBackend, PublishingAdapter(registry.commerce, broker, COMMERCE_WRITES)
    )
    registry.customer = cast(
        CustomerBackend, PublishingAdapter(registry.customer, broker, CUSTOMER_WRITES)
    )
    registry.inventory = cast(
        InventoryBackend, PublishingAdapter(registry.inventory, broker, INVENTORY_WRITES)
    )
