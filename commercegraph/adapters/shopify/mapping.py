"""Shopify's GraphQL objects as the gateway's canonical records."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from commercegraph.adapters.base import (
    CartLineRecord,
    CartRecord,
    LocationRecord,
    ProductRecord,
    VariantRecord,
)
from commercegraph.errors import BackendUnavailable
from commercegraph.services.money import exponent

PRODUCT_GID = "gid://shopify/Product/"
VARIANT_GID = "gid://shopify/ProductVariant/"
LOCATION_GID = "gid://shopify/Location/"
CART_GID = "gid://shopify/Cart/"
# cart and line attributes the gateway keeps its own keys in
CUSTOMER_ATTRIBUTE = "_commercegraph_customer"
CHANNEL_ATTRIBUTE = "_commercegraph_channel"
BUNDLE_ATTRIBUTE = "_commercegraph_bundle"


def minor_units(amount: str, currency: str) -> int:
    """``"12.50"`` USD → 1250: Shopify's ``Decimal`` scalar is a string, never a float."""
    try:
        value = Decimal(amount) * (10 ** exponent(currency))
    except InvalidOperation as exc:
        raise BackendUnavailable("shopify", f"Shopify sent a bad amount {amount!r}") from exc
    if value != value.to_integral_value():
        raise BackendUnavailable("shopify", f"Shopify sent {amount} {currency}: sub-minor units")
    return int(value)


def search_term(value: str) -> str:
    """A value quoted for Shopify's search syntax."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sku_query(skus: list[str]) -> str:
    return " OR ".join(f"sku:{search_term(sku)}" for sku in skus)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def product(node: dict[str, Any]) -> ProductRecord:
    variants = tuple(
        VariantRecord(
            id=v["id"],
            sku=v.get("sku") or "",
            name=v.get("title") or "",
            options=tuple((o["name"], o["value"]) for o in v.get("selectedOptions") or ()),
        )
        for v in (node.get("variants") or {}).get("nodes") or ()
    )
    options = tuple(
        (o["name"], tuple(value["name"] for value in o.get("optionValues") or ()))
        for o in node.get("options") or ()
    )
    product_type = node.get("productType") or None
    return ProductRecord(
        id=node["id"],
        sku=variants[0].sku if variants else "",
        name=node.get("title") or "",
        brand=node.get("vendor") or None,
        category=product_type,
        category_id=product_type,
        tags=tuple(node.get("tags") or ()),
        released_at=_time(node.get("createdAt")),
        variants=variants,
        options=options,
        handle=node.get("handle"),
    )


def _attributes(items: list[dict[str, Any]] | None) -> dict[str, str]:
    return {a["key"]: a["value"] for a in items or () if a.get("value") is not None}


def cart(node: dict[str, Any]) -> CartRecord:
    attributes = _attributes(node.get("attributes"))
    lines = []
    for line in (node.get("lines") or {}).get("nodes") or ():
        merchandise = line.get("merchandise") or {}
        lines.append(
            CartLineRecord(
                sku=merchandise.get("sku") or "",
                quantity=int(line["quantity"]),
                bundle_id=_attributes(line.get("attributes")).get(BUNDLE_ATTRIBUTE),
            )
        )
    total = (node.get("cost") or {}).get("totalAmount") or {}
    return CartRecord(
        id=node["id"],
        customer_id=attributes.get(CUSTOMER_ATTRIBUTE),
        channel=attributes.get(CHANNEL_ATTRIBUTE, "web"),
        currency=total.get("currencyCode") or "",
        status="OPEN",  # a cart that became an order is no longer returned by Shopify
        lines=tuple(lines),
    )


def cart_line(
    node: dict[str, Any], variant_id: str, bundle_id: str | None
) -> dict[str, Any] | None:
    for line in (node.get("lines") or {}).get("nodes") or ():
        same_bundle = _attributes(line.get("attributes")).get(BUNDLE_ATTRIBUTE) == bundle_id
        if (line.get("merchandise") or {}).get("id") == variant_id and same_bundle:
            return dict(line)
    return None


def location(node: dict[str, Any]) -> LocationRecord:
    address = node.get("address") or {}
    pickup = node.get("localPickupSettingsV2") is not None
    return LocationRecord(
        id=node["id"],
        name=node.get("name") or "",
        kind="STORE" if pickup else "WAREHOUSE",
        lat=float(address.get("latitude") or 0.0),
        lon=float(address.get("longitude") or 0.0),
        region=address.get("provinceCode") or address.get("countryCode") or "",
        address=", ".join(address.get("formatted") or ()),
        can_ship=bool(node.get("fulfillsOnlineOrders")),
        can_pickup=pickup,
    )
