"""Property tests of the pure engine: floors, explanations, stacking, order, windows, budgets."""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from commercegraph.adapters.base import PricingRuleRecord
from commercegraph.services.pricing_engine import (
    LineInput,
    RuleSet,
    Shopper,
    price,
    unavailable_rules,
)

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
SKUS = ("A", "B", "C")
CATEGORIES = ("Coffee Pods", "Shoes")

effects = st.one_of(
    st.builds(lambda p: {"type": "percent_off", "percent": p}, st.integers(1, 100)),
    st.builds(lambda a: {"type": "amount_off", "amount": a}, st.integers(1, 5_000)),
    st.builds(lambda a: {"type": "fixed_price", "amount": a}, st.integers(0, 5_000)),
    st.builds(lambda a: {"type": "amount_off", "amount": a, "per": "cart"}, st.integers(1, 20_000)),
    st.builds(lambda p: {"type": "percent_off", "percent": p, "per": "cart"}, st.integers(1, 100)),
    st.builds(
        lambda b, g: {"type": "buy_x_get_y", "buy": b, "get": g},
        st.integers(1, 3),
        st.integers(1, 2),
    ),
    st.builds(
        lambda q, p: {"type": "tiers", "tiers": [{"min_quantity": q, "percent": p}]},
        st.integers(1, 5),
        st.integers(1, 50),
    ),
)
conditions = st.sampled_from(
    [
        "true",
        'line.sku == "A"',
        'line.category == "Coffee Pods"',
        "line.quantity >= 2",
        'customer.loyalty_tier == "GOLD"',
        'channel == "MOBILE_APP"',
        '"rfm:champions" in customer.segments',
        "cart.subtotal > 3000",
        'line.sku in ["B", "C"] && stock.available > 10',
    ]
)


@st.composite
def rule_lists(draw: st.DrawFn, stacking: list[str] | None = None) -> list[PricingRuleRecord]:
    n = draw(st.integers(1, 8))
    ids = draw(
        st.lists(st.text("abcdefgh", min_size=1, max_size=4), min_size=n, max_size=n, unique=True)
    )
    return [
        PricingRuleRecord(
            id=f"r_{i}",
            name=f"rule {i}",
            condition=draw(conditions),
            effect=json.dumps(draw(effects)),
            priority=draw(st.integers(0, 3)),
            stacking=draw(st.sampled_from(stacking or ["STACK", "EXCLUSIVE", "STOP_AFTER"])),
        )
        for i in ids
    ]


lines_strategy = st.lists(
    st.builds(
        LineInput,
        sku=st.sampled_from(SKUS),
        quantity=st.integers(1, 12),
        unit_base=st.integers(0, 5_000),
        category=st.sampled_from(CATEGORIES),
        floor_price=st.integers(0, 3_000),
        stock_available=st.integers(0, 50),
    ),
    min_size=1,
    max_size=5,
)
shoppers = st.builds(
    Shopper,
    customer_id=st.sampled_from([None, "cus_1"]),
    loyalty_tier=st.sampled_from(["", "GOLD"]),
    segments=st.sampled_from([(), ("rfm:champions",)]),
    channel=st.sampled_from(["WEB", "MOBILE_APP"]),
)


@settings(max_examples=150, deadline=None)
@given(rules=rule_lists(), lines=lines_strategy, who=shoppers)
def test_never_negative_never_below_floor_and_every_cent_explained(
    rules: list[PricingRuleRecord], lines: list[LineInput], who: Shopper
) -> None:
    result = price(RuleSet.build(1, rules), who, lines, now=NOW)
    for line in result.lines:
        floor = min(line.base_total, line.line.floor_price * line.line.quantity)
        assert line.total >= 0
        assert line.total >= floor
        assert line.base_total - line.total == sum(a.amount for a in line.applied)
        assert all(a.amount > 0 for a in line.applied)
    assert result.subtotal - result.total == sum(a.amount for a in result.applied)
    assert result.discounts == result.subtotal - result.total


@settings(max_examples=100, deadline=None)
@given(rules=rule_lists(), lines=lines_strategy, who=shoppers, seed=st.integers(0, 1_000))
def test_result_does_not_depend_on_creation_order(
    rules: list[PricingRuleRecord], lines: list[LineInput], who: Shopper, seed: int
) -> None:
    shuffled = list(rules)
    random.Random(seed).shuffle(shuffled)
    assert price(RuleSet.build(1, rules), who, lines, now=NOW) == price(
        RuleSet.build(2, shuffled), who, lines, now=NOW
    )


@settings(max_examples=100, deadline=None)
@given(rules=rule_lists(), lines=lines_strategy, who=shoppers)
def test_exclusive_rule_applies_alone_and_stop_after_ends_the_list(
    rules: list[PricingRuleRecord], lines: list[LineInput], who: Shopper
) -> None:
    rule_set = RuleSet.build(1, rules)
    by_id = {r.id: r for r in rule_set.rules}
    result = price(rule_set, who, lines, now=NOW)
    for line in result.lines:
        applied = [by_id[a.rule_id] for a in line.applied]
        # what would match alone: each rule priced by itself on this line
        matching = [
            r
            for r in rule_set.rules
            if price(RuleSet.build(1, [_stack(r.record)]), who, lines, now=NOW)
            .lines[result.lines.index(line)]
            .applied
        ]
        if any(r.record.stacking == "EXCLUSIVE" for r in applied):
            assert len(applied) == 1
        if any(r.record.stacking == "EXCLUSIVE" for r in matching):
            first = next(r for r in matching if r.record.stacking == "EXCLUSIVE")
            # an amount off the whole cart is spread over the lines, so the line it lands on
            # depends on what the other lines took: priced alone it may land elsewhere
            spread = len(applied) == 1 and '"per": "cart"' in applied[0].record.effect
            assert [r.id for r in applied] in ([first.id], []) or spread
        for r in applied:
            if r.record.stacking == "STOP_AFTER":
                assert all(o.rank <= r.rank for o in applied)
        assert [r.rank for r in applied] == sorted(r.rank for r in applied)


def _stack(record: PricingRuleRecord) -> PricingRuleRecord:
    return dataclasses.replace(record, stacking="STACK")


def test_stacking_by_example() -> None:
    def rule(i: str, priority: int, stacking: str, percent: int) -> PricingRuleRecord:
        effect = json.dumps({"type": "percent_off", "percent": percent})
        return PricingRuleRecord(i, i, "true", effect, priority=priority, stacking=stacking)

    line = [LineInput("A", 1, 10_000)]
    who = Shopper()
    stacked = price(
        RuleSet.build(1, [rule("a", 2, "STACK", 10), rule("b", 1, "STACK", 10)]), who, line, now=NOW
    )
    assert stacked.total == 8_100 and stacked.rule_ids == ("a", "b")
    stop = price(
        RuleSet.build(
            1,
            [rule("a", 3, "STACK", 10), rule("b", 2, "STOP_AFTER", 10), rule("c", 1, "STACK", 50)],
        ),
        who,
        line,
        now=NOW,
    )
    assert stop.rule_ids == ("a", "b") and stop.total == 8_100
    exclusive = price(
        RuleSet.build(
            1, [rule("a", 3, "STACK", 10), rule("b", 2, "EXCLUSIVE", 20), rule("c", 1, "STACK", 50)]
        ),
        who,
        line,
        now=NOW,
    )
    assert exclusive.rule_ids == ("b",) and exclusive.total == 8_000


@settings(max_examples=100, deadline=None)
@given(
    lines=lines_strategy,
    start=st.integers(-10, 10),
    length=st.integers(1, 10),
)
def test_rule_outside_its_validity_window_never_applies(
    lines: list[LineInput], start: int, length: int
) -> None:
    valid_from = NOW + timedelta(days=start)
    record = PricingRuleRecord(
        "w",
        "window",
        "true",
        '{"type": "amount_off", "amount": 1}',
        valid_from=valid_from,
        valid_until=valid_from + timedelta(days=length),
    )
    result = price(RuleSet.build(1, [record]), Shopper(), lines, now=NOW)
    inside = valid_from <= NOW < valid_from + timedelta(days=length)
    if not inside:
        assert result.applied == ()
    elif any(ln.unit_base > ln.floor_price for ln in lines):
        assert result.rule_ids == ("w",)


@settings(max_examples=100, deadline=None)
@given(
    lines=lines_strategy,
    cap=st.integers(1, 5),
    used=st.integers(0, 8),
    per_customer=st.none() | st.integers(1, 3),
    used_by_me=st.integers(0, 4),
)
def test_rule_over_budget_never_applies(
    lines: list[LineInput], cap: int, used: int, per_customer: int | None, used_by_me: int
) -> None:
    record = PricingRuleRecord(
        "b",
        "budget",
        "true",
        '{"type": "percent_off", "percent": 50}',
        max_redemptions=cap,
        max_redemptions_per_customer=per_customer,
    )
    rule_set = RuleSet.build(1, [record])
    spent = unavailable_rules(rule_set, {"b": (used, used_by_me)})
    result = price(rule_set, Shopper(customer_id="c"), lines, now=NOW, unavailable=spent)
    over = used >= cap or (per_customer is not None and used_by_me >= per_customer)
    assert ("b" in spent) == over
    if over:
        assert result.applied == ()


def test_stop_after_holds_across_shopper_cart_and_line_tests() -> None:
    effect = '{"type": "percent_off", "percent": 1}'
    rules = [
        PricingRuleRecord("r_b", "b", "true", effect),
        PricingRuleRecord("r_a", "a", "cart.subtotal > 3000", effect, stacking="STOP_AFTER"),
        PricingRuleRecord("r_c", "c", "line.quantity > 1", effect),
    ]
    result = price(RuleSet.build(1, rules), Shopper(), [LineInput("A", 11, 273)], now=NOW)
    assert result.rule_ids == ("r_a",)
