"""products: sort orders, facets and paging both ways, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from commercegraph.store import models as m
from tests.conftest import GraphQLClient, SeededDatabase
from tests.factories import store_for

SEARCH = """query($q: String, $c: String, $first: Int! = 20, $after: String, $last: Int,
  $before: String, $sort: ProductSortInput) {
  products(query: $q, category: $c, first: $first, after: $after, last: $last,
    before: $before, sort: $sort) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { sku name brand category price { base { amount } } } } } }"""
FACETS = """query($q: String, $c: String) { products(query: $q, category: $c, first: 1) {
  totalCount facets { brands { value count } categories { value count } } } }"""


async def search(gql: GraphQLClient, **variables: Any) -> dict[str, Any]:
    body = await gql.post(SEARCH, variables)
    assert "errors" not in body, body["errors"]
    found: dict[str, Any] = body["data"]["products"]
    return found


async def walk_forward(gql: GraphQLClient, size: int, **variables: Any) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = await search(gql, first=size, after=after, **variables)
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def walk_backward(gql: GraphQLClient, size: int, **variables: Any) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    before = None
    while True:
        page = await search(gql, last=size, before=before, **variables)
        nodes = [e["node"] for e in page["edges"]] + nodes
        if not page["pageInfo"]["hasPreviousPage"]:
            return nodes
        before = page["pageInfo"]["startCursor"]


async def test_name_sorts_both_ways(gql: GraphQLClient) -> None:
    up = await walk_forward(gql, 25, c="Coffee Pods", sort={"field": "NAME"})
    names = [n["name"].lower() for n in up]
    assert len(names) > 5 and names == sorted(names)
    down = await search(
        gql, c="Coffee Pods", first=100, sort={"field": "NAME", "direction": "DESC"}
    )
    assert [e["node"]["name"].lower() for e in down["edges"]] == sorted(names, reverse=True)


async def test_price_sorts_by_list_price_cheapest_first(gql: GraphQLClient) -> None:
    page = await search(gql, q="coffee", first=100, sort={"field": "PRICE"})
    amounts = [e["node"]["price"]["base"]["amount"] for e in page["edges"]]
    assert len(amounts) > 5 and amounts == sorted(amounts)
    dear = await search(gql, q="coffee", first=3, sort={"field": "PRICE", "direction": "DESC"})
    assert dear["edges"][0]["node"]["price"]["base"]["amount"] == max(amounts)


async def test_newest_sorts_by_release_date(gql: GraphQLClient, seeded_db: SeededDatabase) -> None:
    nodes = await walk_forward(gql, 30, c="Coffee Pods", sort={"field": "NEWEST"})
    store = store_for(seeded_db.url)
    try:
        async with store.read() as session:
            released = dict(
                (await session.execute(select(m.Product.sku, m.Product.released_at))).all()
            )
    finally:
        await store.dispose()
    dates = [released[n["sku"]] for n in nodes]
    assert dates == sorted(dates, reverse=True), "newest first by default"


async def test_relevance_puts_name_matches_first(gql: GraphQLClient) -> None:
    page = await search(gql, q="coffee", first=100)
    in_name = ["coffee" in e["node"]["name"].lower() for e in page["edges"]]
    assert any(in_name) and in_name == sorted(in_name, reverse=True)


async def test_backward_paging_walks_the_same_list(gql: GraphQLClient) -> None:
    for variables in ({"q": "coffee"}, {"c": "Coffee Pods", "sort": {"field": "PRICE"}}):
        forward = await walk_forward(gql, 7, **variables)
        backward = await walk_backward(gql, 7, **variables)
        assert [n["sku"] for n in backward] == [n["sku"] for n in forward], variables
    last = await search(gql, q="coffee", last=3)
    assert last["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": last["edges"][0]["cursor"],
        "endCursor": last["edges"][-1]["cursor"],
    }


async def test_facets_count_the_whole_search(gql: GraphQLClient) -> None:
    everything = await walk_forward(gql, 100, q="coffee")
    body = await gql.post(FACETS, {"q": "coffee"})
    products = body["data"]["products"]
    assert products["totalCount"] == len(everything)
    brands = {f["value"]: f["count"] for f in products["facets"]["brands"]}
    assert brands == dict(Counter(n["brand"] for n in everything if n["brand"]))
    categories = {f["value"]: f["count"] for f in products["facets"]["categories"]}
    assert categories == dict(Counter(n["category"] for n in everything if n["category"]))
    counts = [f["count"] for f in products["facets"]["brands"]]
    assert counts == sorted(counts, reverse=True)


async def test_bad_paging_is_refused_with_a_code(gql: GraphQLClient) -> None:
    by_name = await search(gql, first=2, sort={"field": "NAME"})
    cursor = by_name["pageInfo"]["endCursor"]
    for variables, argument in (
        ({"before": cursor}, "before"),
        ({"last": 2, "after": cursor}, "after"),
        ({"last": 101}, "last"),
        ({"after": cursor, "sort": {"field": "PRICE"}}, "after"),
        ({"sort": {"field": "PRICE", "currency": "XX"}}, "currency"),
    ):
        body = await gql.post(SEARCH, variables)
        assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
