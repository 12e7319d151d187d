"""A priced basket, explained: lines, subtotal, discounts, total and the rules applied."""

from __future__ import annotations

import strawberry

from commercegraph.resolvers.quote import QuoteLineResult, QuoteResult
from commercegraph.schema.catalog import AppliedRule, Price
from commercegraph.schema.common import Money


@strawberry.type
class QuoteLine:
    sku: str
    quantity: int
    unit_price: Price
    line_total: Money

    @classmethod
    def of(cls, line: QuoteLineResult) -> QuoteLine:
        return cls(
            sku=line.sku,
            quantity=line.quantity,
            unit_price=Price.of(line.unit_price),
            line_total=Money.of(line.line_total),
        )


@strawberry.type
class PriceQuote:
    lines: list[QuoteLine]
    subtotal: Money
    discounts: Money = strawberry.field(description="What the applied rules take off.")
    total: Money
    applied_rules: list[AppliedRule]

    @classmethod
    def of(cls, quote: QuoteResult) -> PriceQuote:
        return cls(
            lines=[QuoteLine.of(line) for line in quote.lines],
            subtotal=Money.of(quote.subtotal),
            discounts=Money.of(quote.discounts),
            total=Money.of(quote.total),
            applied_rules=[AppliedRule.of(r) for r in quote.applied_rules],
        )
