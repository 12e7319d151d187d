"""A pricing condition on ``customer.rfm_segment`` uses the segment key the graph shows
(``rfm:champions``) and matches; a spelling no segment has is refused when the rule is saved
(SQLite and PostgreSQL)."""

from __future__ import annotations

from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID
from tests.conftest import GraphQLClient
from tests.integration.test_journey import data

UPSERT = """mutation($input: PricingRuleInput!) { upsertPricingRule(input: $input) { id } }"""
DELETE = "mutation($id: ID!) { deletePricingRule(id: $id) }"
QUOTE = """query($input: QuoteInput!) { quote(input: $input) { appliedRules { name } } }"""
EFFECT = '{"type": "amount_off", "amount": 1}'


async def test_rfm_segment_holds_the_key_the_graph_shows(p8_gql: GraphQLClient) -> None:
    devi, staff = p8_gql.token(DEVI_ID), p8_gql.token(staff=True)
    me = data(await p8_gql.post("{ me { rfm { segment segmentKey } } }", token=devi))["me"]
    key = me["rfm"]["segmentKey"]
    assert key == "rfm:" + me["rfm"]["segment"].lower().replace("_", "-")
    condition = f'customer.rfm_segment == "{key}" && line.sku == "{DEVI_COFFEE_SKU}"'
    rule = {"name": "Segment spelling", "condition": condition, "effect": EFFECT}
    rule_id = data(await p8_gql.post(UPSERT, {"input": rule}, token=staff))["upsertPricingRule"][
        "id"
    ]
    try:
        lines = {"lines": [{"sku": DEVI_COFFEE_SKU, "quantity": 1}]}
        mine = data(await p8_gql.post(QUOTE, {"input": lines}, token=devi))["quote"]
        anonymous = data(await p8_gql.post(QUOTE, {"input": lines}))["quote"]
        assert "Segment spelling" in {r["name"] for r in mine["appliedRules"]}
        assert "Segment spelling" not in {r["name"] for r in anonymous["appliedRules"]}
    finally:
        await p8_gql.post(DELETE, {"id": rule_id}, token=staff)


async def test_a_segment_literal_no_segment_has_is_refused(p8_gql: GraphQLClient) -> None:
    staff = p8_gql.token(staff=True)
    for condition, hint in (
        ('customer.rfm_segment == "Champions"', "'rfm:champions'"),
        ('customer.rfm_segment == "champions"', "'rfm:champions'"),
        ('customer.rfm_segment in ["rfm:loyal", "rfm:at_risk"]', "'rfm:at-risk'"),
        ('"rfm:vip" in customer.segments', "rfm:lost"),
    ):
        rule = {"name": "Misspelt", "condition": condition, "effect": EFFECT}
        body = await p8_gql.post(UPSERT, {"input": rule}, token=staff)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", condition
        assert error["extensions"]["argument"] == "input.condition"
        assert "No segment" in error["message"] and hint in error["message"], error["message"]
    ok = {
        "name": "Spelt right",
        "condition": 'customer.rfm_segment != "rfm:lost"',
        "effect": EFFECT,
    }
    created = data(await p8_gql.post(UPSERT, {"input": ok}, token=staff))["upsertPricingRule"]
    await p8_gql.post(DELETE, {"id": created["id"]}, token=staff)
