"""The journey queries give the same JSON through native adapters and through rest ones."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import OperationType

from commercegraph.backends import BackendServers
from commercegraph.demo import DEVI_ID, DEVI_SHOES_SKU, DOWNTOWN_ID, SAM_ID, SAM_PHONE_SKU
from commercegraph.ids import to_global_id
from tests.conftest import GraphQLClient, SeededDatabase, settings_for
from tests.docs.examples import examples
from tests.gateway.conftest import gateway, rest_settings
from tests.integration.test_journey import DEVI_JOURNEY
from tests.inventory.test_bundles import BUNDLE_PRICE, KIT, TRIO
from tests.personalization.test_journeys import DEVI_APP_JOURNEY

NEAR = {"lat": 45.5190, "lon": -122.6790}
PRODUCTS_SORTED_WITH_FACETS = """query($q: String, $c: String, $field: ProductSortField! = PRICE,
  $dir: SortDirection, $last: Int) {
  products(query: $q, category: $c, first: 6, last: $last, sort: {field: $field, direction: $dir}) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { sku name } }
    facets { brands { value count } categories { value count } } } }"""

# (query, variables, who) — the journeys of tests/integration/test_journey.py
JOURNEYS: list[tuple[str, dict[str, Any], str | None]] = [
    (DEVI_JOURNEY, {}, DEVI_ID),
    (
        """query($after: String) { me { orders(first: 25, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }""",
        {},
        DEVI_ID,
    ),
    (
        "{ me { orders(first: 50, channel: STORE) { totalCount edges { node { channel store { name } } } } } }",
        {},
        DEVI_ID,
    ),
    (
        """query($q: String, $c: String) { products(query: $q, category: $c, first: 7) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id sku name brand category } } } }""",
        {"q": "coffee"},
        None,
    ),
    (
        """query($c: String) { products(category: $c, first: 7) { totalCount edges { node { category } } } }""",
        {"c": "Phones"},
        None,
    ),
    (
        """query($sku: String!, $near: GeoPointInput) { product(sku: $sku) {
        id sku name brand category
        price { base { amount currency formatted } final { amount } appliedRules { name } }
        eur: price(currency: "EUR") { base { amount currency } }
        availability(near: $near, radiusKm: 50) { online { availableToPromise status } pickupEligible
          stores(first: 5) { store { id name } level { availableToPromise status } distanceKm } }
        content(locale: "de-DE") { title locale images }
        en: content { locale } } }""",
        {"sku": DEVI_SHOES_SKU, "near": NEAR},
        None,
    ),
    (
        """{ storesByDistance(near: {lat: 45.5190, lon: -122.6790}) { store { id name capabilities } distanceKm }
        stores(first: 2) { name } }""",
        {},
        None,
    ),
    (
        """query($id: ID!) { node(id: $id) { __typename id ... on Store { name } } }""",
        {"id": to_global_id("Store", DOWNTOWN_ID)},
        None,
    ),
    (
        """query($id: ID!) { node(id: $id) { __typename id ... on Customer { email identities { kind value } } } }""",
        {"id": to_global_id("Customer", SAM_ID)},
        "staff",
    ),
    (
        """{ customerByIdentifier(kind: LOYALTY_CARD, value: "lc-devi-0001") { email } }""",
        {},
        "staff",
    ),
    (DEVI_APP_JOURNEY, {"near": NEAR}, DEVI_ID),  # shopping list and offers
    (
        """{ phone: product(sku: "%s") { price { final { amount } } }
        me { recommendations(kind: CROSS_SELL, first: 8) {
        product { sku category } reason score price { amount currency } anchorSku } } }"""
        % SAM_PHONE_SKU,
        {},
        SAM_ID,
    ),
    (BUNDLE_PRICE, {"id": KIT}, None),  # bundles
    (BUNDLE_PRICE, {"id": TRIO}, None),
    (
        """{ bundles(first: 5) { pageInfo { hasNextPage } edges { node { id kind
        components { quantity product { sku } } } } } }""",
        {},
        None,
    ),
    (PRODUCTS_SORTED_WITH_FACETS, {"q": "coffee", "dir": "DESC"}, None),
    (PRODUCTS_SORTED_WITH_FACETS, {"c": "Phones", "field": "NEWEST", "last": 3}, None),
    (PRODUCTS_SORTED_WITH_FACETS, {"q": "pods", "field": "NAME", "last": 4}, None),
    (
        """{ me { carts(first: 5) { totalCount pageInfo { hasNextPage hasPreviousPage }
        edges { node { id status currency lines { sku quantity } } } } } }""",
        {},
        DEVI_ID,
    ),
    ('{ product(sku: "NOPE") { id } }', {}, None),
    ("{ products(first: -1) { totalCount } }", {}, None),
    (
        '{ a: product(sku: "%s") { sku } b: product(sku: "NOPE") { sku } }' % DEVI_SHOES_SKU,
        {},
        None,
    ),
]


# Every read the README and the documentation site show, asked as Devi or staff (the backends
# table is the gateway's own figures, and examples leaving a value to the reader cannot run).
DOC_EXAMPLES = {
    e.operation: e.page
    for e in examples()
    if e.kind is OperationType.QUERY and not e.placeholder and "backends" not in e.operation
}
STAFF_ROOTS = ("campaigns",)  # the examples of staff tooling are asked with a staff token
DOC_READS: list[tuple[str, dict[str, Any], str | None]] = [
    (q, {}, "staff" if q.lstrip("{ \n").startswith(STAFF_ROOTS) else DEVI_ID) for q in DOC_EXAMPLES
]
REFUSED_ON_PURPOSE = {"docs/security.md"}  # it shows the cost limit refusing a query


async def _answers(client: GraphQLClient) -> list[dict[str, Any]]:
    answers = []
    for query, variables, who in DOC_READS + JOURNEYS:
        token = None
        if who == "staff":
            token = client.token(staff=True)
        elif who is not None:
            token = client.token(who)
        answers.append(await client.post(query, variables, token=token))
    return answers


@pytest.mark.parametrize("cache_ttl", [0.0, 60.0], ids=["uncached", "cached"])
async def test_journeys_answer_alike_native_and_rest(
    seeded_db: SeededDatabase, backends: BackendServers, cache_ttl: float
) -> None:
    async with gateway(settings_for(seeded_db.url, cache_ttl_seconds=cache_ttl)) as native:
        expected = await _answers(native)
    rest = rest_settings(seeded_db.url, backends.urls, cache_ttl_seconds=cache_ttl)
    async with gateway(rest) as client:
        got = await _answers(client)
        again = await _answers(client)  # served partly from the cache when cached
    docs, expected_journeys = expected[: len(DOC_READS)], expected[len(DOC_READS) :]
    assert len(docs) >= 5
    for (query, _, _), body in zip(DOC_READS, docs, strict=True):
        assert ("errors" in body) == (DOC_EXAMPLES[query] in REFUSED_ON_PURPOSE), (query, body)
    assert expected_journeys[0]["data"]["me"]["email"] == "devi@example.com"
    failing = 3  # the last journeys ask for what does not exist or is malformed
    assert all("errors" not in body for body in expected_journeys[:-failing]), expected
    assert all("errors" in body for body in expected_journeys[-failing:])
    asked = DOC_READS + JOURNEYS
    for (query, _, _), want, have, second in zip(asked, expected, got, again, strict=True):
        assert have == want, query
        assert second == want, query
