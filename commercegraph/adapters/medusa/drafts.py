"""The gateway's quote as a Medusa draft order: its lines at our unit prices, our discount as
a one-order promotion, no delivery charge of Medusa's own.

Medusa's Admin API takes a custom ``unit_price`` per draft-order line and applies promotion
codes to the draft; the cart's Store API takes neither. What the quoted lines add up to
beyond the quoted total (the cart-wide rules and bundle discounts) becomes a fixed promotion
on the whole order, used by that order only: its code derives from the customer and the
idempotency key, so a retry finds it instead of making a second one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from commercegraph.adapters.base import NewOrder
from commercegraph.adapters.medusa import sales
from commercegraph.errors import Conflict

PROMOTION_PREFIX = "CG-"


def major(amount: int) -> float:
    """Minor units as the major-unit JSON number Medusa reads (n/100 prints exactly so)."""
    return float(Decimal(amount) / 100)


def lines_total(order: NewOrder) -> int:
    return sum(line.unit_price * line.quantity for line in order.lines)


def discount_of(order: NewOrder) -> int:
    """What a promotion must take off the quoted lines to reach the quoted total.

    Negative when the quoted unit prices, rounded per unit, add up to less than the total:
    Medusa can discount an order but not add to it, so that quote cannot be recorded.
    """
    discount = lines_total(order) - order.total
    if discount < 0:
        raise Conflict(
            "Medusa cannot record this quote: its lines add up to "
            f"{lines_total(order)} but the total is {order.total} (a draft order cannot "
            "add a surcharge)",
            cart_id=order.cart_id,
            quotedTotal=order.total,
        )
    return discount


def pickup_at(option: Mapping[str, Any]) -> str | None:
    """The Medusa stock location a shipping option is a pickup at; None for delivery."""
    fulfillment_set = (option.get("service_zone") or {}).get("fulfillment_set") or {}
    if fulfillment_set.get("type") != "pickup":
        return None
    return str((fulfillment_set.get("location") or {}).get("id") or "")


def promotion_code(order: NewOrder) -> str:
    digest = hashlib.sha256(f"{order.customer_id}\0{order.idempotency_key}".encode()).hexdigest()
    return f"{PROMOTION_PREFIX}{digest[:20].upper()}"


def promotion_body(
    order: NewOrder, discount: int, tax_inclusive: bool, metadata: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        "code": promotion_code(order),
        "type": "standard",
        "status": "active",
        "is_automatic": False,
        # the quote's amounts include tax exactly when the lines' prices do
        "is_tax_inclusive": tax_inclusive,
        "application_method": {
            "description": "CommerceGraph price rules and bundle discounts",
            "type": "fixed",
            "target_type": "order",
            "allocation": "across",
            "value": major(discount),
            "currency_code": order.currency.lower(),
        },
        "metadata": dict(metadata),
    }


def draft_body(
    order: NewOrder,
    cart: Mapping[str, Any],
    variants: Mapping[str, str],
    email: str,
    address: Mapping[str, Any],
    metadata: Mapping[str, Any],
    promo_code: str | None,
    shipping_option: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """``POST /admin/draft-orders``: the cart's customer, region and channel, our lines."""
    items = []
    for place, line in enumerate(order.lines):
        item_metadata: dict[str, Any] = {sales.LINE: place}
        if line.bundle_id is not None:
            item_metadata[sales.BUNDLE] = line.bundle_id
        items.append(
            {
                "variant_id": variants[line.sku],
                "quantity": line.quantity,
                "unit_price": major(line.unit_price),
                "metadata": item_metadata,
            }
        )
    body: dict[str, Any] = {
        "region_id": cart["region_id"],
        "email": email,
        "currency_code": order.currency.lower(),
        "shipping_address": dict(address),
        "items": items,
        "metadata": dict(metadata),
        "no_notification_order": True,
    }
    if cart.get("customer_id"):
        body["customer_id"] = cart["customer_id"]
    if cart.get("sales_channel_id"):
        body["sales_channel_id"] = cart["sales_channel_id"]
    if promo_code is not None:
        body["promo_codes"] = [promo_code]
    if shipping_option is not None:
        # the quote charges no delivery: the method (delivery, or pickup at the store) is
        # recorded so Medusa fulfils the order from the right place
        body["shipping_methods"] = [
            {
                "name": str(shipping_option["name"]),
                "shipping_option_id": str(shipping_option["id"]),
                "amount": 0,
            }
        ]
    return body
