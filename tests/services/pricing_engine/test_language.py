"""The condition language and the effect documents: what is refused, where, and the pins."""

from __future__ import annotations

import pytest

from commercegraph.services.pricing_engine import (
    ConditionError,
    EffectError,
    check_condition,
    parse_effect,
)
from commercegraph.services.pricing_engine.effects import line_discount, spread


@pytest.mark.parametrize(
    ("source", "message", "line", "column"),
    [
        ("customer.bogus == 1", "Unknown field customer.bogus", 1, 10),
        ("cart.subtotal > 10 &&\n  basket.size > 1", "Unknown variable 'basket'", 2, 3),
        ('line.quantity > "3"', "Cannot order int and string", 1, 15),
        ("line.quantity * 1.5 > 2", "does not mix int and double", 1, 15),
        ("line.quantity >", "Expected a value", 1, 16),
        ("now.hour", "must be bool, got int", 1, 1),
        ("line.sku.startsWith(3)", "argument of startsWith() must be string", 1, 21),
        ("cart.skus.exists(s, s + 1)", "`+` is not defined for string and int", 1, 23),
        ("line.sku == 'a' ; true", "Unexpected character ';'", 1, 17),
        ("", "must not be empty", 1, 1),
        (
            "customer.segments.size() > 1 && customer.tier == 'GOLD'",
            "Unknown field customer.tier",
            1,
            42,
        ),
    ],
)
def test_bad_conditions_are_refused_with_their_position(
    source: str, message: str, line: int, column: int
) -> None:
    with pytest.raises(ConditionError) as caught:
        check_condition(source)
    assert message in str(caught.value)
    assert (caught.value.line, caught.value.column) == (line, column)


def test_good_conditions_type_check() -> None:
    for source in (
        'customer.loyalty_tier in ["GOLD", "PLATINUM"] && !customer.anonymous',
        'cart.skus.exists(s, s.startsWith("SKU-COF")) && cart.item_count >= 3',
        'now.timestamp >= timestamp("2026-01-01T00:00:00Z") && now.weekday >= 6',
        'double(line.unit_price) * 1.1 > 100.0 || line.bundle_id != ""',
        'cart.category_quantities["Coffee Pods"] >= 3 && size(line.tags) > 0',
        'fulfillment == "PICKUP" ? store.region == "north" : true',
    ):
        check_condition(source)


def test_pins_come_from_top_level_conjuncts_only() -> None:
    pinned = check_condition(
        'line.sku == "A" && "rfm:champions" in customer.segments && channel == "WEB"'
    )
    assert dict(pinned.pins) == {
        "sku": frozenset({"A"}),
        "segment": frozenset({"rfm:champions"}),
        "channel": frozenset({"WEB"}),
    }
    assert pinned.fully_pinned
    partly = check_condition('line.brand in ["X", "Y"] && line.quantity > 2')
    assert dict(partly.pins) == {"brand": frozenset({"X", "Y"})} and not partly.fully_pinned
    either = check_condition('line.sku == "A" || line.sku == "B"')
    assert dict(either.pins) == {} and not either.fully_pinned


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('{"type": "percent_off", "percent": 150}', "`percent` must be above 0"),
        ('{"type": "percent_off", "percent": 10.555}', "two decimals"),
        ('{"type": "amount_off", "amount": -5}', "`amount` must be an integer"),
        ('{"type": "half_off"}', "`type` must be one of"),
        ('{"type": "percent_off", "percent": 5, "colour": 1}', "Unknown field `colour`"),
        ('{"type": "fixed_price", "amount": 5, "per": "cart"}', "A fixed price applies per line"),
        ('{"type": "tiers", "tiers": [{"min_quantity": 2}]}', "one of `percent`, `amount`"),
        ('{"type": "percent_off", "percent": 5', "Effect is not JSON"),
    ],
)
def test_bad_effects_are_refused(source: str, message: str) -> None:
    with pytest.raises(EffectError) as caught:
        parse_effect(source)
    assert message in str(caught.value)
    assert caught.value.line >= 1 and caught.value.column >= 1


def test_effect_amounts() -> None:
    tiers = parse_effect(
        '{"type": "tiers", "tiers": [{"min_quantity": 3, "percent": 5}, {"min_quantity": 10, "amount": 100}]}'
    )
    assert line_discount(tiers, current=2_000, unit_base=1_000, quantity=2) == 0
    assert line_discount(tiers, current=3_000, unit_base=1_000, quantity=3) == 150
    assert line_discount(tiers, current=10_000, unit_base=1_000, quantity=10) == 1_000
    b2g1 = parse_effect('{"type": "buy_x_get_y", "buy": 2, "get": 1}')
    assert line_discount(b2g1, current=6_000, unit_base=1_000, quantity=6) == 2_000
    assert line_discount(b2g1, current=2_000, unit_base=1_000, quantity=2) == 0
    fixed = parse_effect('{"type": "fixed_price", "amount": 700}')
    assert line_discount(fixed, current=2_000, unit_base=1_000, quantity=2) == 600
    assert parse_effect('{"type": "percent_off", "percent": 12.5}').basis_points == 1_250


def test_spread_is_exact_and_proportional() -> None:
    assert spread(100, [1, 1, 1]) == [34, 33, 33]
    assert spread(500, [3_000, 1_000]) == [375, 125]
    assert sum(spread(999, [7, 13, 29, 51])) == 999
    assert spread(10, [0, 0]) == [0, 0]
