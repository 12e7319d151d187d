"""Pricing a cart: unit prices per line, bundle discounts, totals.

Lines are priced by the pricing engine (``resolvers.pricing.quote_lines``); bundle
discounts are applied by ``bundle_adjustments``; ``bundle_rule`` is the one place that
turns a bundle's discount into an applied rule. Applied amounts are what a rule takes off
(positive).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from commercegraph.adapters.base import BundleRecord, CartLineRecord, Money
from commercegraph.context import Context
from commercegraph.resolvers.catalog import AppliedRuleResult, UnitPrice
from commercegraph.services.bundles import bundle_discount


@dataclass(frozen=True, slots=True)
class QuoteLineResult:
    sku: str
    quantity: int
    unit_price: UnitPrice
    line_total: Money
    bundle_id: str | None = None


@dataclass(frozen=True, slots=True)
class QuoteResult:
    lines: tuple[QuoteLineResult, ...]
    subtotal: Money
    discounts: Money
    total: Money
    applied_rules: tuple[AppliedRuleResult, ...] = ()


def bundle_rule(bundle: BundleRecord, amount: int, currency: str) -> AppliedRuleResult:
    """A bundle's discount as an applied rule (carts and ``Bundle.price`` alike)."""
    return AppliedRuleResult(
        rule_id=f"bundle:{bundle.id}",
        name=bundle.name,
        effect=f"{bundle.discount_percent}% off the bundle",
        amount=Money(amount, currency),
    )


async def bundle_adjustments(
    ctx: Context, lines: Sequence[QuoteLineResult], currency: str
) -> list[AppliedRuleResult]:
    """One applied rule per bundle in the cart whose discount some whole set earns."""
    by_bundle: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for line in lines:
        if line.bundle_id is not None:
            by_bundle[line.bundle_id].append(
                (line.sku, line.quantity, line.unit_price.final.amount)
            )
    bundle_ids = sorted(by_bundle)
    bundles: list[BundleRecord | None] = await asyncio.gather(
        *(ctx.loaders.bundle_by_id.load(b) for b in bundle_ids)
    )
    rules = []
    for bundle in bundles:
        if bundle is None:
            continue
        amount = bundle_discount(bundle, by_bundle[bundle.id])
        if amount > 0:
            rules.append(bundle_rule(bundle, amount, currency))
    return rules


async def quote_cart(
    ctx: Context,
    lines: Sequence[CartLineRecord],
    *,
    channel: str,
    currency: str,
    store_id: str | None = None,
) -> QuoteResult:
    """Price the cart with the pricing engine (every line together, so cart-wide rules see
    the whole cart), then the bundle discounts on what the lines cost after the rules."""
    from commercegraph.resolvers.pricing import as_cart_quote, quote_lines

    if not lines:
        zero = Money(0, currency)
        return QuoteResult(lines=(), subtotal=zero, discounts=zero, total=zero)
    engine = as_cart_quote(
        await quote_lines(
            ctx,
            [(line.sku, line.quantity, line.bundle_id) for line in lines],
            channel=channel,
            store_id=store_id,
            currency=currency,
        )
    )
    bundles = await bundle_adjustments(ctx, engine.lines, currency)
    discounts = engine.discounts.amount + sum(r.amount.amount for r in bundles)
    return QuoteResult(
        lines=engine.lines,
        subtotal=engine.subtotal,
        discounts=Money(discounts, currency),
        total=Money(engine.subtotal.amount - discounts, currency),
        applied_rules=engine.applied_rules + tuple(bundles),
    )
