"""The Medusa adapter's reads against a real Medusa server seeded with the demo retailer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from commercegraph.adapters.base import ProductSearch
from commercegraph.demo.catalog import build_catalog
from commercegraph.demo.constants import DEVI_COFFEE_SKU, DEVI_SHOES_SKU, DOWNTOWN_ID, WAREHOUSE_ID
from commercegraph.demo.inventory import (
    ABROAD_LOCATIONS,
    LOCATIONS,
    price_rows,
    stock_rows,
    to_eur,
)
from commercegraph.errors import BadUserInput

pytestmark = pytest.mark.vendor

CATALOG = build_catalog(datetime(2026, 1, 1, tzinfo=UTC))


def _row(sku: str) -> dict[str, Any]:
    return next(p for p in CATALOG.products if p["sku"] == sku)


def _base_usd(sku: str) -> int:
    return CATALOG.by_sku[sku].price


async def test_products_by_sku_answer_in_key_order_with_none_for_a_missing_sku(
    commerce: Any,
) -> None:
    skus = [DEVI_SHOES_SKU + "-9", "SKU-NOPE-0001", DEVI_COFFEE_SKU, DEVI_SHOES_SKU]
    found = await commerce.products_by_sku(skus)
    assert found[1] is None
    shoes, coffee, same_shoes = found[0], found[2], found[3]
    assert shoes is not None and coffee is not None and same_shoes is not None
    assert shoes.id == same_shoes.id  # any variant's sku finds its product
    assert shoes.sku == DEVI_SHOES_SKU  # the record's sku is the default variant's
    assert coffee.sku == DEVI_COFFEE_SKU
    assert coffee.name == CATALOG.by_sku[DEVI_COFFEE_SKU].name
    assert coffee.category == "Coffee Pods"
    by_id = await commerce.products_by_id([coffee.id, "prod_missing", shoes.id])
    assert [p.sku if p else None for p in by_id] == [DEVI_COFFEE_SKU, None, DEVI_SHOES_SKU]
    assert coffee.category_id is not None
    categories = await commerce.categories_by_id(["pcat_missing", coffee.category_id])
    assert categories[0] is None
    assert categories[1] is not None and categories[1].name == "Coffee Pods"
    assert categories[1].parent_id is not None  # Grocery


async def test_variants_and_options_of_a_shoe(commerce: Any) -> None:
    [shoes] = await commerce.products_by_sku([DEVI_SHOES_SKU])
    smallest = int(_row(DEVI_SHOES_SKU)["attributes"]["size_range"].split("-")[0])
    sizes = [str(smallest + step) for step in (2, 3, 4)]
    assert shoes.options == (("Size", tuple(sizes)),)
    assert [v.sku for v in shoes.variants] == [
        DEVI_SHOES_SKU,
        f"{DEVI_SHOES_SKU}-{sizes[1]}",
        f"{DEVI_SHOES_SKU}-{sizes[2]}",
    ]
    assert [v.options for v in shoes.variants] == [(("Size", s),) for s in sizes]
    assert shoes.handle and shoes.handle.endswith(DEVI_SHOES_SKU.lower())
    brands = {b["id"]: b["name"] for b in CATALOG.brands}
    assert shoes.brand == brands[_row(DEVI_SHOES_SKU)["brand_id"]]
    assert "running" in shoes.tags


async def test_prices_in_usd_and_eur_are_the_demo_prices(pricing: Any) -> None:
    rows, _ = price_rows(CATALOG.infos)
    tiers = sorted(
        (r["min_quantity"], r["amount"])
        for r in rows
        if r["sku"] == DEVI_COFFEE_SKU
        and r["currency"] == "USD"
        and r["channel"] is None
        and r["customer_group"] is None
    )
    usd, eur, missing = await pricing.price_rows(
        [(DEVI_COFFEE_SKU, "USD"), (DEVI_COFFEE_SKU, "EUR"), ("SKU-NOPE-0001", "USD")]
    )
    assert missing == []
    assert [(r.min_quantity, r.amount) for r in usd if r.customer_group is None] == tiers
    assert usd[0].amount == _base_usd(DEVI_COFFEE_SKU)
    assert eur[0].amount == to_eur(_base_usd(DEVI_COFFEE_SKU))
    assert {r.currency for r in usd} == {"USD"} and {r.currency for r in eur} == {"EUR"}
    # the seed makes EUR prices include VAT, as European shops quote them; Medusa says so
    assert all(r.tax_included is False for r in usd)
    assert all(r.tax_included is True for r in eur)


async def test_a_customer_groups_price_list_is_a_row_of_that_group(pricing: Any) -> None:
    rows, _ = price_rows(CATALOG.infos)
    wholesale = {
        (r["sku"], r["currency"]): r["amount"]
        for r in rows
        if r["customer_group"] == "WHOLESALE" and r["channel"] is None
    }
    keys = [(DEVI_COFFEE_SKU, "USD"), (DEVI_COFFEE_SKU, "EUR"), (DEVI_SHOES_SKU, "USD")]
    coffee_usd, coffee_eur, shoes = await pricing.price_rows(keys)
    for key, found in ((keys[0], coffee_usd), (keys[1], coffee_eur)):
        grouped = [r for r in found if r.customer_group is not None]
        assert [(r.customer_group, r.min_quantity, r.amount) for r in grouped] == [
            ("WHOLESALE", 1, wholesale[key])
        ]
        assert grouped[0].channel is None and grouped[0].tax_included == found[0].tax_included
    assert all(r.customer_group is None for r in shoes)  # the list prices groceries only


async def test_stock_per_location_is_the_demo_stock(inventory: Any) -> None:
    expected = {
        (r["sku"], r["location_id"]): r
        for r in stock_rows(CATALOG.infos)
        if r["sku"] in (DEVI_SHOES_SKU, DEVI_COFFEE_SKU)
    }
    shoes, missing, coffee = await inventory.stock(
        [DEVI_SHOES_SKU, "SKU-NOPE-0001", DEVI_COFFEE_SKU]
    )
    assert missing == []
    for rows in (shoes, coffee):
        assert {r.location_id for r in rows} >= {loc[0] for loc in LOCATIONS}
        for row in rows:
            seeded = expected[(row.sku, row.location_id)]
            assert (row.on_hand, row.safety_stock) == (seeded["on_hand"], seeded["safety_stock"])
    assert next(r for r in shoes if r.location_id == DOWNTOWN_ID).on_hand == 7
    locations = await inventory.locations()
    assert {loc[0] for loc in LOCATIONS} <= {loc.id for loc in locations}
    warehouse, nowhere = await inventory.locations_by_id([WAREHOUSE_ID, "loc_nowhere"])
    assert nowhere is None
    assert warehouse is not None and warehouse.kind == "WAREHOUSE" and warehouse.can_ship
    # pickup is what Medusa says: a pickup fulfillment set at the store (not metadata)
    pickup = {loc.id: loc.can_pickup for loc in locations}
    assert pickup == {row[0]: row[7] for row in (*LOCATIONS, *ABROAD_LOCATIONS)}
    assert pickup[DOWNTOWN_ID] is True and pickup[WAREHOUSE_ID] is False


async def test_search_pages_with_cursors_through_a_category(commerce: Any) -> None:
    expected = sorted(
        (info.name.lower(), info.sku) for info in CATALOG.by_category["cat_running_shoes"]
    )
    seen: list[str] = []
    after: str | None = None
    while True:
        [page] = await commerce.search_products(
            [ProductSearch(category="running shoes", sort="NAME", first=7, after=after)]
        )
        assert page.total_count == len(expected)
        seen.extend(p.sku for p in page.items)
        if not page.has_next_page:
            break
        after = page.end_cursor
    assert seen == [sku for _, sku in expected]
    [back] = await commerce.search_products(
        [ProductSearch(category="running shoes", sort="NAME", last=3)]
    )
    assert [p.sku for p in back.items] == seen[-3:]
    [cheap] = await commerce.search_products(
        [ProductSearch(query="coffee pods", sort="PRICE", currency="EUR", first=3)]
    )
    prices = [to_eur(_base_usd(p.sku)) for p in cheap.items]
    assert prices == sorted(prices)
    assert prices[0] == min(to_eur(i.price) for i in CATALOG.by_category["cat_coffee_pods"])
    with pytest.raises(BadUserInput):
        await commerce.search_products([ProductSearch(sort="NAME", after=cheap.end_cursor)])
    with pytest.raises(BadUserInput):
        await commerce.search_products([ProductSearch(sort="POPULARITY")])
    [facets] = await commerce.product_facets([ProductSearch(category="Running Shoes")])
    assert sum(f.count for f in facets.categories) == len(expected)


async def test_a_phones_accessories_are_the_products_its_metadata_lists(commerce: Any) -> None:
    phone_sku, accessory_skus = next(iter(CATALOG.accessories.items()))
    phone, shoes, accessory = await commerce.products_by_sku(
        [phone_sku, DEVI_SHOES_SKU, accessory_skus[0]]
    )
    assert phone is not None and shoes is not None and accessory is not None
    related = await commerce.related_products(
        [
            (phone.id, "ACCESSORY"),
            ("prod_missing", "ACCESSORY"),
            (shoes.id, "ACCESSORY"),  # lists none
            (phone.id, "SUBSTITUTE"),  # a kind Medusa keeps nothing for
            (phone.id, "ACCESSORY"),
        ]
    )
    found = await commerce.products_by_id(related[0])
    # the native store's relations, in the order the product's metadata lists them
    assert [p.sku for p in found if p is not None] == accessory_skus
    assert related[1] == [] and related[2] == [] and related[3] == []
    assert related[4] == related[0] and phone.id not in related[0]
    assert accessory.id in related[0]
