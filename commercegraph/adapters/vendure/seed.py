"""The demo catalogue as Vendure seeds it: an initial-data object, a products CSV, the stock
locations with their stock, the EUR prices and accessory relations the CSV cannot carry, and a
second channel holding the demo's mobile-app prices.

The server script (``server.js``) hands the first two to Vendure's ``populate()`` and sets the
rest through its own Admin API on first start. Products, skus, USD and EUR prices, locations
and stock come from ``commercegraph.demo``; one product with size variants exists only here,
so the Vendure catalogue shows a product with options.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from commercegraph.demo.catalog import CATEGORIES, CATEGORY_BY_ID, Catalog, build_catalog
from commercegraph.demo.inventory import (
    ABROAD_LOCATIONS,
    LOCATIONS,
    REGION,
    price_rows,
    stock_rows,
    to_eur,
)

CSV_COLUMNS = (
    "name",
    "slug",
    "description",
    "assets",
    "facets",
    "optionGroups",
    "optionValues",
    "sku",
    "price",
    "taxCategory",
    "stockOnHand",
    "trackInventory",
    "variantAssets",
    "variantFacets",
)
# A product seeded only in Vendure: one product, three size variants.
VENDURE_ONLY_PRODUCT = "Trail Tee"
VENDURE_ONLY_VARIANTS: tuple[tuple[str, str, int], ...] = (
    ("S", "SKU-VND-TEE-S", 2499),
    ("M", "SKU-VND-TEE-M", 2499),
    ("L", "SKU-VND-TEE-L", 2699),
)
VENDURE_ONLY_STOCK = 25  # units of each tee size at every location
SHIPPING_METHOD = "Standard Shipping"
# the gateway channel whose own prices a second Vendure channel holds, and that channel
APP_CHANNEL = "MOBILE_APP"
APP_CHANNEL_CODE = "mobile-app"
APP_CHANNEL_TOKEN = "cg-mobile-app"  # a loopback test server's channel token
PAYMENT_METHOD_CODE = "commercegraph-test-payment"


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def initial_data() -> dict[str, Any]:
    collections: list[dict[str, Any]] = []
    for category in CATEGORIES:
        parent = CATEGORY_BY_ID[category.parent_id] if category.parent_id else None
        definition: dict[str, Any] = {
            "name": category.name,
            "slug": slugify(category.name),
            "filters": [
                {
                    "code": "facet-value-filter",
                    "args": {
                        "facetValueNames": [f"{'category' if parent else 'group'}:{category.name}"],
                        "containsAny": False,
                    },
                }
            ],
        }
        if parent is not None:
            definition["parentName"] = parent.name
        collections.append(definition)
    return {
        "defaultLanguage": "en",
        "defaultZone": "Americas",
        "taxRates": [{"name": "Standard Tax", "percentage": 0}],
        "shippingMethods": [{"name": SHIPPING_METHOD, "price": 0}],
        "paymentMethods": [
            {
                "name": "CommerceGraph test payment",
                "handler": {
                    "code": "dummy-payment-handler",
                    "arguments": [{"name": "automaticSettle", "value": "true"}],
                },
            }
        ],
        "countries": [
            {"name": "United States of America", "code": "US", "zone": "Americas"},
            {"name": "Germany", "code": "DE", "zone": "Europe"},
        ],
        "collections": collections,
    }


def _group_name(catalog_category: str) -> str:
    category = CATEGORY_BY_ID[catalog_category]
    top = CATEGORY_BY_ID[category.parent_id] if category.parent_id else category
    return top.name


def products_csv(catalog: Catalog) -> str:
    brands = {b["id"]: b["name"] for b in catalog.brands}
    prices = {info.sku: info.price for info in catalog.infos}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for product in catalog.products:
        category = CATEGORY_BY_ID[product["category_id"]]
        facets = [f"group:{_group_name(category.id)}", f"brand:{brands[product['brand_id']]}"]
        if category.parent_id:
            facets.append(f"category:{category.name}")
        writer.writerow(
            {
                "name": product["name"],
                "slug": slugify(f"{product['name']} {product['sku']}"),
                "description": "",
                "assets": "",
                "facets": "|".join(facets),
                "optionGroups": "",
                "optionValues": "",
                "sku": product["sku"],
                "price": f"{prices[product['sku']] / 100:.2f}",
                "taxCategory": "standard",
                "stockOnHand": "0",
                "trackInventory": "true",
                "variantAssets": "",
                "variantFacets": "",
            }.values()
        )
    for index, (size, sku, price) in enumerate(VENDURE_ONLY_VARIANTS):
        first = index == 0
        writer.writerow(
            (
                VENDURE_ONLY_PRODUCT if first else "",
                slugify(VENDURE_ONLY_PRODUCT) if first else "",
                "A light running tee." if first else "",
                "",
                "group:Footwear|brand:Stride|category:Running Shoes" if first else "",
                "size" if first else "",
                size,
                sku,
                f"{price / 100:.2f}",
                "standard",
                "0",
                "true",
                "",
                "",
            )
        )
    return out.getvalue()


def locations() -> list[dict[str, Any]]:
    rows = [(*loc, REGION) for loc in LOCATIONS] + list(ABROAD_LOCATIONS)
    return [
        {
            "key": key,
            "name": name,
            "kind": kind,
            "lat": lat,
            "lon": lon,
            "address": address,
            "canShip": ship,
            "canPickup": pickup,
            "region": region,
        }
        for key, name, kind, lat, lon, address, ship, pickup, region in rows
    ]


def channel_prices(catalog: Catalog, channel: str) -> dict[str, dict[str, int]]:
    """The demo's prices of ``channel`` (any customer group, one unit), per sku and currency."""
    rows, _ = price_rows(catalog.infos)
    prices: dict[str, dict[str, int]] = {}
    for row in rows:
        if row["channel"] == channel and row["customer_group"] is None and row["min_quantity"] == 1:
            prices.setdefault(row["sku"], {})[row["currency"]] = row["amount"]
    return prices


def seed_document(now: datetime | None = None) -> dict[str, Any]:
    """Everything ``server.js`` needs on first start, as one JSON-ready object."""
    catalog = build_catalog(now or datetime.now(UTC))
    eur = {info.sku: to_eur(info.price) for info in catalog.infos}
    eur.update({sku: to_eur(price) for _, sku, price in VENDURE_ONLY_VARIANTS})
    stock: dict[str, dict[str, int]] = {}
    for row in stock_rows(catalog.infos):
        stock.setdefault(row["sku"], {})[row["location_id"]] = row["on_hand"]
    keys = [loc["key"] for loc in locations()]
    for _, sku, _ in VENDURE_ONLY_VARIANTS:
        stock[sku] = dict.fromkeys(keys, VENDURE_ONLY_STOCK)
    return {
        "initialData": initial_data(),
        "productsCsv": products_csv(catalog),
        "locations": locations(),
        "eurPrices": eur,
        "stock": stock,
        "accessories": {phone: list(skus) for phone, skus in sorted(catalog.accessories.items())},
        "paymentMethodCode": PAYMENT_METHOD_CODE,
        "channel": {
            "code": APP_CHANNEL_CODE,
            "token": APP_CHANNEL_TOKEN,
            "prices": channel_prices(catalog, APP_CHANNEL),
        },
    }
