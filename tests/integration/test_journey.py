"""The reference journeys, run as GraphQL against the demo retailer on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from commercegraph.demo import DEVI_ID, DEVI_SHOES_SKU, DOWNTOWN_ID, SAM_ID
from commercegraph.ids import to_global_id
from tests.conftest import GraphQLClient

DEVI_JOURNEY = """
query DeviJourney {
  me {
    id displayName email
    identities { kind value source }
    consent { marketingEmail personalization }
    wallet {
      balance { amount currency formatted }
      paymentMethods { id kind label isDefault }
      transactions(first: 5) { edges { node { kind amount { amount currency } } } pageInfo { hasNextPage } }
    }
    loyalty { points tier pointsToNextTier pendingPoints }
    orders(first: 5) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id channel placedAt total { amount currency } fulfillment
                            lines { quantity unitPrice { amount } product { sku name } } } }
    }
    recentlyViewed(first: 3) { sku name }
  }
}
"""


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body.get("errors")
    result: dict[str, Any] = body["data"]
    return result


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def test_devi_journey_returns_wallet_points_orders_identities(gql: GraphQLClient) -> None:
    body = await gql.post(DEVI_JOURNEY, token=gql.token(DEVI_ID))
    me = data(body)["me"]
    assert me["email"] == "devi@example.com"
    assert me["id"] == to_global_id("Customer", DEVI_ID)
    kinds = {i["kind"] for i in me["identities"]}
    assert kinds == {"EMAIL", "PHONE", "LOYALTY_CARD", "DEVICE", "POS_CUSTOMER"}
    wallet = me["wallet"]
    assert wallet["balance"]["currency"] == "USD" and wallet["balance"]["amount"] > 0
    assert isinstance(wallet["balance"]["amount"], int)
    assert any(p["kind"] == "PAYPAL" or "PayPal" in p["label"] for p in wallet["paymentMethods"])
    assert all("····" in p["label"] for p in wallet["paymentMethods"])
    assert wallet["transactions"]["edges"], "Devi's wallet has history"
    assert me["loyalty"]["points"] > 0
    assert me["loyalty"]["pointsToNextTier"] is not None
    orders = me["orders"]
    assert orders["totalCount"] > 30 and len(orders["edges"]) == 5
    placed = [e["node"]["placedAt"] for e in orders["edges"]]
    assert placed == sorted(placed, reverse=True)
    assert {e["node"]["channel"] for e in orders["edges"]} <= {"WEB", "MOBILE_APP", "STORE"}
    for edge in orders["edges"]:
        node = edge["node"]
        assert node["lines"] and all(line["product"]["sku"] for line in node["lines"])
    assert DEVI_SHOES_SKU in [p["sku"] for p in me["recentlyViewed"]]


async def test_order_pagination_walks_every_order_once(gql: GraphQLClient) -> None:
    token = gql.token(DEVI_ID)
    query = """query($after: String) { me { orders(first: 25, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }"""
    seen: list[str] = []
    after = None
    total = None
    for _ in range(50):
        orders = data(await gql.post(query, {"after": after}, token=token))["me"]["orders"]
        total = orders["totalCount"]
        seen.extend(e["node"]["id"] for e in orders["edges"])
        if not orders["pageInfo"]["hasNextPage"]:
            break
        after = orders["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == total


async def test_orders_after_the_last_one_are_empty_and_still_counted(gql: GraphQLClient) -> None:
    token = gql.token(DEVI_ID)
    query = """query($after: String) { me { orders(first: 25, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }"""
    after = None
    for _ in range(50):
        orders = data(await gql.post(query, {"after": after}, token=token))["me"]["orders"]
        after = orders["pageInfo"]["endCursor"]
        if not orders["pageInfo"]["hasNextPage"]:
            break
    past = data(await gql.post(query, {"after": after}, token=token))["me"]["orders"]
    assert past["edges"] == [] and not past["pageInfo"]["hasNextPage"]
    assert past["totalCount"] == orders["totalCount"] > 0


async def test_orders_filter_by_channel(gql: GraphQLClient) -> None:
    query = """{ me { orders(first: 50, channel: STORE) { totalCount edges { node { channel store { name } } } } } }"""
    orders = data(await gql.post(query, token=gql.token(DEVI_ID)))["me"]["orders"]
    assert orders["totalCount"] > 0
    assert {e["node"]["channel"] for e in orders["edges"]} == {"STORE"}
    assert all(e["node"]["store"]["name"] for e in orders["edges"])


async def test_product_search_pagination_and_category_filter(gql: GraphQLClient) -> None:
    query = """query($q: String, $c: String, $after: String) {
      products(query: $q, category: $c, first: 7, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id sku name brand category } } } }"""
    first = data(await gql.post(query, {"q": "coffee"}))["products"]
    assert first["totalCount"] >= 7
    for edge in first["edges"]:
        node = edge["node"]
        assert (
            "coffee"
            in " ".join(filter(None, [node["name"], node["brand"], node["category"]])).lower()
        )
    second = data(await gql.post(query, {"q": "coffee", "after": first["pageInfo"]["endCursor"]}))[
        "products"
    ]
    ids_first = {e["node"]["id"] for e in first["edges"]}
    assert not ids_first & {e["node"]["id"] for e in second["edges"]}
    phones = data(await gql.post(query, {"c": "Phones"}))["products"]
    assert phones["totalCount"] > 0
    assert {e["node"]["category"] for e in phones["edges"]} == {"Phones"}


async def test_product_price_availability_content(gql: GraphQLClient) -> None:
    query = """query($sku: String!, $near: GeoPointInput) { product(sku: $sku) {
        id sku name brand category
        price { base { amount currency formatted } final { amount } appliedRules { name amount { amount } } }
        eur: price(currency: "EUR") { base { amount currency } }
        availability(near: $near, radiusKm: 50) { online { availableToPromise status } pickupEligible
          stores(first: 5) { store { id name } level { availableToPromise status } distanceKm } }
        content(locale: "de-DE") { title locale images }
        en: content { locale }
    } }"""
    near = {"lat": 45.5190, "lon": -122.6790}
    product = data(await gql.post(query, {"sku": DEVI_SHOES_SKU, "near": near}))["product"]
    assert product["sku"] == DEVI_SHOES_SKU
    assert product["price"]["base"]["amount"] > 0
    off = sum(r["amount"]["amount"] for r in product["price"]["appliedRules"])
    assert product["price"]["final"]["amount"] == product["price"]["base"]["amount"] - off
    assert product["eur"]["base"]["currency"] == "EUR"
    stores = product["availability"]["stores"]
    assert stores[0]["store"]["id"] == to_global_id("Store", DOWNTOWN_ID)
    assert stores[0]["level"]["availableToPromise"] >= 1
    distances = [s["distanceKm"] for s in stores]
    assert distances == sorted(distances)
    assert product["availability"]["pickupEligible"] is True
    assert product["content"]["locale"] == "de-DE"
    assert product["en"]["locale"] == "en-US"


async def test_stores_near_downtown_nearest_first(gql: GraphQLClient) -> None:
    query = """{ storesByDistance(near: {lat: 45.5190, lon: -122.6790}) { store { id name capabilities } distanceKm }
               stores(first: 2) { name } }"""
    body = data(await gql.post(query))
    found = body["storesByDistance"]
    assert len(found) >= 4
    assert found[0]["store"]["name"] == "Downtown" and found[0]["distanceKm"] < 0.5
    assert [f["distanceKm"] for f in found] == sorted(f["distanceKm"] for f in found)
    assert "PICKUP" in found[0]["store"]["capabilities"]
    assert len(body["stores"]) == 2


async def test_node_refetches_each_type(gql: GraphQLClient) -> None:
    token = gql.token(DEVI_ID)
    me = data(
        await gql.post("{ me { id orders(first: 1) { edges { node { id } } } } }", token=token)
    )["me"]
    product = data(await gql.post('{ product(sku: "%s") { id } }' % DEVI_SHOES_SKU))["product"]
    query = """query($id: ID!) { node(id: $id) { __typename id
        ... on Customer { email } ... on Product { sku } ... on Order { channel } ... on Store { name } } }"""
    ids = {
        "Customer": me["id"],
        "Order": me["orders"]["edges"][0]["node"]["id"],
        "Product": product["id"],
        "Store": to_global_id("Store", DOWNTOWN_ID),
    }
    for type_name, global_id in ids.items():
        node = data(await gql.post(query, {"id": global_id}, token=token))["node"]
        assert node["__typename"] == type_name and node["id"] == global_id


async def test_staff_reads_customers_by_id_and_identifier(gql: GraphQLClient) -> None:
    staff = gql.token(staff=True)
    query = (
        """query($v: String!) { customerByIdentifier(kind: LOYALTY_CARD, value: $v) { email } }"""
    )
    found = data(await gql.post(query, {"v": "lc-devi-0001"}, token=staff))
    assert found["customerByIdentifier"]["email"] == "devi@example.com"
    phone = data(
        await gql.post(
            '{ customer(id: "%s") { email identities { kind value } } }'
            % to_global_id("Customer", SAM_ID),
            token=staff,
        )
    )
    assert phone["customer"]["email"] == "sam@example.com"


async def test_scopes_are_enforced(gql: GraphQLClient) -> None:
    sam = gql.token(SAM_ID)
    devi_gid = to_global_id("Customer", DEVI_ID)
    assert codes(await gql.post("{ me { email } }")) == ["UNAUTHENTICATED"]
    assert codes(await gql.post('{ customer(id: "%s") { email } }' % devi_gid, token=sam)) == [
        "FORBIDDEN"
    ]
    assert codes(
        await gql.post(
            '{ customerByIdentifier(kind: EMAIL, value: "devi@example.com") { email } }', token=sam
        )
    ) == ["FORBIDDEN"]
    body = await gql.post("query($id: ID!) { node(id: $id) { id } }", {"id": devi_gid}, token=sam)
    assert codes(body) == ["NOT_FOUND"] and body["data"]["node"] is None
    devi_orders = data(
        await gql.post(
            "{ me { orders(first: 1) { edges { node { id } } } } }", token=gql.token(DEVI_ID)
        )
    )
    order_id = devi_orders["me"]["orders"]["edges"][0]["node"]["id"]
    body = await gql.post("query($id: ID!) { node(id: $id) { id } }", {"id": order_id}, token=sam)
    assert codes(body) == ["NOT_FOUND"]
    staff_forbidden_me = await gql.post("{ me { email } }", token=gql.token(staff=True))
    assert codes(staff_forbidden_me) == ["FORBIDDEN"]


async def test_bad_tokens_are_refused_with_401(gql: GraphQLClient) -> None:
    response = await gql.http.post(
        "/graphql",
        json={"query": "{ me { email } }"},
        headers={"Authorization": "Bearer not-a-jwt"},
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Traceback" not in response.text


async def test_bad_input_gets_coded_errors_without_tracebacks(gql: GraphQLClient) -> None:
    cases = {
        "{ products(first: -1) { totalCount } }": "BAD_USER_INPUT",
        "{ products(first: 100000) { totalCount } }": "BAD_USER_INPUT",
        '{ products(after: "%%%") { totalCount } }': "BAD_USER_INPUT",
        '{ node(id: "bm90LWFuLWlk") { id } }': "BAD_USER_INPUT",
        '{ node(id: "%s") { id } }' % to_global_id("Product", "prd_does_not_exist"): "NOT_FOUND",
        '{ product(sku: "NOPE") { id } }': "NOT_FOUND",
        "{ product { id } }": "BAD_USER_INPUT",
        '{ product(sku: "%s") { price(quantity: 0) { final { amount } } } }'
        % DEVI_SHOES_SKU: "BAD_USER_INPUT",
        '{ product(sku: "%s") { price(currency: "dollars") { final { amount } } } }'
        % DEVI_SHOES_SKU: "BAD_USER_INPUT",
        "{ stores(near: {lat: 123, lon: 0}) { name } }": "BAD_USER_INPUT",
        "{ products { nope } }": "GRAPHQL_VALIDATION_FAILED",
        "{ products( ": "GRAPHQL_PARSE_FAILED",
    }
    for query, code in cases.items():
        body = await gql.post(query)
        assert codes(body) == [code], (query, body)
        assert "Traceback" not in str(body)


async def test_partial_data_when_one_field_fails(gql: GraphQLClient) -> None:
    query = """{ a: product(sku: "%s") { sku } b: product(sku: "NOPE") { sku } }""" % DEVI_SHOES_SKU
    body = await gql.post(query)
    assert body["data"]["a"]["sku"] == DEVI_SHOES_SKU
    assert codes(body) == ["NOT_FOUND"]
