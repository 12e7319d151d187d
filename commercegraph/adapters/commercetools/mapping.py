"""commercetools resources as the gateway's canonical records."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
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
    StockRecord,
    VariantRecord,
)
from commercegraph.adapters.commercetools.errors import BACKEND
from commercegraph.adapters.commercetools.settings import CommercetoolsSettings
from commercegraph.errors import BackendUnavailable, BadUserInput
from commercegraph.services.money import exponent

CART_STATUS = {"Active": "OPEN", "Frozen": "OPEN", "Ordered": "ORDERED", "Merged": "MERGED"}
ORDER_STATUS = {"Complete": "COMPLETED", "Cancelled": "CANCELLED"}
SHIPPED = frozenset({"Shipped", "Delivered"})
NO_SUPPLY_CHANNEL = "default"  # stock held without a supply channel


def quote(value: str) -> str:
    """A string literal for a query predicate."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


KEYS_PER_PREDICATE = 100  # keeps a ``where`` well inside the API's URL length limit


def chunks(values: list[str], size: int = KEYS_PER_PREDICATE) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def in_list(values: list[str]) -> str:
    return "(" + ", ".join(quote(v) for v in values) + ")"


def cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def offset_of(value: str | None, argument: str) -> int:
    if value is None:
        return 0
    try:
        kind, _, number = base64.urlsafe_b64decode(value.encode()).decode().partition(":")
        offset = int(number)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadUserInput("Malformed cursor", argument=argument) from exc
    if kind != "offset" or offset < 0:
        raise BadUserInput("Malformed cursor", argument=argument)
    return offset


def order_number(customer_id: str, idempotency_key: str) -> str:
    """The order number one (customer, idempotency key) gets: unique per project in
    commercetools, so a second order under the same key is refused by the platform itself."""
    digest = hashlib.sha256(f"{customer_id}\x1f{idempotency_key}".encode()).hexdigest()
    return f"cg-{digest[:40]}"


def minor_units(money: dict[str, Any]) -> int:
    """``centAmount`` is minor units with ``fractionDigits`` decimals; a high-precision
    amount carries the currency's default digits in ``centAmount`` (rounded by the platform)."""
    currency = str(money["currencyCode"])
    places = exponent(currency)
    amount = int(money["centAmount"])
    digits = (
        places if money.get("type") == "highPrecision" else int(money.get("fractionDigits", places))
    )
    if digits <= places:
        return amount * int(10 ** (places - digits))
    scale = int(10 ** (digits - places))
    if amount % scale:
        raise BackendUnavailable(BACKEND, f"commercetools sent {amount} with {digits} digits")
    return amount // scale


def money(value: dict[str, Any]) -> Money:
    return Money(minor_units(value), str(value["currencyCode"]))


def text(localized: dict[str, str] | None, locale: str) -> str:
    if not localized:
        return ""
    language = locale.split("-")[0]
    for key in (locale, language):
        if key in localized:
            return localized[key]
    for key, value in localized.items():
        if key.split("-")[0] == language:
            return value
    return next(iter(localized.values()))


def time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def attribute_text(value: Any, locale: str) -> str:
    if isinstance(value, dict):
        label = value.get("label", value.get("key", ""))
        return text(label, locale) if isinstance(label, dict) else str(label)
    if isinstance(value, list):
        return ", ".join(attribute_text(v, locale) for v in value)
    return str(value)


def _variant(
    product_id: str, node: dict[str, Any], settings: CommercetoolsSettings
) -> VariantRecord:
    attributes = {a["name"]: a.get("value") for a in node.get("attributes") or ()}
    options = tuple(
        (name, attribute_text(attributes[name], settings.locale))
        for name in settings.option_attributes
        if name in attributes
    )
    return VariantRecord(
        id=f"{product_id}:{node['id']}",
        sku=node.get("sku") or "",
        name=" / ".join(value for _, value in options),
        options=options,
        attributes=attributes,
    )


def product(node: dict[str, Any], settings: CommercetoolsSettings) -> ProductRecord:
    locale = settings.locale
    master = node.get("masterVariant") or {}
    variants = tuple(
        _variant(node["id"], v, settings) for v in [master, *(node.get("variants") or ())] if v
    )
    axes: dict[str, list[str]] = {}
    for variant in variants:
        for name, value in variant.options:
            if value not in axes.setdefault(name, []):
                axes[name].append(value)
    brand = variants[0].attributes.get(settings.brand_attribute) if variants else None
    categories = node.get("categories") or []
    first_category = categories[0] if categories else None
    category_name = None
    if first_category and isinstance(first_category.get("obj"), dict):
        category_name = text(first_category["obj"].get("name"), locale) or None
    return ProductRecord(
        id=node["id"],
        sku=master.get("sku") or "",
        name=text(node.get("name"), locale),
        brand=attribute_text(brand, locale) if brand is not None else None,
        category=category_name,
        category_id=first_category["id"] if first_category else None,
        released_at=time(node.get("createdAt")),
        variants=variants,
        options=tuple((name, tuple(values)) for name, values in axes.items()),
        handle=text(node.get("slug"), locale) or None,
    )


def category(node: dict[str, Any], locale: str) -> CategoryRecord:
    parent = node.get("parent") or {}
    return CategoryRecord(
        id=node["id"], name=text(node.get("name"), locale), parent_id=parent.get("id")
    )


def customer_of(node: dict[str, Any]) -> str | None:
    return node.get("customerId") or node.get("anonymousId")


def cart(node: dict[str, Any], settings: CommercetoolsSettings) -> CartRecord:
    lines = tuple(
        CartLineRecord(
            sku=(line.get("variant") or {}).get("sku") or "", quantity=int(line["quantity"])
        )
        for line in node.get("lineItems") or ()
    )
    return CartRecord(
        id=node["id"],
        customer_id=customer_of(node),
        channel=settings.channel,
        currency=str((node.get("totalPrice") or {}).get("currencyCode") or ""),
        status=CART_STATUS.get(str(node.get("cartState")), str(node.get("cartState"))),
        lines=lines,
    )


def order(node: dict[str, Any], settings: CommercetoolsSettings) -> OrderRecord:
    total = money(node["totalPrice"])
    lines = tuple(
        OrderLineRecord(
            sku=(line.get("variant") or {}).get("sku") or "",
            quantity=int(line["quantity"]),
            unit_price=money(line["price"]["value"]),
        )
        for line in node.get("lineItems") or ()
    )
    subtotal = sum(line.unit_price.amount * line.quantity for line in lines)
    state = str(node.get("orderState") or "Open")
    status = ORDER_STATUS.get(state) or (
        "SHIPPED" if node.get("shipmentState") in SHIPPED else "PLACED"
    )
    placed_at = time(node.get("completedAt") or node.get("createdAt"))
    assert placed_at is not None
    return OrderRecord(
        id=node["id"],
        customer_id=customer_of(node) or "",
        channel=settings.channel,
        placed_at=placed_at,
        total=total,
        subtotal=Money(subtotal, total.currency),
        discount=Money(max(subtotal - total.amount, 0), total.currency),
        fulfillment="SHIP",
        store_id=None,
        status=status,
        lines=lines,
    )


def stock(node: dict[str, Any]) -> StockRecord:
    on_hand = int(node.get("quantityOnStock", 0))
    available = int(node.get("availableQuantity", on_hand))
    channel = node.get("supplyChannel") or {}
    return StockRecord(
        sku=str(node["sku"]),
        location_id=str(channel.get("id") or NO_SUPPLY_CHANNEL),
        on_hand=on_hand,
        reserved=max(on_hand - available, 0),  # held by orders placed with reservation
        safety_stock=0,
    )


def location(node: dict[str, Any], locale: str) -> LocationRecord:
    fields = (node.get("custom") or {}).get("fields") or {}
    coordinates = (node.get("geoLocation") or {}).get("coordinates") or [0.0, 0.0]
    address = node.get("address") or {}
    street = " ".join(str(address[k]) for k in ("streetNumber", "streetName") if address.get(k))
    parts = [street, address.get("city"), address.get("postalCode"), address.get("country")]
    kind = str(fields.get("kind") or "WAREHOUSE").upper()
    return LocationRecord(
        id=node["id"],
        name=text(node.get("name"), locale) or node.get("key", ""),
        kind=kind,
        lat=float(coordinates[1]),  # GeoJSON order: longitude first
        lon=float(coordinates[0]),
        region=str(address.get("state") or address.get("region") or address.get("country") or ""),
        address=", ".join(str(p) for p in parts if p),
        can_ship=bool(fields.get("canShip", kind == "WAREHOUSE")),
        can_pickup=bool(fields.get("canPickup", kind == "STORE")),
    )
