"""Pricing through the graph on the seeded demo retailer (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from commercegraph.demo.constants import (
    DEVI_COFFEE_SKU,
    DEVI_ID,
    DEVI_SHOES_SKU,
    DEVI_SODA_SKU,
    DOWNTOWN_ID,
)
from commercegraph.ids import to_global_id
from tests.conftest import GraphQLClient

QUOTE = """
query($input: QuoteInput!) {
  quote(input: $input) {
    subtotal { amount } discounts { amount } total { amount }
    appliedRules { ruleId name effect amount { amount } }
    lines { sku quantity lineTotal { amount }
            unitPrice { base { amount } final { amount } appliedRules { ruleId amount { amount } } } }
  }
}"""
UPSERT = """
mutation($input: PricingRuleInput!) {
  upsertPricingRule(input: $input) { id name version active versions { version change } }
}"""
RULES = "query($after: String) { pricingRules(first: 100, after: $after) { totalCount edges { node { id name } } pageInfo { hasNextPage endCursor } } }"
# Rules the tests create never match the demo catalog, so other tests' prices stay put.
NO_MATCH = 'line.sku == "SKU-NOT-SOLD" && line.quantity > 1'
EFFECT = '{"type": "percent_off", "percent": 5}'


async def _quote(
    gql: GraphQLClient, lines: list[dict[str, Any]], token: str | None = None, **extra: Any
) -> dict[str, Any]:
    body = await gql.post(QUOTE, {"input": {"lines": lines, **extra}}, token=token)
    assert "errors" not in body, body
    quote: dict[str, Any] = body["data"]["quote"]
    return quote


def _amounts(quote: dict[str, Any]) -> dict[str, int]:
    return {r["ruleId"]: r["amount"]["amount"] for r in quote["appliedRules"]}


def _check_explained(quote: dict[str, Any]) -> None:
    assert quote["subtotal"]["amount"] - quote["total"]["amount"] == quote["discounts"]["amount"]
    assert quote["discounts"]["amount"] == sum(_amounts(quote).values())
    for line in quote["lines"]:
        base = line["unitPrice"]["base"]["amount"] * line["quantity"]
        off = sum(r["amount"]["amount"] for r in line["unitPrice"]["appliedRules"])
        assert base - off == line["lineTotal"]["amount"]


async def test_devi_in_the_app_and_an_anonymous_web_shopper_differ_exactly_by_her_rules(
    gql: GraphQLClient,
) -> None:
    devi = gql.token(DEVI_ID)
    wanted = [
        {"sku": DEVI_COFFEE_SKU, "quantity": 3},
        {"sku": DEVI_SHOES_SKU, "quantity": 1},
        {"sku": DEVI_SODA_SKU, "quantity": 2},
    ]
    # The app has its own base price for some products: keep lines whose base is the same.
    app = await _quote(gql, wanted, devi, channel="MOBILE_APP")
    web = await _quote(gql, wanted, channel="WEB")
    same = [
        w
        for w, a, b in zip(wanted, app["lines"], web["lines"], strict=True)
        if a["unitPrice"]["base"] == b["unitPrice"]["base"]
    ]
    assert same
    app = await _quote(gql, same, devi, channel="MOBILE_APP")
    web = await _quote(gql, same, channel="WEB")
    _check_explained(app)
    _check_explained(web)
    assert app["subtotal"] == web["subtotal"]
    hers, anyones = _amounts(app), _amounts(web)
    only_hers = set(hers) - set(anyones)
    assert only_hers == {"rule_app_members", "rule_loyalty_bronze"}
    assert set(anyones) <= set(hers)
    # the shared rules rank first, so they take the same amounts for both shoppers
    assert all(hers[r] == anyones[r] for r in anyones)
    assert web["total"]["amount"] - app["total"]["amount"] == sum(hers[r] for r in only_hers)


async def test_product_price_for_the_caller_is_explained(gql: GraphQLClient) -> None:
    body = await gql.post(
        '{ product(sku: "%s") { price(quantity: 2) { base { amount } final { amount } '
        "appliedRules { ruleId name effect amount { amount } } } } }" % DEVI_COFFEE_SKU,
        token=gql.token(DEVI_ID),
    )
    price = body["data"]["product"]["price"]
    off = sum(r["amount"]["amount"] for r in price["appliedRules"])
    assert "rule_loyalty_bronze" in {r["ruleId"] for r in price["appliedRules"]}
    total = 2 * price["base"]["amount"] - off
    assert price["final"]["amount"] == (total + 1) // 2


async def test_pickup_in_store_earns_the_bopis_incentive(gql: GraphQLClient) -> None:
    lines = [{"sku": DEVI_SODA_SKU, "quantity": 1}]
    shipped = await _quote(gql, lines)
    store = to_global_id("Store", DOWNTOWN_ID)
    picked = await _quote(gql, lines, storeId=store)
    assert "rule_bopis" not in _amounts(shipped)
    bopis = _amounts(picked)["rule_bopis"]
    assert bopis == (shipped["total"]["amount"] * 5 + 50) // 100
    assert picked["total"]["amount"] < shipped["total"]["amount"]
    _check_explained(picked)
    shipped_from_store = await _quote(gql, lines, storeId=store, fulfillment="SHIP")
    assert "rule_bopis" not in _amounts(shipped_from_store)


async def test_quote_input_is_checked(gql: GraphQLClient) -> None:
    for lines, argument in (
        ([{"sku": DEVI_SODA_SKU, "quantity": 0}], "quantity"),
        ([], "lines"),
    ):
        body = await gql.post(QUOTE, {"input": {"lines": lines}})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert body["errors"][0]["extensions"]["argument"] == argument
    body = await gql.post(QUOTE, {"input": {"lines": [{"sku": "NOPE", "quantity": 1}]}})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def _rule_count(gql: GraphQLClient, staff: str) -> int:
    body = await gql.post(RULES, token=staff)
    count: int = body["data"]["pricingRules"]["totalCount"]
    return count


async def test_a_rule_that_does_not_type_check_is_refused_with_its_position(
    gql: GraphQLClient,
) -> None:
    staff = gql.token(staff=True)
    before = await _rule_count(gql, staff)
    bad = {
        "name": "bad",
        "condition": 'line.quantity >= 3 &&\n  customer.tier == "GOLD"',
        "effect": EFFECT,
    }
    body = await gql.post(UPSERT, {"input": bad}, token=staff)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == "input.condition"
    assert (error["extensions"]["line"], error["extensions"]["column"]) == (2, 12)
    assert "customer.tier" in error["message"]
    body = await gql.post(
        UPSERT,
        {"input": {"name": "bad", "condition": "true", "effect": '{"type": "percent_off"}'}},
        token=staff,
    )
    assert body["errors"][0]["extensions"]["argument"] == "input.effect"
    assert await _rule_count(gql, staff) == before


async def test_rules_are_staff_only(gql: GraphQLClient) -> None:
    body = await gql.post(RULES)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = await gql.post(
        UPSERT,
        {"input": {"name": "x", "condition": "true", "effect": EFFECT}},
        token=gql.token(DEVI_ID),
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_upsert_keeps_versions_and_delete_removes(gql: GraphQLClient) -> None:
    staff = gql.token(staff=True)
    rule = {"name": "Test rule", "condition": NO_MATCH, "effect": EFFECT, "priority": 5}
    created = (await gql.post(UPSERT, {"input": rule}, token=staff))["data"]["upsertPricingRule"]
    assert created["version"] == 1
    updated = await gql.post(
        UPSERT, {"input": {**rule, "id": created["id"], "name": "Renamed"}}, token=staff
    )
    node = updated["data"]["upsertPricingRule"]
    assert (node["name"], node["version"]) == ("Renamed", 2)
    assert [v["change"] for v in node["versions"]] == ["UPDATED", "CREATED"]
    names, after = [], None
    while True:
        page = (await gql.post(RULES, {"after": after}, token=staff))["data"]["pricingRules"]
        names += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert "Renamed" in names and "Buy 3 boxes of coffee pods, save 10%" in names
    delete = "mutation($id: ID!) { deletePricingRule(id: $id) }"
    assert (await gql.post(delete, {"id": created["id"]}, token=staff))["data"][
        "deletePricingRule"
    ] is True
    again = await gql.post(delete, {"id": created["id"]}, token=staff)
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_page_of_prices_matches_each_product_priced_alone(gql: GraphQLClient) -> None:
    devi = gql.token(DEVI_ID)
    fields = "sku price(channel: MOBILE_APP) { base { amount } final { amount } appliedRules { ruleId } }"
    page = await gql.post("{ products(first: 12) { edges { node { %s } } } }" % fields, token=devi)
    nodes = [e["node"] for e in page["data"]["products"]["edges"]]
    assert len(nodes) == 12
    for node in nodes[:4]:
        alone = await gql.post('{ product(sku: "%s") { %s } }' % (node["sku"], fields), token=devi)
        assert alone["data"]["product"] == node
