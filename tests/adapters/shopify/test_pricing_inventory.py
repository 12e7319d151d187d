"""Shopify market prices (Storefront ``@inContext``) and inventory levels (Admin API).

Tested against recorded responses written from Shopify's public API reference (the
international-pricing guide, ``MoneyV2``, Admin ``locations`` and the inventory quantities
guide, named in ``recorded/prices.json`` and ``recorded/inventory.json``), replayed through
``httpx.MockTransport``. With ``--live`` the unmarked tests read a real shop.
"""

from __future__ import annotations

import json

import pytest

from tests.adapters.shopify.conftest import Shop


@pytest.mark.recording("prices")
async def test_prices_come_in_the_markets_currency_as_integers(shop: Shop) -> None:
    keys = [(shop.known.sku, "USD"), ("SKU-NOPE-9999", "USD"), (shop.known.sku, "JPY")]
    rows = await shop.pricing.price_rows(keys)
    assert len(rows) == 3
    assert len(rows[0]) == 1
    assert rows[0][0].currency == "USD" and isinstance(rows[0][0].amount, int)
    assert rows[1] == [] and rows[2] == []


@pytest.mark.recording("prices")
@pytest.mark.recorded
async def test_prices_ask_each_market_in_its_country(shop: Shop) -> None:
    keys = [
        ("SKU-RUN-0001", "USD"),
        ("SKU-RUN-0001", "EUR"),
        ("SKU-RUN-0002", "EUR"),
        ("SKU-RUN-0002", "USD"),
        ("SKU-NOPE-9999", "EUR"),
    ]
    rows = await shop.pricing.price_rows(keys)
    assert [[(r.amount, r.currency) for r in row] for row in rows] == [
        [(12999, "USD")],
        [(11995, "EUR")],
        [],  # the German market sells this one in USD: no EUR row, never a converted guess
        [(8900, "USD")],
        [],
    ]
    assert shop.recording is not None
    countries = [json.loads(r.content)["variables"].get("country") for r in shop.recording.requests]
    assert countries == [None, "DE", "US"]  # the Admin sku look-up, then one query per market
    assert "@inContext(country: $country" in json.loads(shop.recording.requests[1].content)["query"]


@pytest.mark.recording("inventory")
async def test_locations_and_stock(shop: Shop) -> None:
    locations = await shop.inventory.locations()
    assert locations and all(loc.id.startswith("gid://shopify/Location/") for loc in locations)
    by_id = await shop.inventory.locations_by_id(
        [shop.known.location_id, "gid://shopify/Location/999"]
    )
    assert by_id[0] is not None and by_id[0].id == shop.known.location_id
    assert by_id[1] is None
    stock = await shop.inventory.stock(["SKU-NOPE-9999", shop.known.sku])
    assert stock[0] == []
    assert stock[1] and all(row.sku == shop.known.sku for row in stock[1])


@pytest.mark.recording("inventory")
@pytest.mark.recorded
async def test_locations_page_and_map_pickup_and_shipping(shop: Shop) -> None:
    locations = await shop.inventory.locations()
    assert [(loc.name, loc.kind, loc.can_ship, loc.can_pickup) for loc in locations] == [
        ("Central Warehouse", "WAREHOUSE", True, False),
        ("Portland Downtown", "STORE", False, True),
    ]  # the inactive outlet is left out
    assert locations[1].region == "OR" and locations[1].lat == pytest.approx(45.5191)


@pytest.mark.recording("inventory")
@pytest.mark.recorded
async def test_stock_counts_committed_and_reserved_units_as_held(shop: Shop) -> None:
    stock = await shop.inventory.stock(["SKU-RUN-0001", "SKU-NOPE-9999"])
    assert stock[1] == []
    rows = {r.location_id: r for r in stock[0]}
    warehouse = rows["gid://shopify/Location/101"]
    assert (warehouse.on_hand, warehouse.reserved, warehouse.safety_stock) == (40, 4, 2)
    assert rows["gid://shopify/Location/102"].on_hand == 5
