"""Acceptance journeys on the shared demo retailer (SQLite and PostgreSQL): Devi in the app
near Downtown, Sam's accessories, and the errors callers get."""

from __future__ import annotations

from datetime import datetime

from commercegraph.demo import (
    DEVI_COFFEE_SKU,
    DEVI_ID,
    DEVI_SHOES_SKU,
    DOWNTOWN_ID,
    SAM_ID,
    SAM_PHONE_SKU,
)
from commercegraph.ids import to_global_id
from tests.conftest import GraphQLClient
from tests.integration.test_journey import codes, data

DOWNTOWN = {"lat": 45.5190, "lon": -122.6790}
ACCESSORY_CATEGORIES = {"Cases", "Chargers", "Screen Guards", "Earbuds"}

DEVI_APP_JOURNEY = """
query DeviInTheApp($near: GeoPointInput!) {
  me {
    displayName
    loyalty { points tier pointsToNextTier }
    shoppingList {
      items { product { sku name } quantity source medianIntervalDays purchases
              lastPurchasedAt nextDueAt dueSoon }
      dueSoon { product { sku } }
    }
    offers(context: { channel: MOBILE_APP, near: $near }) {
      id kind title message reason expiresAt product { sku } store { id name }
    }
  }
}
"""


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_devi_journey_near_downtown(gql: GraphQLClient) -> None:
    me = data(await gql.post(DEVI_APP_JOURNEY, {"near": DOWNTOWN}, token=gql.token(DEVI_ID)))["me"]
    assert me["loyalty"]["points"] > 0 and me["loyalty"]["pointsToNextTier"] is not None
    items = {i["product"]["sku"]: i for i in me["shoppingList"]["items"]}
    pods = items[DEVI_COFFEE_SKU]
    assert pods["source"] == "REPLENISHMENT" and pods["purchases"] >= 3
    cycle = (_at(pods["nextDueAt"]) - _at(pods["lastPurchasedAt"])).days
    assert 18 <= cycle <= 24, "coffee pods come up due about three weeks after the last purchase"
    due = {i["product"]["sku"] for i in me["shoppingList"]["dueSoon"]}
    assert due == {sku for sku, i in items.items() if i["dueSoon"]}
    assert DEVI_COFFEE_SKU in due, "her last box was 19 days ago: the pods are due soon"
    reminders = [o for o in me["offers"] if o["kind"] == "REPLENISHMENT_REMINDER"]
    assert DEVI_COFFEE_SKU in {o["product"]["sku"] for o in reminders}
    in_store = [o for o in me["offers"] if o["kind"] == "AVAILABLE_IN_STORE"]
    assert len(in_store) == 1
    shoes = in_store[0]
    assert shoes["product"]["sku"] == DEVI_SHOES_SKU
    assert shoes["store"]["id"] == to_global_id("Store", DOWNTOWN_ID)
    assert "Downtown" in shoes["message"] and shoes["reason"] and shoes["expiresAt"]
    # Asking again shows the same offers: logged once, not issued again.
    again = data(await gql.post(DEVI_APP_JOURNEY, {"near": DOWNTOWN}, token=gql.token(DEVI_ID)))
    assert [o["id"] for o in again["me"]["offers"]] == [o["id"] for o in me["offers"]]


async def test_sam_cross_sells_are_phone_accessories_within_the_price_cap(
    gql: GraphQLClient,
) -> None:
    query = """{ phone: product(sku: "%s") { price { final { amount } } }
      me { recommendations(kind: CROSS_SELL, first: 8) {
        product { sku category } reason score price { amount currency } anchorSku } } }"""
    body = data(await gql.post(query % SAM_PHONE_SKU, token=gql.token(SAM_ID)))
    phone_price = body["phone"]["price"]["final"]["amount"]
    recs = body["me"]["recommendations"]
    assert len(recs) >= 3
    for r in recs:
        assert r["product"]["category"] in ACCESSORY_CATEGORIES
        assert r["anchorSku"] == SAM_PHONE_SKU and r["reason"]
        assert isinstance(r["price"]["amount"], int) and r["price"]["amount"] * 2 <= phone_price
    scores = [r["score"] for r in recs]
    assert scores == sorted(scores, reverse=True)
    assert SAM_PHONE_SKU not in {r["product"]["sku"] for r in recs}


async def test_sam_up_sells_are_better_phones_within_one_and_a_half_times(
    gql: GraphQLClient,
) -> None:
    query = """{ phone: product(sku: "%s") { price { final { amount } } }
      me { recommendations(kind: UP_SELL) { product { sku category } reason price { amount } } } }"""
    body = data(await gql.post(query % SAM_PHONE_SKU, token=gql.token(SAM_ID)))
    phone_price = body["phone"]["price"]["final"]["amount"]
    recs = body["me"]["recommendations"]
    assert recs
    for r in recs:
        assert r["product"]["category"] == "Phones"
        assert phone_price < r["price"]["amount"] <= phone_price * 3 // 2
        assert "upgrade" in r["reason"].lower()


async def test_product_recommendations_for_anonymous_callers(gql: GraphQLClient) -> None:
    query = """{ product(sku: "%s") {
      cross: recommendations(kind: CROSS_SELL, first: 3) { product { category } }
      fbt: recommendations(kind: FREQUENTLY_BOUGHT_TOGETHER) { product { sku } score reason } } }"""
    product = data(await gql.post(query % SAM_PHONE_SKU))["product"]
    assert product["cross"] and {r["product"]["category"] for r in product["cross"]} <= (
        ACCESSORY_CATEGORIES
    )
    assert all(0 < r["score"] <= 1 for r in product["fbt"])
    pods = data(await gql.post(query % DEVI_COFFEE_SKU))["product"]
    assert all(r["product"]["sku"] != DEVI_COFFEE_SKU for r in pods["fbt"])


async def test_personalisation_errors_are_coded(gql: GraphQLClient) -> None:
    sam, devi = gql.token(SAM_ID), gql.token(DEVI_ID)
    cases = [
        ("{ me { recommendations(kind: CROSS_SELL, first: 0) { score } } }", sam, "BAD_USER_INPUT"),
        ("{ me { recommendations(kind: UP_SELL, first: 500) { score } } }", sam, "BAD_USER_INPUT"),
        (
            '{ me { recommendations(kind: UP_SELL, productId: "%s") { score } } }'
            % to_global_id("Store", DOWNTOWN_ID),
            sam,
            "BAD_USER_INPUT",
        ),
        ("{ me { offers(context: {near: {lat: 91, lon: 0}}) { id } } }", devi, "BAD_USER_INPUT"),
        (
            '{ customer(id: "%s") { offers { id } } }' % to_global_id("Customer", DEVI_ID),
            sam,
            "FORBIDDEN",
        ),
        ('mutation { addToShoppingList(sku: "NOPE") { items { quantity } } }', devi, "NOT_FOUND"),
        (
            'mutation { addToShoppingList(sku: "%s", quantity: 0) { items { quantity } } }'
            % DEVI_COFFEE_SKU,
            devi,
            "BAD_USER_INPUT",
        ),
        (
            'mutation { addToShoppingList(sku: "%s") { items { quantity } } }' % DEVI_COFFEE_SKU,
            None,
            "UNAUTHENTICATED",
        ),
    ]
    for query, token, code in cases:
        body = await gql.post(query, token=token)
        assert codes(body) == [code], (query, body)


async def test_frequently_bought_together_comes_from_the_mined_bundles(gql: GraphQLClient) -> None:
    bundles = data(
        await gql.post("""{ bundles(first: 50) { edges { node { kind
        components { product { sku } } } } } }""")
    )["bundles"]["edges"]
    mined = [
        [c["product"]["sku"] for c in e["node"]["components"]]
        for e in bundles
        if e["node"]["kind"] == "FREQUENTLY_BOUGHT_TOGETHER"
    ]
    assert mined, "the demo mines frequently-bought-together sets"
    anchor = mined[0][0]
    partners = {sku for skus in mined if anchor in skus for sku in skus} - {anchor}
    query = """query($sku: String!) { product(sku: $sku) {
        recommendations(kind: FREQUENTLY_BOUGHT_TOGETHER, first: 10) { product { sku } reason } } }"""
    recs = data(await gql.post(query, {"sku": anchor}))["product"]["recommendations"]
    assert recs, "a mined partner in stock is recommended"
    assert {r["product"]["sku"] for r in recs} <= partners
