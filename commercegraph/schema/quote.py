"""A priced basket, explained: lines, subtotal, discounts, total and the rules applied."""

from __future__ import annotations

import strawberry

from commercegraph.schema.catalog import AppliedRule, Price
from commercegraph.schema.common import Money
from commercegraph.usecases.quote import QuoteLineResult, QuoteResult


@strawberry.type(description="A priced line of a basket.")
class QuoteLine:
    sku: str = strawberry.field(description="The product's sku.")
    quantity: int = strawberry.field(description="Units.")
    unit_price: Price = strawberry.field(description="One unit's price, explained.")
    line_total: Money = strawberry.field(description="What the line costs, rules applied.")

    @classmethod
    def of(cls, line: QuoteLineResult) -> QuoteLine:
        return cls(
            sku=line.sku,
            quantity=line.quantity,
            unit_price=Price.of(line.unit_price),
            line_total=Money.of(line.line_total),
        )


@strawberry.type(description="A basket priced for the caller, every rule explained.")
class PriceQuote:
    lines: list[QuoteLine] = strawberry.field(description="The lines, priced.")
    subtotal: Money = strawberry.field(description="The lines at their base prices.")
    discounts: Money = strawberry.field(description="What the applied rules take off.")
    total: Money = strawberry.field(description="What the basket costs: subtotal less discounts.")
    applied_rules: list[AppliedRule] = strawberry.field(
        description="Every rule that applied, with what it took off in all."
    )

    @classmethod
    def of(cls, quote: QuoteResult) -> PriceQuote:
        return cls(
            lines=[QuoteLine.of(line) for line in quote.lines],
            subtotal=Money.of(quote.subtotal),
            discounts=Money.of(quote.discounts),
            total=Money.of(quote.total),
            applied_rules=[AppliedRule.of(r) for r in quote.applied_rules],
        )
