"""Locations, stock and prices of the demo retailer (fixed in size, independent of the seed)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime

from commercegraph.adapters.base import PriceRow
from commercegraph.demo.catalog import CATALOG_SEED, ProductInfo
from commercegraph.demo.constants import (
    BERLIN_ID,
    DEVI_COFFEE_SKU,
    DEVI_SHOES_SKU,
    DEVI_SODA_SKU,
    DOWNTOWN_ID,
    WAREHOUSE_ID,
    Row,
)
from commercegraph.services.pricing import select_base_price

REGION = "Portland, OR"
_ANY_TIME = datetime(2000, 1, 1, tzinfo=UTC)  # demo price rows have no validity window

# id, name, kind, lat, lon, address, can_ship, can_pickup
LOCATIONS: tuple[tuple[str, str, str, float, float, str, bool, bool], ...] = (
    (
        WAREHOUSE_ID,
        "Portland Distribution Center",
        "WAREHOUSE",
        45.6048,
        -122.7460,
        "11200 N Rivergate Blvd, Portland, OR 97203",
        True,
        False,
    ),
    (
        DOWNTOWN_ID,
        "Downtown",
        "STORE",
        45.5190,
        -122.6790,
        "700 SW Morrison St, Portland, OR 97205",
        True,
        True,
    ),
    (
        "loc_pearl",
        "Pearl District",
        "STORE",
        45.5285,
        -122.6826,
        "1100 NW Glisan St, Portland, OR 97209",
        False,
        True,
    ),
    (
        "loc_hawthorne",
        "Hawthorne",
        "STORE",
        45.5120,
        -122.6290,
        "3700 SE Hawthorne Blvd, Portland, OR 97214",
        False,
        True,
    ),
    (
        "loc_alberta",
        "Alberta Arts",
        "STORE",
        45.5590,
        -122.6440,
        "1800 NE Alberta St, Portland, OR 97211",
        False,
        True,
    ),
    (
        "loc_beaverton",
        "Beaverton",
        "STORE",
        45.4871,
        -122.8037,
        "12500 SW Broadway St, Beaverton, OR 97005",
        True,
        True,
    ),
    (
        "loc_lake_oswego",
        "Lake Oswego",
        "STORE",
        45.4207,
        -122.6706,
        "400 A Ave, Lake Oswego, OR 97034",
        True,
        True,
    ),
)
STORE_IDS: tuple[str, ...] = tuple(loc[0] for loc in LOCATIONS if loc[2] == "STORE")
# Stores abroad: they take their country's currency and show its language (see
# ``services.regions``); nobody's home store, so the seeded customers stay as they were.
ABROAD_LOCATIONS: tuple[tuple[str, str, str, float, float, str, bool, bool, str], ...] = (
    (
        BERLIN_ID,
        "Berlin Mitte",
        "STORE",
        52.5219,
        13.4132,
        "Alexanderplatz 9, 10178 Berlin",
        False,
        True,
        "Berlin, DE",
    ),
)
# How often each store is a customer's home store; Downtown is the flagship.
STORE_WEIGHTS: tuple[float, ...] = (0.28, 0.16, 0.16, 0.12, 0.16, 0.12)

# the story abroad: what Devi buys at home is on the shelf in Berlin too
ABROAD_STOCKED = frozenset({DEVI_COFFEE_SKU, DEVI_SODA_SKU, DEVI_SHOES_SKU})

EUR_PER_USD_PERCENT = 92
APP_DISCOUNT_PERCENT = 95
QUANTITY_TIERS = ((3, 95), (6, 90))  # min_quantity, percent of base: grocery only
WHOLESALE_PERCENT = 85


def location_rows() -> list[Row]:
    return [
        {
            "id": lid,
            "name": name,
            "kind": kind,
            "lat": lat,
            "lon": lon,
            "region": REGION,
            "address": address,
            "can_ship": ship,
            "can_pickup": pickup,
        }
        for lid, name, kind, lat, lon, address, ship, pickup in LOCATIONS
    ] + [
        {
            "id": lid,
            "name": name,
            "kind": kind,
            "lat": lat,
            "lon": lon,
            "region": region,
            "address": address,
            "can_ship": ship,
            "can_pickup": pickup,
        }
        for lid, name, kind, lat, lon, address, ship, pickup, region in ABROAD_LOCATIONS
    ]


def to_eur(usd: int) -> int:
    """≈0.92×, snapped to the nearest .49/.99 ending (both sit 50 minor units apart)."""
    raw = usd * EUR_PER_USD_PERCENT // 100
    return max(49, (raw - 49 + 25) // 50 * 50 + 49)


def cheaper(amount: int, percent: int) -> int:
    """A reduced price ending in 9, always strictly below ``amount``."""
    reduced = amount * percent // 100
    reduced = reduced - reduced % 10 + 9
    return reduced if reduced < amount else amount - 1


class PriceBook:
    """USD price rows by SKU, so order lines get the price the pricing backend would quote."""

    def __init__(self) -> None:
        self.usd: dict[str, list[PriceRow]] = {}

    def add(self, row: PriceRow) -> None:
        self.usd.setdefault(row.sku, []).append(row)

    def unit_price(self, sku: str, channel: str, group: str, quantity: int) -> int:
        row = select_base_price(
            self.usd[sku], channel=channel, customer_group=group, quantity=quantity, now=_ANY_TIME
        )
        assert row is not None, f"no USD price for {sku}"
        return row.amount


def price_rows(products: Sequence[ProductInfo]) -> tuple[list[Row], PriceBook]:
    rng = random.Random(f"{CATALOG_SEED}:prices")
    rows: list[Row] = []
    book = PriceBook()

    def emit(
        sku: str,
        usd: int,
        *,
        channel: str | None = None,
        group: str | None = None,
        min_quantity: int = 1,
    ) -> None:
        book.add(PriceRow(sku, "USD", usd, channel, group, min_quantity, None, None))
        for currency, amount in (("USD", usd), ("EUR", to_eur(usd))):
            rows.append(
                {
                    "sku": sku,
                    "currency": currency,
                    "channel": channel,
                    "customer_group": group,
                    "min_quantity": min_quantity,
                    "amount": amount,
                    "valid_from": None,
                    "valid_until": None,
                }
            )

    for info in products:
        emit(info.sku, info.price)
        if rng.random() < 0.25:
            emit(info.sku, cheaper(info.price, APP_DISCOUNT_PERCENT), channel="MOBILE_APP")
        if info.group_id == "cat_grocery":
            for min_quantity, percent in QUANTITY_TIERS:
                emit(info.sku, cheaper(info.price, percent), min_quantity=min_quantity)
            emit(info.sku, cheaper(info.price, WHOLESALE_PERCENT), group="WHOLESALE")
    return rows, book


def stock_rows(products: Sequence[ProductInfo]) -> list[Row]:
    rng = random.Random(f"{CATALOG_SEED}:stock")
    # (warehouse range, store range) of units on hand per product group
    ranges = {
        "cat_grocery": ((300, 2000), (5, 60)),
        "cat_footwear": ((40, 400), (0, 12)),
        "cat_phones": ((20, 200), (0, 8)),
        "cat_phone_accessories": ((100, 800), (2, 30)),
    }
    rows: list[Row] = []
    for info in products:
        warehouse, store = ranges[info.group_id]
        for location_id, *_ in LOCATIONS:
            if location_id == WAREHOUSE_ID:
                on_hand = rng.randint(*warehouse)
            else:
                on_hand = 0 if rng.random() < 0.12 else rng.randint(*store)
            if info.sku == DEVI_SHOES_SKU and location_id == DOWNTOWN_ID:
                on_hand = 7  # the story: the shoes Devi looked at are in stock near her
            rows.append(
                {
                    "sku": info.sku,
                    "location_id": location_id,
                    "on_hand": on_hand,
                    "reserved": 0,
                    "safety_stock": rng.randint(0, 2),
                }
            )
    abroad = random.Random(f"{CATALOG_SEED}:stock:abroad")  # leaves the rows above as they were
    for info in products:
        _, store = ranges[info.group_id]
        for location_id, *_ in ABROAD_LOCATIONS:
            on_hand = 0 if abroad.random() < 0.12 else abroad.randint(*store)
            if info.sku in ABROAD_STOCKED:
                on_hand = max(on_hand, 10)
            rows.append(
                {
                    "sku": info.sku,
                    "location_id": location_id,
                    "on_hand": on_hand,
                    "reserved": 0,
                    "safety_stock": abroad.randint(0, 2),
                }
            )
    return rows
