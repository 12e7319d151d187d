"""A list of products answers each product's price, availability and content as the product
alone would, whether the list got them in one batch or each product asked for its own."""

from __future__ import annotations

from typing import Any

from commercegraph.demo import DEVI_ID
from commercegraph.store.models.catalog import Price
from tests.conftest import SeededDatabase
from tests.factories import open_gateway, seeded_database, store_for

gbp_db = seeded_database("gbp_db", kinds=("sqlite",), customers=5)

FIELDS = """sku
  price { base { amount currency } final { amount currency } appliedRules { name } }
  app: price(channel: MOBILE_APP, quantity: 3) { final { amount currency } appliedRules { name } }
  eur: price(currency: $currency) { base { amount currency } final { amount currency } }
  availability { online { availableToPromise status } pickupEligible }
  near: availability(near: {lat: 45.519, lon: -122.679}, radiusKm: 50) {
    pickupEligible stores(first: 2) { store { name } distanceKm } }
  content { title locale }
  de: content(locale: "de-DE") { title locale }"""
PAGE = (
    """query($first: Int!, $currency: String = "EUR") {
  products(first: $first) { edges { node { %s } } } }"""
    % FIELDS
)
ONE = """query($sku: String!, $currency: String = "EUR") { product(sku: $sku) { %s } }""" % FIELDS


async def test_each_alias_of_a_page_answers_with_its_own_arguments_as_one_product_would(
    sqlite_db: SeededDatabase,
) -> None:
    async with open_gateway(sqlite_db, cache_ttl_seconds=0) as gql:
        token = gql.token(DEVI_ID)  # signed in: her group's prices and rules
        page = await gql.post(PAGE, {"first": 6}, token=token)
        assert "errors" not in page, page["errors"]
        nodes = [edge["node"] for edge in page["data"]["products"]["edges"]]
        assert len(nodes) == 6
        for node in nodes:
            alone = await gql.post(ONE, {"sku": node["sku"]}, token=token)
            assert alone["data"]["product"] == node
    assert {n["price"]["final"]["currency"] for n in nodes} == {"USD"}
    assert {n["eur"]["final"]["currency"] for n in nodes} == {"EUR"}
    assert {n["de"]["locale"] for n in nodes} == {"de-DE"}
    assert any(n["app"]["final"] != n["price"]["final"] for n in nodes)


async def test_fragments_answer_as_the_fields_they_spread(sqlite_db: SeededDatabase) -> None:
    spread = """query($first: Int!, $currency: String = "EUR") { products(first: $first) {
      ...Page } }
    fragment Page on ProductConnection { edges { node { sku ...Prices ... on Product {
      availability { online { availableToPromise status } pickupEligible }
      near: availability(near: {lat: 45.519, lon: -122.679}, radiusKm: 50) {
        pickupEligible stores(first: 2) { store { name } distanceKm } } }
      ... { content { title locale } de: content(locale: "de-DE") { title locale } } } } }
    fragment Prices on Product {
      price { base { amount currency } final { amount currency } appliedRules { name } }
      app: price(channel: MOBILE_APP, quantity: 3) { final { amount currency } appliedRules { name } }
      eur: price(currency: $currency) { base { amount currency } final { amount currency } } }"""
    async with open_gateway(sqlite_db, cache_ttl_seconds=0) as gql:
        plain = await gql.post(PAGE, {"first": 5})
        spread_out = await gql.post(spread, {"first": 5})
    assert "errors" not in plain, plain["errors"]
    assert spread_out == plain


async def test_a_directive_leaves_each_product_to_its_fields_and_answers_alike(
    sqlite_db: SeededDatabase,
) -> None:
    directed = """query($first: Int!, $yes: Boolean!) { products(first: $first) { edges { node {
      sku price @include(if: $yes) { final { amount } } content @skip(if: $yes) { title }
      availability { online { status } } } } } }"""
    plain = """query($first: Int!) { products(first: $first) { edges { node {
      sku price { final { amount } } availability { online { status } } } } } }"""
    without_price = """query($first: Int!) { products(first: $first) { edges { node {
      sku content { title } availability { online { status } } } } } }"""
    async with open_gateway(sqlite_db, cache_ttl_seconds=0) as gql:
        included = await gql.post(directed, {"first": 4, "yes": True})
        skipped = await gql.post(directed, {"first": 4, "yes": False})
        assert included == await gql.post(plain, {"first": 4})
        assert skipped == await gql.post(without_price, {"first": 4})
    assert "errors" not in included and "errors" not in skipped


async def test_an_empty_list_asks_nothing(sqlite_db: SeededDatabase) -> None:
    query = """{ products(query: "no product is called this", first: 5) { totalCount
      edges { node { sku price { final { amount } } availability { pickupEligible }
      content { title } } } } }"""
    async with open_gateway(sqlite_db, cache_ttl_seconds=0) as gql:
        body = await gql.post(query)
    assert body == {"data": {"products": {"totalCount": 0, "edges": []}}}


async def test_with_content_down_each_product_loses_its_content_alone(
    sqlite_db: SeededDatabase,
) -> None:
    query = """{ products(first: 3) { edges { node { sku price { final { amount } }
      content { title } de: content(locale: "de-DE") { title } } } } }"""
    async with open_gateway(sqlite_db, cache_ttl_seconds=0, faults="content:error_rate=1") as gql:
        body = await gql.post(query)
    nodes = [edge["node"] for edge in body["data"]["products"]["edges"]]
    assert all(n["price"]["final"]["amount"] > 0 for n in nodes)
    assert all(n["content"] is None and n["de"] is None for n in nodes)
    paths = [error["path"] for error in body["errors"]]
    assert paths == [
        ["products", "edges", i, "node", key] for i in range(3) for key in ("content", "de")
    ]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BACKEND_UNAVAILABLE"}
    assert {e["extensions"]["backend"] for e in body["errors"]} == {"content"}


def _gbp_page(directive: str = "") -> str:
    return (
        """{ products(first: 4) { edges { node { sku
      price { final { amount } } gbp: price(currency: "GBP") %s { final { amount currency } }
      content { title } } } } }"""
        % directive
    )


async def test_a_price_failing_for_one_product_is_that_products_and_that_alias(
    gbp_db: SeededDatabase,
) -> None:
    async with open_gateway(gbp_db, cache_ttl_seconds=0) as gql:
        first = await gql.post("{ products(first: 4) { edges { node { sku } } } }")
        skus = [edge["node"]["sku"] for edge in first["data"]["products"]["edges"]]
    store = store_for(gbp_db)
    try:
        async with store.write() as session:  # a GBP price for every product but the third
            session.add_all(Price(sku=s, currency="GBP", amount=1000) for s in skus if s != skus[2])
    finally:
        await store.dispose()
    async with open_gateway(gbp_db, cache_ttl_seconds=0) as gql:
        batched = await gql.post(_gbp_page())
        one_by_one = await gql.post(_gbp_page("@include(if: true)"))
        priced = await gql.post(
            '{ product(sku: "%s") { gbp: price(currency: "GBP") { final { amount } } } }' % skus[1]
        )
    assert priced == {"data": {"product": {"gbp": {"final": {"amount": 1000}}}}}
    # Product.price is non-null: the failure nulls the page, and names its product and alias
    assert batched["data"] is None
    (error,) = batched["errors"]
    assert error["path"] == ["products", "edges", 2, "node", "gbp"]
    assert error["extensions"]["code"] == "NOT_FOUND" and skus[2] in error["message"]
    assert one_by_one == batched


async def test_recently_viewed_answers_as_each_product_alone(sqlite_db: SeededDatabase) -> None:
    viewed = """query($currency: String = "EUR") { me { recentlyViewed(first: 5) { %s } } }"""
    async with open_gateway(sqlite_db, cache_ttl_seconds=0) as gql:
        token = gql.token(DEVI_ID)
        body = await gql.post(viewed % FIELDS, token=token)
        assert "errors" not in body, body["errors"]
        products: list[dict[str, Any]] = body["data"]["me"]["recentlyViewed"]
        assert products
        for product in products:
            alone = await gql.post(ONE, {"sku": product["sku"]}, token=token)
            assert alone["data"]["product"] == product


HELD_PAGE = """query($first: Int!) { products(first: $first) { edges { node { sku
  price { final { amount } } app: price(channel: MOBILE_APP, quantity: 3) { final { amount } }
  availability { online { availableToPromise } } content { title }
  de: content(locale: "de-DE") { title } } } } }"""


async def test_answers_held_for_a_page_are_read_without_a_resolve_info_per_product(
    sqlite_db: SeededDatabase, monkeypatch: Any
) -> None:
    async with open_gateway(sqlite_db, cache_ttl_seconds=0) as gql:
        executor: Any = gql.app.state.schema.execution_context_class
        built: list[str] = []
        build = executor.build_resolve_info

        def counted(self: Any, field_def: Any, *rest: Any) -> Any:
            built.append(rest[1].name)  # the parent type
            return build(self, field_def, *rest)

        monkeypatch.setattr(executor, "build_resolve_info", counted)
        infos, answers = [], []
        for first in (2, 8):
            built.clear()
            page = await gql.post(HELD_PAGE, {"first": first})
            assert "errors" not in page, page["errors"]
            infos.append(list(built))
            answers.append(page["data"]["products"]["edges"])
    assert infos[0] == infos[1]  # the products' fields build none
    assert "Product" not in infos[1] and "ProductEdge" not in infos[1]
    assert answers[1][:2] == answers[0]
