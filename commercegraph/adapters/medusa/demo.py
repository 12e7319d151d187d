"""The native demo retailer as Medusa seed data: same skus, prices, locations and stock.

Each demo product becomes a Medusa product whose default variant carries the demo sku.
Footwear comes in three sizes, as shoes do in a shop: the demo sku is the first size and the
other two get ``<sku>-<size>`` (stocked at the warehouse only), so the catalogue shows real
variants and option axes while every native sku still names the same product. Everything
else has Medusa's single default option. Prices go in Medusa's major units.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from commercegraph.adapters.medusa.catalog import ACCESSORIES
from commercegraph.demo.catalog import CATEGORY_BY_ID, build_catalog, slug
from commercegraph.demo.constants import WAREHOUSE_ID
from commercegraph.demo.inventory import (
    ABROAD_LOCATIONS,
    LOCATIONS,
    REGION,
    price_rows,
    stock_rows,
)

CURRENCIES = ("USD", "EUR")
# Medusa's own names for the option of a product that has one variant
DEFAULT_OPTION = "Default option"
DEFAULT_OPTION_VALUE = "Default option value"
SIZE_OPTION = "Size"
FOOTWEAR = "cat_footwear"
SHIPPING_MINOR = 500  # a flat delivery charge per order, in either currency
EXTRA_SIZE_STOCK_PERCENT = 50  # of the demo sku's warehouse stock, for the other two sizes
COUNTRY_BY_REGION = {REGION: "us", "Berlin, DE": "de"}


def major(minor: int) -> float:
    return float(Decimal(minor) / 100)


def _sizes(size_range: str) -> list[str]:
    smallest = int(size_range.split("-")[0])
    return [str(smallest + step) for step in (2, 3, 4)]


def _location(row: tuple[Any, ...], region: str) -> dict[str, Any]:
    lid, name, kind, lat, lon, address, ship, pickup = row[:8]
    street, *rest = [part.strip() for part in address.split(",")]
    return {
        "name": name,
        "address": {
            "address_1": street,
            "city": rest[0] if rest else "",
            "postal_code": rest[-1].split()[-1] if len(rest) > 1 else "",
            "country_code": COUNTRY_BY_REGION[region],
        },
        "metadata": {
            "commercegraph_id": lid,
            "kind": kind,
            "lat": lat,
            "lon": lon,
            "region": region,
            "address": address,
            "can_ship": ship,
        },
        # pickup is Medusa's own: a fulfillment set of type pickup at the location
        "pickup": pickup,
    }


def handle_of(product: dict[str, Any]) -> str:
    return slug(str(product["name"])).replace("_", "-") + "-" + str(product["sku"]).lower()


def _price_lists(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One Medusa price list per customer group of the demo's price rows (its own prices)."""
    by_group: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        group = row["customer_group"]
        if group is None or row["channel"] is not None or row["min_quantity"] > 1:
            continue
        by_group.setdefault(group, []).append(
            {
                "sku": row["sku"],
                "amount": major(row["amount"]),
                "currency_code": row["currency"].lower(),
            }
        )
    return [
        {"group": group, "title": f"{group.title()} prices", "prices": prices}
        for group, prices in sorted(by_group.items())
    ]


def seed_payload(now: datetime, admin_email: str, admin_password: str) -> dict[str, Any]:
    """What ``server/seed.js`` reads: the demo catalogue in Medusa's shapes."""
    catalog = build_catalog(now)
    rows, _ = price_rows(catalog.infos)
    base_prices: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["channel"] is None and row["customer_group"] is None:
            price: dict[str, Any] = {
                "amount": major(row["amount"]),
                "currency_code": row["currency"].lower(),
            }
            if row["min_quantity"] > 1:
                price["min_quantity"] = row["min_quantity"]
            base_prices.setdefault(row["sku"], []).append(price)
    brands = {b["id"]: b["name"] for b in catalog.brands}
    stock = [
        {
            "sku": r["sku"],
            "location": r["location_id"],
            "stocked_quantity": r["on_hand"],
            "safety_stock": r["safety_stock"],
        }
        for r in stock_rows(catalog.infos)
    ]
    warehouse_stock = {
        s["sku"]: s["stocked_quantity"] for s in stock if s["location"] == WAREHOUSE_ID
    }
    handles = {p["sku"]: handle_of(p) for p in catalog.products}
    products: list[dict[str, Any]] = []
    tags: set[str] = set()
    for product in catalog.products:
        sku = product["sku"]
        group = CATEGORY_BY_ID[product["category_id"]].parent_id
        prices = base_prices[sku]
        if group == FOOTWEAR:
            sizes = _sizes(product["attributes"]["size_range"])
            options = [{"title": SIZE_OPTION, "values": sizes}]
            variants = [
                {
                    "title": f"US {size}",
                    "sku": sku if n == 0 else f"{sku}-{size}",
                    "options": {SIZE_OPTION: size},
                    "variant_rank": n,
                    "prices": prices,
                }
                for n, size in enumerate(sizes)
            ]
            for size in sizes[1:]:
                stock.append(
                    {
                        "sku": f"{sku}-{size}",
                        "location": WAREHOUSE_ID,
                        "stocked_quantity": warehouse_stock[sku] * EXTRA_SIZE_STOCK_PERCENT // 100,
                        "safety_stock": 0,
                    }
                )
        else:
            options = [{"title": DEFAULT_OPTION, "values": [DEFAULT_OPTION_VALUE]}]
            variants = [
                {
                    "title": product["name"],
                    "sku": sku,
                    "options": {DEFAULT_OPTION: DEFAULT_OPTION_VALUE},
                    "variant_rank": 0,
                    "prices": prices,
                }
            ]
        tags.update(product["tags"])
        metadata: dict[str, Any] = {
            "brand": brands[product["brand_id"]],
            "rating": product["rating"],
            "tier": product["tier"],
            "floor_price": product["floor_price"],
            "low_stock_threshold": product["low_stock_threshold"],
            "released_at": product["released_at"].isoformat(),
            "attributes": product["attributes"],
        }
        if catalog.accessories.get(sku):
            metadata[ACCESSORIES] = [handles[a] for a in catalog.accessories[sku]]
        products.append(
            {
                "external_id": product["id"],
                "title": product["name"],
                "handle": handles[sku],
                "category": product["category_id"],
                "tags": product["tags"],
                "options": options,
                "variants": variants,
                "metadata": metadata,
            }
        )
    return {
        "currencies": [
            # European shops quote prices with VAT in them; Medusa reports which way it is
            {"currency_code": "usd", "is_default": True, "is_tax_inclusive": False},
            {"currency_code": "eur", "is_default": False, "is_tax_inclusive": True},
        ],
        "regions": [
            {"name": "United States", "currency_code": "usd", "countries": ["us"]},
            {"name": "Germany", "currency_code": "eur", "countries": ["de"]},
        ],
        "tax_regions": [
            {"country_code": "us", "provider_id": "tp_system"},
            {
                "country_code": "de",
                "provider_id": "tp_system",
                "default_tax_rate": {"rate": 19, "code": "DE19", "name": "Mehrwertsteuer"},
            },
        ],
        "locations": [_location(row, REGION) for row in LOCATIONS]
        + [_location(row[:8], row[8]) for row in ABROAD_LOCATIONS],
        "ships_from": WAREHOUSE_ID,
        "shipping": {
            "name": "Standard delivery",
            "prices": [
                {"currency_code": c.lower(), "amount": major(SHIPPING_MINOR)} for c in CURRENCIES
            ],
        },
        "categories": [
            {
                "id": c["id"],
                "name": c["name"],
                "parent_id": c["parent_id"],
                "handle": c["id"].removeprefix("cat_").replace("_", "-"),
            }
            for c in catalog.categories
        ],
        "tags": sorted(tags),
        "products": products,
        "stock": stock,
        "price_lists": _price_lists(rows),
        "admin": {"email": admin_email, "password": admin_password},
    }
