"""Vendure's products, collections, orders and stock locations as our canonical records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from commercegraph.adapters.base import (
    CartLineRecord,
    CartRecord,
    CategoryRecord,
    LocationRecord,
    Money,
    OrderLineRecord,
    OrderRecord,
    ProductRecord,
    VariantRecord,
)

ROOT_COLLECTION = "__root_collection__"
BRAND_FACET = "brand"
DEFAULT_CHANNEL = "WEB"
# an order still being shopped or checked out is a cart; every later state is an order
CART_STATES = frozenset({"Created", "Draft", "AddingItems", "ArrangingPayment"})
ORDER_STATUS = {
    "PaymentAuthorized": "PLACED",
    "PaymentSettled": "PLACED",
    "PartiallyShipped": "SHIPPED",
    "Shipped": "SHIPPED",
    "PartiallyDelivered": "SHIPPED",
    "Delivered": "COMPLETED",
    "Cancelled": "CANCELLED",
}


def timestamp(raw: str | None) -> datetime | None:
    if not raw:
        return None
    return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(UTC)


def _by_id(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: (len(str(item["id"])), str(item["id"])))


def product_record(product: dict[str, Any]) -> ProductRecord:
    variants = tuple(
        VariantRecord(
            id=str(v["id"]),
            sku=str(v["sku"]),
            name=str(v["name"]),
            options=tuple(
                (str(o["group"]["name"]), str(o["name"]))
                for o in sorted(v.get("options") or [], key=lambda o: str(o["group"]["code"]))
            ),
        )
        for v in _by_id(product.get("variants") or [])
    )
    brand = next(
        (
            fv["name"]
            for fv in product.get("facetValues") or []
            if fv["facet"]["code"] == BRAND_FACET
        ),
        None,
    )
    # the deepest collection the product is in stands for its category
    collections = sorted(
        product.get("collections") or [], key=lambda c: len(c.get("breadcrumbs") or [])
    )
    category = collections[-1] if collections else None
    return ProductRecord(
        id=str(product["id"]),
        sku=variants[0].sku if variants else "",
        name=str(product["name"]),
        brand=brand,
        category=str(category["name"]) if category else None,
        category_id=str(category["id"]) if category else None,
        released_at=timestamp(product.get("createdAt")),
        variants=variants,
        options=tuple(
            (str(group["name"]), tuple(str(o["name"]) for o in _by_id(group["options"])))
            for group in product.get("optionGroups") or []
        ),
        handle=product.get("slug"),
    )


def category_record(collection: dict[str, Any]) -> CategoryRecord:
    parent = collection.get("parent")
    parent_id = str(parent["id"]) if parent and parent.get("name") != ROOT_COLLECTION else None
    return CategoryRecord(
        id=str(collection["id"]), name=str(collection["name"]), parent_id=parent_id
    )


def _fields(order: dict[str, Any]) -> dict[str, Any]:
    return order.get("customFields") or {}


def cart_record(order: dict[str, Any]) -> CartRecord:
    fields = _fields(order)
    return CartRecord(
        id=str(order["code"]),
        customer_id=fields.get("cgCustomerId"),
        channel=fields.get("cgChannel") or DEFAULT_CHANNEL,
        currency=str(order["currencyCode"]),
        status="OPEN" if order.get("state") in CART_STATES else "ORDERED",
        lines=tuple(
            CartLineRecord(sku=str(line["productVariant"]["sku"]), quantity=int(line["quantity"]))
            for line in _by_id(order.get("lines") or [])
        ),
    )


def is_placed(order: dict[str, Any]) -> bool:
    return order.get("state") not in CART_STATES


def order_record(order: dict[str, Any]) -> OrderRecord:
    fields = _fields(order)
    currency = str(order["currencyCode"])
    discount = -sum(int(d["amountWithTax"]) for d in order.get("discounts") or [])
    placed_at = timestamp(order.get("orderPlacedAt")) or timestamp(order.get("updatedAt"))
    return OrderRecord(
        id=str(order["code"]),
        customer_id=str(fields.get("cgCustomerId") or ""),
        channel=fields.get("cgChannel") or DEFAULT_CHANNEL,
        placed_at=placed_at or datetime.now(UTC),
        total=Money(int(order["totalWithTax"]), currency),
        subtotal=Money(int(order["subTotalWithTax"]), currency),
        discount=Money(max(0, discount), currency),
        # orders placed elsewhere (the storefront, the Admin UI) carry neither field: they ship
        fulfillment=str(fields.get("cgFulfillment") or "SHIP"),
        store_id=fields.get("cgStoreId") or None,
        status=ORDER_STATUS.get(str(order.get("state")), str(order.get("state")).upper()),
        lines=tuple(
            OrderLineRecord(
                sku=str(line["productVariant"]["sku"]),
                quantity=int(line["quantity"]),
                unit_price=Money(int(line["unitPriceWithTax"]), currency),
            )
            for line in _by_id(order.get("lines") or [])
        ),
    )


def location_key(location: dict[str, Any]) -> str:
    return str(_fields(location).get("cgKey") or location["id"])


def location_record(location: dict[str, Any]) -> LocationRecord:
    fields = _fields(location)
    return LocationRecord(
        id=location_key(location),
        name=str(location["name"]),
        kind=str(fields.get("kind") or "WAREHOUSE"),
        lat=float(fields.get("lat") or 0.0),
        lon=float(fields.get("lon") or 0.0),
        region=str(fields.get("region") or ""),
        address=str(fields.get("address") or location.get("description") or ""),
        can_ship=fields.get("canShip") is not False,
        can_pickup=fields.get("canPickup") is True,
    )
