"""Bundles and cross-channel availability through GraphQL: the demo's running kit, the
coffee mix-and-match, mined sets, and Devi's shoes in stock at Downtown."""

from __future__ import annotations

from typing import Any

from commercegraph.adapters.native import NativeCommerce
from commercegraph.config import Settings
from commercegraph.demo import DEVI_ID, DEVI_SHOES_SKU, DOWNTOWN_ID
from commercegraph.demo.bundles import COFFEE_TRIO_ID, RUNNING_KIT, RUNNING_KIT_ID
from commercegraph.ids import to_global_id
from commercegraph.services.bundles import MiningParams
from commercegraph.store.db import Store
from commercegraph.usecases.bundles import mine_bundles
from tests.conftest import GraphQLClient
from tests.inventory.conftest import set_stock
from tests.inventory.test_checkout import PICKUP_DOWNTOWN, PLACE, QUOTE, data, error, new_cart

DOWNTOWN_POINT = {"lat": 45.5190, "lon": -122.6790}
PEARL_POINT = {"lat": 45.5285, "lon": -122.6826}
KIT = to_global_id("Bundle", RUNNING_KIT_ID)
TRIO = to_global_id("Bundle", COFFEE_TRIO_ID)
BUNDLE_PRICE = """query($id: ID!) { node(id: $id) { ... on Bundle {
  id name kind pickCount discountPercent components { quantity product { sku } }
  price { base { amount } final { amount } appliedRules { ruleId amount { amount } } } } } }"""
ADD_BUNDLE = f"""mutation($c: ID!, $b: ID!, $skus: [String!]) {{
  addBundleToCart(cartId: $c, bundleId: $b, skus: $skus) {{
    lines {{ sku quantity bundleId }} {QUOTE} }} }}"""


async def test_devi_sees_her_shoes_at_downtown_first_with_pickup(gql: GraphQLClient) -> None:
    query = """query($near: GeoPointInput!) { me { recentlyViewed(first: 10) { sku
        availability(near: $near) { pickupEligible online { availableToPromise }
          stores(first: 3) { store { id name capabilities } distanceKm
                             level { availableToPromise status } } } } } }"""
    body = await gql.post(query, {"near": DOWNTOWN_POINT}, token=gql.token(DEVI_ID))
    viewed = {p["sku"]: p for p in data(body)["me"]["recentlyViewed"]}
    shoes = viewed[DEVI_SHOES_SKU]["availability"]
    first = shoes["stores"][0]
    assert first["store"]["id"] == to_global_id("Store", DOWNTOWN_ID)
    assert first["distanceKm"] == 0.0 and "PICKUP" in first["store"]["capabilities"]
    assert first["level"]["availableToPromise"] >= 1
    assert first["level"]["status"] in ("IN_STOCK", "LOW_STOCK")
    assert shoes["pickupEligible"] is True
    distances = [s["distanceKm"] for s in shoes["stores"]]
    assert distances == sorted(distances)


async def test_bundles_are_listed_paged_and_found_by_product(gql: GraphQLClient) -> None:
    page = """query($after: String, $p: ID) { bundles(first: 1, after: $after, productId: $p) {
        pageInfo { hasNextPage endCursor } edges { node { id kind } } } }"""
    seen: list[str] = []
    after = None
    for _ in range(100):
        bundles = data(await gql.post(page, {"after": after}))["bundles"]
        seen += [e["node"]["id"] for e in bundles["edges"]]
        if not bundles["pageInfo"]["hasNextPage"]:
            break
        after = bundles["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) and {KIT, TRIO} <= set(seen)
    shoes = data(
        await gql.post('{ product(sku: "%s") { id bundles { id kind } } }' % DEVI_SHOES_SKU)
    )
    product = shoes["product"]
    assert product["bundles"][0] == {"id": KIT, "kind": "FIXED"}
    by_product = data(await gql.post(page, {"p": product["id"]}))["bundles"]["edges"]
    assert KIT in [e["node"]["id"] for e in by_product]
    bad = await gql.post(page, {"p": KIT})
    assert error(bad)["code"] == "BAD_USER_INPUT" and error(bad)["argument"] == "productId"


async def test_bundle_price_is_components_less_the_bundle_discount(gql: GraphQLClient) -> None:
    bundle = data(await gql.post(BUNDLE_PRICE, {"id": KIT}))["node"]
    assert [(c["product"]["sku"], c["quantity"]) for c in bundle["components"]] == list(RUNNING_KIT)
    units, bases = [], []
    for sku, quantity in RUNNING_KIT:
        query = '{ product(sku: "%s") { price { base { amount } final { amount } } } }' % sku
        price = data(await gql.post(query))["product"]["price"]
        units.append(price["final"]["amount"] * quantity)
        bases.append(price["base"]["amount"] * quantity)
    # the components' own pricing rules apply first; the bundle discount comes on top
    assert bundle["price"]["base"]["amount"] == sum(bases)
    discount = (sum(units) * 10 + 50) // 100
    assert bundle["price"]["final"]["amount"] == sum(units) - discount
    assert {"ruleId": f"bundle:{RUNNING_KIT_ID}", "amount": {"amount": discount}} in bundle[
        "price"
    ]["appliedRules"]
    trio = data(await gql.post(BUNDLE_PRICE, {"id": TRIO}))["node"]
    assert trio["kind"] == "MIX_AND_MATCH" and trio["pickCount"] == 3
    assert len(trio["components"]) == 30


async def test_bundle_availability_needs_every_component_at_the_store(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    (shoes, _), (buds, _), (bars, _) = RUNNING_KIT
    for sku, on_hand in ((shoes, 5), (buds, 5), (bars, 0)):
        await set_stock(fresh_store, sku, "loc_pearl", on_hand)
    for sku, on_hand in ((shoes, 7), (buds, 3), (bars, 5)):
        await set_stock(fresh_store, sku, DOWNTOWN_ID, on_hand)
    query = """query($id: ID!, $near: GeoPointInput) { node(id: $id) { ... on Bundle {
        availability(near: $near) { pickupEligible
          stores(first: 10) { store { name } level { availableToPromise } } } } } }"""
    found = data(await fresh_gql.post(query, {"id": KIT, "near": PEARL_POINT}))["node"]
    stores = {
        s["store"]["name"]: s["level"]["availableToPromise"]
        for s in found["availability"]["stores"]
    }
    assert "Pearl District" not in stores  # no protein bars there: no kit there
    assert stores["Downtown"] == 2  # min(7/1, 3/1, 5/2)
    assert found["availability"]["pickupEligible"] is True


async def test_add_bundle_to_cart_ties_lines_and_discounts_whole_sets(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    token = fresh_gql.token("cus_bundle_buyer")
    for sku, _ in RUNNING_KIT:
        await set_stock(fresh_store, sku, DOWNTOWN_ID, 10)
    cart = await new_cart(fresh_gql, token)
    kit = data(await fresh_gql.post(ADD_BUNDLE, {"c": cart["id"], "b": KIT}, token=token))
    lines = kit["addBundleToCart"]["lines"]
    assert [(li["sku"], li["quantity"], li["bundleId"]) for li in lines] == [
        (sku, q, KIT) for sku, q in RUNNING_KIT
    ]
    price = data(await fresh_gql.post(BUNDLE_PRICE, {"id": KIT}))["node"]["price"]
    quote = kit["addBundleToCart"]["quote"]
    # The cart is priced by the rules engine first (line rules, and cart rules such as this
    # new customer's welcome offer); the bundle discount then comes off what the kit's lines
    # cost after those rules.
    rules = {r["ruleId"]: r["amount"]["amount"] for r in quote["appliedRules"]}
    assert quote["subtotal"]["amount"] == price["base"]["amount"]
    assert quote["discounts"]["amount"] == sum(rules.values()) > 0
    assert quote["total"]["amount"] == quote["subtotal"]["amount"] - quote["discounts"]["amount"]
    kit_lines = sum(line["lineTotal"]["amount"] for line in quote["lines"])
    assert rules[f"bundle:{RUNNING_KIT_ID}"] == (kit_lines * 10 + 50) // 100
    assert "rule_welcome" in rules and "rule_welcome" not in {
        r["ruleId"] for r in price["appliedRules"]
    }, "the welcome offer is a cart rule for a first order, not part of the bundle's price"

    # a pickup order is charged what the cart costs picked up at that store
    pickup = data(
        await fresh_gql.post(
            "query($id: ID!, $s: ID!) { node(id: $id) { ... on Cart { quote(storeId: $s) {"
            " discounts { amount } total { amount } appliedRules { ruleId } } } } }",
            {"id": cart["id"], "s": PICKUP_DOWNTOWN["storeId"]},
            token=token,
        )
    )["node"]["quote"]
    assert "rule_bopis" in {r["ruleId"] for r in pickup["appliedRules"]}
    order = data(
        await fresh_gql.post(
            PLACE, {"c": cart["id"], "f": PICKUP_DOWNTOWN, "k": "kit-1"}, token=token
        )
    )["placeOrder"]
    assert order["discount"]["amount"] == pickup["discounts"]["amount"]
    assert order["total"]["amount"] == pickup["total"]["amount"]


async def test_mix_and_match_takes_exactly_its_picks(fresh_gql: GraphQLClient) -> None:
    token = fresh_gql.token("cus_coffee_buyer")
    cart = await new_cart(fresh_gql, token)
    trio = data(await fresh_gql.post(BUNDLE_PRICE, {"id": TRIO}))["node"]
    skus = [c["product"]["sku"] for c in trio["components"]]
    wrong: list[Any] = [None, skus[:2], [skus[0], skus[1], DEVI_SHOES_SKU]]
    for picks in wrong:
        body = await fresh_gql.post(
            ADD_BUNDLE, {"c": cart["id"], "b": TRIO, "skus": picks}, token=token
        )
        assert (error(body)["code"], error(body)["argument"]) == ("BAD_USER_INPUT", "skus")
    picks = [skus[0], skus[0], skus[1]]
    added = data(
        await fresh_gql.post(ADD_BUNDLE, {"c": cart["id"], "b": TRIO, "skus": picks}, token=token)
    )["addBundleToCart"]
    assert [(li["sku"], li["quantity"]) for li in added["lines"]] == [(skus[0], 2), (skus[1], 1)]
    quote = added["quote"]
    rules = {r["ruleId"]: r["amount"]["amount"] for r in quote["appliedRules"]}
    after_rules = sum(line["lineTotal"]["amount"] for line in quote["lines"])
    assert rules[f"bundle:{COFFEE_TRIO_ID}"] == (after_rules * 15 + 50) // 100
    assert quote["discounts"]["amount"] == sum(rules.values())


async def test_mined_bundles_are_recomputed_not_duplicated(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    commerce = NativeCommerce(fresh_store, Settings.model_construct())
    loose = MiningParams(min_support=0.0, min_lift=1.0, min_count=2, limit=5)
    first = await mine_bundles(commerce, loose, since=None)
    second = await mine_bundles(commerce, loose, since=None)
    assert first and [b.id for b in first] == [b.id for b in second]
    query = """query($id: ID!) { node(id: $id) { ... on Bundle { kind support lift
        components { quantity } } } }"""
    node = data(await fresh_gql.post(query, {"id": to_global_id("Bundle", first[0].id)}))["node"]
    assert node["kind"] == "FREQUENTLY_BOUGHT_TOGETHER"
    assert node["lift"] >= 1.0 and 0 < node["support"] <= 1
    assert len(node["components"]) in (2, 3)
    everything = data(await fresh_gql.post("{ bundles(first: 100) { edges { node { kind } } } }"))
    kinds = [e["node"]["kind"] for e in everything["bundles"]["edges"]]
    assert kinds.count("FREQUENTLY_BOUGHT_TOGETHER") == len(second)
