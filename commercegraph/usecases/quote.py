"""Pricing a cart: unit prices per line, bundle discounts, totals.

Lines are priced by the pricing engine (``usecases.pricing.quote_lines``), every line
together so cart-wide rules see the whole cart; bundle discounts are then applied on what
the lines cost after the rules. ``bundle_rule`` is the one place that turns a bundle's
discount into an applied rule. Applied amounts are what a rule takes off (positive).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from commercegraph.adapters.base import BundleRecord, CartLineRecord, Money
from commercegraph.loaders import Loaders
from commercegraph.services import pricing_engine as engine
from commercegraph.services.bundles import bundle_discount
from commercegraph.usecases.pricing import PricingPorts, quote_lines


@dataclass(frozen=True, slots=True)
class AppliedRuleResult:
    rule_id: str
    name: str
    effect: str
    amount: Money


@dataclass(frozen=True, slots=True)
class UnitPrice:
    base: Money
    final: Money
    applied_rules: tuple[AppliedRuleResult, ...]
    valid_until: datetime | None


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


def unit_price_of(line: engine.LineResult, currency: str) -> UnitPrice:
    """A line as a unit price: ``final`` is the line total per unit, rounded half up;
    the applied amounts are for the whole line, so they add up to base × quantity − total;
    ``valid_until`` is when the base price or an applied rule stops applying."""
    quantity, applied = line.line.quantity, line.applied
    valid_until = line.line.valid_until
    for a in applied:  # the earliest end; a loop, as most lines have no rule or one
        if a.valid_until is not None and (valid_until is None or a.valid_until < valid_until):
            valid_until = a.valid_until
    return UnitPrice(
        base=Money(line.line.unit_base, currency),
        final=Money((2 * line.total + quantity) // (2 * quantity), currency),
        applied_rules=tuple(
            [
                AppliedRuleResult(a.rule_id, a.name, a.effect, Money(a.amount, currency))
                for a in applied
            ]
        )
        if applied
        else (),
        valid_until=valid_until,
    )


def as_cart_quote(result: engine.QuoteResult) -> QuoteResult:
    """The engine's quote in the shape ``PriceQuote`` shows (carts use it too)."""
    cur = result.currency
    return QuoteResult(
        lines=tuple(
            QuoteLineResult(
                sku=line.line.sku,
                quantity=line.line.quantity,
                unit_price=unit_price_of(line, cur),
                line_total=Money(line.total, cur),
                bundle_id=line.line.bundle_id,
            )
            for line in result.lines
        ),
        subtotal=Money(result.subtotal, cur),
        discounts=Money(result.discounts, cur),
        total=Money(result.total, cur),
        applied_rules=tuple(
            AppliedRuleResult(a.rule_id, a.name, a.effect, Money(a.amount, cur))
            for a in result.applied
        ),
    )


def bundle_rule(bundle: BundleRecord, amount: int, currency: str) -> AppliedRuleResult:
    """A bundle's discount as an applied rule (carts and ``Bundle.price`` alike)."""
    return AppliedRuleResult(
        rule_id=f"bundle:{bundle.id}",
        name=bundle.name,
        effect=f"{bundle.discount_percent}% off the bundle",
        amount=Money(amount, currency),
    )


async def bundle_adjustments(
    reads: Loaders, lines: Sequence[QuoteLineResult], currency: str
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
        *(reads.bundle_by_id.load(b) for b in bundle_ids)
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
    ports: PricingPorts,
    customer_id: str | None,
    lines: Sequence[CartLineRecord],
    *,
    channel: str,
    currency: str,
    now: datetime,
    store_id: str | None = None,
) -> QuoteResult:
    """Price the cart's lines for the shopper, then its bundle discounts."""
    if not lines:
        zero = Money(0, currency)
        return QuoteResult(lines=(), subtotal=zero, discounts=zero, total=zero)
    priced = as_cart_quote(
        await quote_lines(
            ports,
            customer_id,
            [(line.sku, line.quantity, line.bundle_id) for line in lines],
            channel=channel,
            store_id=store_id,
            currency=currency,
            now=now,
        )
    )
    bundles = await bundle_adjustments(ports.reads, priced.lines, currency)
    discounts = priced.discounts.amount + sum(r.amount.amount for r in bundles)
    return QuoteResult(
        lines=priced.lines,
        subtotal=priced.subtotal,
        discounts=Money(discounts, currency),
        total=Money(priced.subtotal.amount - discounts, currency),
        applied_rules=priced.applied_rules + tuple(bundles),
    )
