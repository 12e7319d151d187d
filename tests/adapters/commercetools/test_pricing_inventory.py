"""commercetools price selection and inventory entries per supply channel.

Tested against recorded responses written from commercetools' public HTTP API reference
(price selection with ``priceCurrency``/``priceCountry``/``priceCustomerGroup`` giving
``scopedPrice``; Money in cent and high precision; Inventory and Channels; each file in
``recorded/`` names its pages), replayed through ``httpx.MockTransport``. With ``--live`` the
unmarked tests read a real project.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.adapters.commercetools.conftest import Project

GROUP = "c0570000-0001-4a00-8000-0000000000b2"
WAREHOUSE = "5e1f0000-0001-4a00-8000-0000000000a1"
STORE = "5e1f0000-0001-4a00-8000-0000000000a2"


@pytest.mark.recording("prices", settings={"price_customer_group": GROUP})
@pytest.mark.recorded
async def test_scoped_prices_become_integer_rows_with_tiers(project: Project) -> None:
    rows = await project.pricing.price_rows(
        [("SKU-RUN-0001", "USD"), ("SKU-NOPE-9999", "USD"), ("SKU-RUN-0002", "USD")]
    )
    trail, missing, road = rows
    assert [(r.amount, r.min_quantity) for r in trail] == [(12999, 1), (11999, 3)]
    assert trail[0].customer_group == GROUP and trail[0].currency == "USD"
    assert trail[0].valid_from == datetime(2025, 1, 1, tzinfo=UTC)
    assert missing == []
    assert [r.amount for r in road] == [8950]  # high precision: the platform's rounded cents
    assert project.recording is not None
    sent = project.recording.requests[-1].url.params
    assert (sent["priceCurrency"], sent["priceCountry"], sent["priceCustomerGroup"]) == (
        "USD",
        "US",
        GROUP,
    )


@pytest.mark.recording("prices")
@pytest.mark.recorded
async def test_fraction_digits_are_respected_and_unpriced_currencies_give_none(
    project: Project,
) -> None:
    rows = await project.pricing.price_rows([("SKU-RUN-0001", "JPY"), ("SKU-RUN-0001", "EUR")])
    assert [(r.amount, r.currency) for r in rows[0]] == [(19800, "JPY")]  # 0 digits: yen
    assert rows[1] == []


@pytest.mark.recording("inventory")
async def test_stock_per_supply_channel(project: Project) -> None:
    stock = await project.inventory.stock(["SKU-NOPE-9999", project.known.sku])
    assert stock[0] == []
    assert stock[1] and all(r.sku == project.known.sku for r in stock[1])
    assert all(r.on_hand >= r.reserved >= 0 for r in stock[1])


@pytest.mark.recording("inventory")
@pytest.mark.recorded
async def test_stock_and_locations_map_channels(project: Project) -> None:
    rows, none = await project.inventory.stock(["SKU-RUN-0001", "SKU-NOPE-9999"])
    assert none == []
    by_location = {r.location_id: (r.on_hand, r.reserved) for r in rows}
    assert by_location == {WAREHOUSE: (40, 4), STORE: (5, 0), "default": (2, 0)}
    locations = await project.inventory.locations()
    assert [(loc.name, loc.kind, loc.can_ship, loc.can_pickup) for loc in locations] == [
        ("Central Warehouse", "WAREHOUSE", True, False),
        ("Portland Downtown", "STORE", False, True),
    ]
    assert (locations[1].lat, locations[1].lon) == (45.5191, -122.6796)  # GeoJSON is lon, lat
    assert locations[1].region == "OR"
    found = await project.inventory.locations_by_id([STORE, WAREHOUSE])
    assert found[0] is not None and found[0].id == STORE and found[1] is None
