"""Shopify catalogue and search through the Storefront API.

Tested against recorded responses written from Shopify's public API reference (each file in
``recorded/`` names the pages it mirrors: Storefront ``nodes``, ``products`` with cursor
pagination, ``productTypes``, ``productRecommendations``; Admin ``productVariants``), replayed
through ``httpx.MockTransport``. With ``--live`` the unmarked tests run against a real shop.
"""

from __future__ import annotations

import json

import pytest

from commercegraph.adapters.base import ProductSearch
from tests.adapters.shopify.conftest import Shop

MISSING_ID = "gid://shopify/Product/1"
MISSING_SKU = "SKU-NOPE-9999"


@pytest.mark.recording("products")
async def test_products_by_id_answer_in_key_order_with_none_for_missing(shop: Shop) -> None:
    keys = [shop.known.product_id, MISSING_ID, "not-a-shopify-id", shop.known.product_id]
    found = await shop.commerce.products_by_id(keys)
    assert len(found) == 4
    assert found[0] is not None and found[0].id == shop.known.product_id
    assert found[1] is None and found[2] is None
    assert found[3] == found[0]
    assert await shop.commerce.products_by_id([]) == []


@pytest.mark.recording("products")
@pytest.mark.recorded
async def test_product_maps_variants_options_handle_and_default_sku(shop: Shop) -> None:
    _, product = await shop.commerce.products_by_id([MISSING_ID, shop.known.product_id])
    assert product is not None
    assert product.sku == "SKU-RUN-0001"  # the default (first) variant's
    assert product.handle == "trail-runner-2"
    assert product.brand == "Stride" and product.category == "Running Shoes"
    assert product.options == (("Size", ("42", "43")), ("Colour", ("Blue",)))
    assert [v.sku for v in product.variants] == ["SKU-RUN-0001", "SKU-RUN-0001-43"]
    assert product.variants[1].options == (("Size", "43"), ("Colour", "Blue"))
    assert product.released_at is not None and product.released_at.tzinfo is not None
    assert product.tags == ("running", "trail")


@pytest.mark.recording("products")
async def test_products_by_sku_match_skus_exactly(shop: Shop) -> None:
    found = await shop.commerce.products_by_sku([shop.known.sku, MISSING_SKU])
    assert found[1] is None
    assert found[0] is not None
    assert shop.known.sku in {v.sku for v in found[0].variants}


@pytest.mark.recording("products")
@pytest.mark.recorded
async def test_products_by_sku_resolve_through_admin_then_read_storefront(shop: Shop) -> None:
    found = await shop.commerce.products_by_sku(["SKU-RUN-0002", MISSING_SKU, "SKU-RUN-0001"])
    assert [p.id if p else None for p in found] == [
        "gid://shopify/Product/8002",
        None,
        "gid://shopify/Product/8001",
    ]
    assert shop.recording is not None
    paths = [r.url.path for r in shop.recording.requests]
    assert paths == ["/admin/api/2025-01/graphql.json", "/api/2025-01/graphql.json"]
    admin, storefront = shop.recording.requests
    assert admin.headers["X-Shopify-Access-Token"] == "admin-token"
    assert storefront.headers["X-Shopify-Storefront-Access-Token"] == "storefront-token"


@pytest.mark.recording("products")
@pytest.mark.recorded
async def test_categories_are_product_types_and_recommendations_use_intents(shop: Shop) -> None:
    categories = await shop.commerce.categories_by_id(["Jackets", "Hats"])
    assert categories[0] is not None and categories[0].name == "Jackets"
    assert categories[1] is None
    related = await shop.commerce.related_products(
        [(shop.known.product_id, "ACCESSORY"), ("elsewhere", "ACCESSORY")]
    )
    assert related == [["gid://shopify/Product/8003"], []]


@pytest.mark.recording("search")
async def test_search_pages_forward_with_cursors(shop: Shop) -> None:
    first = ProductSearch(query=shop.known.search, first=2, currency="USD")
    [page] = await shop.commerce.search_products([first])
    assert 0 < len(page.items) <= 2
    assert len(page.cursors) == len(page.items)
    if page.has_next_page:
        after = ProductSearch(query=shop.known.search, first=2, after=page.end_cursor)
        [second] = await shop.commerce.search_products([after])
        assert not {p.id for p in second.items} & {p.id for p in page.items}
        assert second.has_previous_page


@pytest.mark.recording("search")
@pytest.mark.recorded
async def test_search_maps_category_sort_and_direction(shop: Shop) -> None:
    search = ProductSearch(category="Running Shoes", sort="NEWEST")
    [page] = await shop.commerce.search_products([search])
    assert [p.id for p in page.items] == [
        "gid://shopify/Product/8002",
        "gid://shopify/Product/8001",
    ]
    assert shop.recording is not None
    variables = json.loads(shop.recording.requests[-1].content)["variables"]
    assert variables["sortKey"] == "CREATED_AT" and variables["reverse"] is True


@pytest.mark.recording("search")
@pytest.mark.recorded
async def test_facets_count_every_page_of_the_result(shop: Shop) -> None:
    [facets] = await shop.commerce.product_facets([ProductSearch()])
    assert [(f.value, f.count) for f in facets.brands] == [("Stride", 2), ("Northwind", 1)]
    assert [(f.value, f.count) for f in facets.categories] == [
        ("Running Shoes", 2),
        ("Jackets", 1),
    ]
