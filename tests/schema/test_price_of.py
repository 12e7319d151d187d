"""A unit price as the schema's ``Price``: each amount its own ``Money``, the rules in order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commercegraph.adapters.base import Money as MoneyRecord
from commercegraph.schema.catalog import Price
from commercegraph.schema.common import Money
from commercegraph.usecases.quote import AppliedRuleResult, UnitPrice

RULES = (
    AppliedRuleResult("r1", "Ten off", "10% off", MoneyRecord(100, "USD")),
    AppliedRuleResult("r2", "Pods", "$1 off", MoneyRecord(50, "USD")),
)


@pytest.mark.parametrize("rules", [(), RULES])
def test_a_price_holds_its_amounts_and_rules_in_order(
    rules: tuple[AppliedRuleResult, ...],
) -> None:
    until = datetime(2026, 12, 31, tzinfo=UTC)
    price = Price.of(UnitPrice(MoneyRecord(1000, "USD"), MoneyRecord(850, "EUR"), rules, until))
    assert price.base == Money(amount=1000, currency="USD")
    assert price.final == Money(amount=850, currency="EUR")
    assert type(price.base) is Money and type(price.final) is Money
    assert [(r.rule_id, r.amount) for r in price.applied_rules] == [
        (r.rule_id, Money(amount=r.amount.amount, currency="USD")) for r in rules
    ]
    other = Price.of(UnitPrice(MoneyRecord(1, "USD"), MoneyRecord(1, "USD"), rules, None))
    assert other.applied_rules is not price.applied_rules  # no list shared between prices
    assert price.valid_until == until
