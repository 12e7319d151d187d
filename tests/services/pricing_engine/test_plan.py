"""The planned evaluation (pins, Python predicates, CEL per conjunct) decides exactly as
CEL evaluating the whole condition does."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import cel
from hypothesis import given, settings
from hypothesis import strategies as st

from commercegraph.adapters.base import PricingRuleRecord
from commercegraph.services.pricing_engine import LineInput, RuleSet, Shopper, price
from commercegraph.services.pricing_engine.evaluate import (
    cart_context,
    line_context,
    shopper_context,
)
from commercegraph.services.pricing_engine.language import check_condition
from commercegraph.services.pricing_engine.plan import SimpleTest

NOW = datetime(2026, 5, 9, 18, 30, tzinfo=UTC)
CONDITIONS = [
    'line.sku == "A"',
    'line.sku in ["A", "B"] && line.quantity >= 2',
    'line.brand == "Acme" && stock.available > 5',
    '"rfm:champions" in customer.segments',
    '"rfm:champions" in customer.segments && "abc:A" in customer.segments',
    'channel == "MOBILE_APP" && !customer.anonymous',
    "customer.is_first_order",
    "!customer.is_first_order && cart.subtotal >= 2000",
    '3 <= line.quantity && "sale" in line.tags',
    'customer.loyalty_tier != "BRONZE" || demand.views_24h > 40',
    "line.unit_price * line.quantity > 5000",
    'cart.category_quantities["Pods"] >= 3 && line.category == "Pods"',
    'now.weekday >= 6 && fulfillment == "PICKUP"',
    "true",
    "false",
    'line.bundle_id != ""',
    "double(line.unit_price) > 1500.5",
    'cart.category_quantities["Shoes"] < 2',
    "cart.subtotal > line.unit_price * 2 && size(customer.segments) < 2",
    "size(customer.segments) > 1",
]

lines = st.lists(
    st.builds(
        LineInput,
        sku=st.sampled_from(["A", "B", "C"]),
        quantity=st.integers(1, 5),
        unit_base=st.integers(100, 3_000),
        category=st.sampled_from(["Pods", "Shoes"]),
        brand=st.sampled_from(["Acme", "Other"]),
        tags=st.sampled_from([(), ("sale",), ("sale", "new")]),
        bundle_id=st.sampled_from([None, "bun_1"]),
        stock_available=st.integers(0, 10),
        views_24h=st.integers(0, 80),
    ),
    min_size=1,
    max_size=4,
)
shoppers = st.builds(
    Shopper,
    customer_id=st.sampled_from([None, "cus_1"]),
    segments=st.sampled_from([(), ("rfm:champions",), ("abc:A", "rfm:champions")]),
    loyalty_tier=st.sampled_from(["", "BRONZE", "GOLD"]),
    order_count=st.integers(0, 2),
    channel=st.sampled_from(["WEB", "MOBILE_APP"]),
    fulfillment=st.sampled_from(["SHIP", "PICKUP"]),
)


def _cel_says(condition: str, who: Shopper, basket: list[LineInput], line: LineInput) -> bool:
    env = {**shopper_context(who, NOW), "cart": cart_context(basket), **line_context(line)}
    try:
        return cel.evaluate(condition, env) is True
    except Exception:
        return False


@settings(max_examples=200, deadline=None)
@given(basket=lines, who=shoppers)
def test_planned_evaluation_agrees_with_cel(basket: list[LineInput], who: Shopper) -> None:
    effect = json.dumps({"type": "amount_off", "amount": 1})
    rules = [PricingRuleRecord(f"r{i:02d}", f"r{i}", c, effect) for i, c in enumerate(CONDITIONS)]
    # floor 0 and base >= 100: every matching rule takes at least a cent, so it shows
    result = price(RuleSet.build(1, rules), who, basket, now=NOW)
    for line_result, line in zip(result.lines, basket, strict=True):
        applied = {a.rule_id for a in line_result.applied}
        expected = {r.id for r in rules if _cel_says(r.condition, who, basket, line)}
        assert applied == expected


def test_a_map_read_by_a_string_key_runs_without_cel() -> None:
    condition = check_condition('cart.category_quantities["Pods"] >= 3')
    (conjunct,) = condition.conjuncts
    assert conjunct.simple == SimpleTest(("cart", "category_quantities", "Pods"), ">=", 3)


def test_a_cel_conjunct_knows_the_variables_it_reads() -> None:
    condition = check_condition(
        "cart.subtotal > line.unit_price * 2 && size(customer.segments) > 1"
    )
    assert [(c.simple, c.variables) for c in condition.conjuncts] == [
        (None, frozenset({"cart", "line"})),
        (None, frozenset({"customer"})),
    ]
