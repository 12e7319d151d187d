"""commercetools catalogue and search over the HTTP API.

Tested against recorded responses written from commercetools' public HTTP API reference
(Query ProductProjections, Categories, Product Projection Search with text, filters, sorting,
paging and term facets; each file in ``recorded/`` names its pages), replayed through
``httpx.MockTransport``. With ``--live`` the unmarked tests run against a real project.
"""

from __future__ import annotations

import pytest

from commercegraph.adapters.base import ProductSearch
from commercegraph.errors import BadUserInput
from tests.adapters.commercetools.conftest import Project

MISSING_ID = "9f1c2d3e-0001-4a5b-8c7d-0000000000ff"
MISSING_SKU = "SKU-NOPE-9999"
CATEGORY = "ca7e0000-0001-4a00-8000-000000000c01"


@pytest.mark.recording("catalog")
async def test_products_by_id_keep_key_order_with_none_for_missing(project: Project) -> None:
    keys = [project.known.product_id, MISSING_ID, "not-a-uuid", project.known.product_id]
    found = await project.commerce.products_by_id(keys)
    assert len(found) == 4
    assert found[0] is not None and found[0].id == project.known.product_id
    assert found[1] is None and found[2] is None and found[3] == found[0]
    assert await project.commerce.products_by_id([]) == []


@pytest.mark.recording("catalog")
async def test_products_by_sku_find_any_variant(project: Project) -> None:
    found = await project.commerce.products_by_sku([project.known.sku, MISSING_SKU])
    assert found[1] is None
    assert found[0] is not None and project.known.sku in {v.sku for v in found[0].variants}


@pytest.mark.recording("catalog")
@pytest.mark.recorded
async def test_projection_maps_variants_options_brand_and_category(project: Project) -> None:
    found = await project.commerce.products_by_sku(["SKU-RUN-0002", MISSING_SKU, "SKU-RUN-0001-43"])
    assert [p.id if p else None for p in found] == [
        "9f1c2d3e-0001-4a5b-8c7d-000000000002",
        None,
        "9f1c2d3e-0001-4a5b-8c7d-000000000001",
    ]
    trail = found[2]
    assert trail is not None
    assert trail.sku == "SKU-RUN-0001"  # the master variant's
    assert trail.handle == "trail-runner-2" and trail.brand == "Stride"
    assert trail.category == "Running Shoes" and trail.category_id == CATEGORY
    assert trail.options == (("size", ("EU 42", "EU 43")), ("colour", ("Blue",)))
    assert trail.variants[1].id == "9f1c2d3e-0001-4a5b-8c7d-000000000001:2"
    assert trail.variants[1].options == (("size", "EU 43"), ("colour", "Blue"))


@pytest.mark.recording("catalog")
@pytest.mark.recorded
async def test_categories_by_id(project: Project) -> None:
    found = await project.commerce.categories_by_id([CATEGORY, "nope"])
    assert found[0] is not None and found[0].name == "Running Shoes"
    assert found[0].parent_id == "ca7e0000-0001-4a00-8000-000000000c00"
    assert found[1] is None
    assert await project.commerce.related_products([("x", "ACCESSORY")]) == [[]]


@pytest.mark.recording("search")
async def test_search_pages_forward_with_cursors(project: Project) -> None:
    [page] = await project.commerce.search_products(
        [ProductSearch(query=project.known.search, first=2, currency="USD")]
    )
    assert 0 < len(page.items) <= 2 and len(page.cursors) == len(page.items)
    assert not page.has_previous_page
    if page.has_next_page:
        after = ProductSearch(query=project.known.search, first=2, after=page.end_cursor)
        [second] = await project.commerce.search_products([after])
        assert not {p.id for p in second.items} & {p.id for p in page.items}
        assert second.has_previous_page


@pytest.mark.recording("search")
@pytest.mark.recorded
async def test_search_sends_text_price_selection_and_sort(project: Project) -> None:
    [page] = await project.commerce.search_products(
        [ProductSearch(query="runner", first=2, currency="USD")]
    )
    assert page.total_count == 3 and page.has_next_page
    assert project.recording is not None
    sent = project.recording.requests[-1].url.params
    assert sent.get_list("sort") == ["score desc", "id asc"]
    [last] = await project.commerce.search_products(
        [ProductSearch(query="runner", first=2, after=page.end_cursor)]
    )
    assert [p.name for p in last.items] == ["Kids Runner"] and not last.has_next_page
    with pytest.raises(BadUserInput):
        await project.commerce.search_products([ProductSearch(after="bm9wZQ==")])
    with pytest.raises(BadUserInput):
        await project.commerce.search_products([ProductSearch(sort="PRICE")])


@pytest.mark.recording("search")
@pytest.mark.recorded
async def test_facets_count_products_per_brand_and_category(project: Project) -> None:
    [facets] = await project.commerce.product_facets([ProductSearch(category=CATEGORY)])
    assert [(f.value, f.count) for f in facets.brands] == [("Stride", 2), ("Northwind", 1)]
    assert [(f.value, f.count) for f in facets.categories] == [(CATEGORY, 3)]


@pytest.mark.recording("empty")
@pytest.mark.recorded
async def test_large_batches_are_split_into_bounded_predicates(project: Project) -> None:
    ids = [f"9f1c2d3e-0001-4a5b-8c7d-{n:012d}" for n in range(150)]
    assert await project.commerce.products_by_id(ids) == [None] * 150
    assert project.recording is not None
    predicates = [r.url.params["where"] for r in project.recording.requests if r.method == "GET"]
    assert [p.count('"') // 2 for p in predicates] == [100, 50]


@pytest.mark.recording("search")
@pytest.mark.recorded
async def test_search_pages_backwards_before_a_cursor(project: Project) -> None:
    [forward] = await project.commerce.search_products(
        [ProductSearch(query="runner", first=2, currency="USD")]
    )
    [tail] = await project.commerce.search_products(
        [ProductSearch(query="runner", first=2, after=forward.end_cursor)]
    )
    # the two items before the third one: the first page again, in sort order
    before_third = tail.cursors[0]
    [backward] = await project.commerce.search_products(
        [ProductSearch(query="runner", last=2, before=before_third, currency="USD")]
    )
    assert [p.id for p in backward.items] == [p.id for p in forward.items]
    assert backward.has_next_page and not backward.has_previous_page
