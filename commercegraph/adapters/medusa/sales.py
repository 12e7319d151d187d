"""Medusa carts and orders as our records.

A gateway customer has no Medusa account: its carts carry ``<customer id>@<domain>`` as their
email, which Medusa files under one (guest) Medusa customer, so that customer's orders are the
gateway customer's orders. What Medusa has no field for travels in metadata: the cart's,
and the draft order's made from it, which the order keeps.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from commercegraph.adapters.base import (
    CartLineRecord,
    CartRecord,
    Money,
    OrderLineRecord,
    OrderRecord,
)
from commercegraph.adapters.medusa.catalog import minor

CUSTOMER = "commercegraph_customer_id"
CHANNEL = "commercegraph_channel"
IDEMPOTENCY_KEY = "commercegraph_idempotency_key"
CART = "commercegraph_cart_id"
FULFILLMENT = "commercegraph_fulfillment"
STORE = "commercegraph_store_id"
LOCATION = "commercegraph_location_id"
RESERVATION = "commercegraph_reservation_reference"
GATEWAY_TOTAL = "commercegraph_total"
ORDER = "commercegraph_order_id"  # on the cart: the Medusa order placed from it
BUNDLE = "commercegraph_bundle_id"
LINE = "commercegraph_line"  # on a draft order's item: its place among the quoted lines
CART_IDS = "commercegraph_cart_ids"  # on the Medusa customer: the gateway customer's carts
DEFAULT_CHANNEL = "WEB"

CART_FIELDS = (
    "id,email,currency_code,region_id,customer_id,sales_channel_id,completed_at,updated_at,"
    "+metadata,*items"
)
ORDER_FIELDS = (
    "id,display_id,status,customer_id,email,currency_code,total,item_subtotal,discount_total,"
    "shipping_total,created_at,+metadata,fulfillment_status,*items"
)

STATUS_BY_FULFILLMENT = {
    "shipped": "SHIPPED",
    "partially_shipped": "SHIPPED",
    "delivered": "COMPLETED",
    "partially_delivered": "SHIPPED",
}


def timestamp(raw: Any) -> datetime:
    return datetime.fromisoformat(str(raw).replace("Z", "+00:00"))


def is_ordered(cart: Mapping[str, Any]) -> bool:
    """Completed by Medusa, or recorded as a draft order converted for the gateway."""
    return bool(cart.get("completed_at") or (cart.get("metadata") or {}).get(ORDER))


def to_cart(cart: Mapping[str, Any]) -> CartRecord:
    metadata = cart.get("metadata") or {}
    lines = tuple(
        CartLineRecord(
            sku=str(item.get("variant_sku") or ""),
            quantity=int(item["quantity"]),
            bundle_id=(item.get("metadata") or {}).get(BUNDLE),
        )
        for item in sorted(cart.get("items") or [], key=lambda i: str(i.get("created_at")))
    )
    return CartRecord(
        id=str(cart["id"]),
        customer_id=metadata.get(CUSTOMER),
        channel=str(metadata.get(CHANNEL) or DEFAULT_CHANNEL),
        currency=str(cart["currency_code"]).upper(),
        status="ORDERED" if is_ordered(cart) else "OPEN",
        lines=lines,
    )


def order_status(order: Mapping[str, Any]) -> str:
    status = str(order.get("status") or "")
    if status == "canceled":
        return "CANCELLED"
    if status in ("completed", "archived"):
        return "COMPLETED"
    return STATUS_BY_FULFILLMENT.get(str(order.get("fulfillment_status") or ""), "PLACED")


def _line_order(item: Mapping[str, Any]) -> tuple[str, int, str]:
    """Items in the order they were added; a draft's, added at once, as they were quoted."""
    place = (item.get("metadata") or {}).get(LINE)
    return str(item.get("created_at")), int(place) if place is not None else 0, str(item["id"])


def to_order(order: Mapping[str, Any]) -> OrderRecord:
    metadata = order.get("metadata") or {}
    currency = str(order["currency_code"]).upper()

    def money(value: Any) -> Money:
        return Money(minor(value or 0), currency)

    lines = tuple(
        OrderLineRecord(
            sku=str(item.get("variant_sku") or ""),
            quantity=int(item["quantity"]),
            unit_price=money(item.get("unit_price")),
        )
        for item in sorted(order.get("items") or [], key=_line_order)
    )
    return OrderRecord(
        id=str(order["id"]),
        customer_id=str(metadata.get(CUSTOMER) or order.get("customer_id") or ""),
        channel=str(metadata.get(CHANNEL) or DEFAULT_CHANNEL),
        placed_at=timestamp(order["created_at"]),
        total=money(order.get("total")),
        # the lines at their prices as listed (tax in them when the prices include it)
        subtotal=Money(sum(line.unit_price.amount * line.quantity for line in lines), currency),
        discount=money(order.get("discount_total")),
        fulfillment=str(metadata.get(FULFILLMENT) or "SHIP"),
        store_id=metadata.get(STORE),
        status=order_status(order),
        lines=lines,
    )
