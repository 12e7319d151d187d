"""Pricing a cart: unit prices per line, bundle discounts, totals.

Unit prices come from ``catalog.unit_price`` (rule-aware once the pricing engine lands);
bundle discounts are applied by ``bundle_adjustments``, the one place that turns a
bundle's discount into an applied rule.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from commercegraph.adapters.base import BundleRecord, CartLineRecord, Money, ProductRecord
from commercegraph.context import Context
from commercegraph.errors import NotFound
from commercegraph.resolvers.catalog import AppliedRuleResult, UnitPrice, unit_price
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


async def _products(ctx: Context, skus: Sequence[str]) -> dict[str, ProductRecord]:
    records = await asyncio.gather(*(ctx.loaders.product_by_sku.load(s) for s in skus))
    missing = [s for s, r in zip(skus, records, strict=True) if r is None]
    if missing:
        raise NotFound(f"No product with sku {missing[0]!r}", sku=missing[0])
    return {r.sku: r for r in records if r is not None}


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
            rules.append(
                AppliedRuleResult(
                    rule_id=f"bundle:{bundle.id}",
                    name=bundle.name,
                    effect=f"{bundle.discount_percent}% off the bundle",
                    amount=Money(-amount, currency),
                )
            )
    return rules


async def quote_cart(
    ctx: Context, lines: Sequence[CartLineRecord], *, channel: str, currency: str
) -> QuoteResult:
    """Price every line at the cart's total quantity of its sku (quantity tiers)."""
    skus = sorted({line.sku for line in lines})
    products = await _products(ctx, skus) if skus else {}
    totals: Counter[str] = Counter()
    for line in lines:
        totals[line.sku] += line.quantity
    prices = await asyncio.gather(
        *(
            unit_price(ctx, products[s], quantity=totals[s], channel=channel, currency=currency)
            for s in skus
        )
    )
    by_sku = dict(zip(skus, prices, strict=True))
    priced = tuple(
        QuoteLineResult(
            sku=line.sku,
            quantity=line.quantity,
            unit_price=by_sku[line.sku],
            line_total=Money(by_sku[line.sku].final.amount * line.quantity, currency),
            bundle_id=line.bundle_id,
        )
        for line in lines
    )
    subtotal = sum(line.line_total.amount for line in priced)
    rules = await bundle_adjustments(ctx, priced, currency)
    discounts = -sum(r.amount.amount for r in rules)
    return QuoteResult(
        lines=priced,
        subtotal=Money(subtotal, currency),
        discounts=Money(discounts, currency),
        total=Money(subtotal - discounts, currency),
        applied_rules=tuple(rules),
    )
