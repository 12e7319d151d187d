"""Pricing reads and writes for the caller: the request's ports, then ``usecases.pricing``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from commercegraph.adapters.base import Page, PricingRuleRecord
from commercegraph.context import Context
from commercegraph.services.pricing_engine import LineResult, QuoteResult
from commercegraph.usecases import pricing as pricing_cases
from commercegraph.usecases import pricing_rules
from commercegraph.usecases.pricing import PriceKey, PricingPorts, QuoteLine
from commercegraph.usecases.quote import QuoteResult as CartQuote
from commercegraph.usecases.quote import as_cart_quote


def ports(ctx: Context) -> PricingPorts:
    return PricingPorts(ctx.loaders, ctx.registry.pricing, ctx.settings)


async def quote_lines(
    ctx: Context,
    lines: Sequence[QuoteLine],
    *,
    channel: str,
    store_id: str | None,
    currency: str | None,
    fulfillment: str | None = None,
) -> QuoteResult:
    """Price ``(sku, quantity, bundle id)`` lines for the caller; carts call this too."""
    return await pricing_cases.quote_lines(
        ports(ctx),
        ctx.caller.customer_id,
        lines,
        channel=channel,
        store_id=store_id,
        currency=currency,
        now=ctx.now,
        fulfillment=fulfillment,
    )


async def quote(
    ctx: Context,
    lines: Sequence[QuoteLine],
    *,
    channel: str,
    store_id: str | None,
    currency: str | None,
    fulfillment: str | None = None,
) -> CartQuote:
    """The caller's quote of ``lines`` in the shape ``PriceQuote`` shows."""
    priced = await quote_lines(
        ctx, lines, channel=channel, store_id=store_id, currency=currency, fulfillment=fulfillment
    )
    return as_cart_quote(priced)


async def price_products(ctx: Context, keys: list[PriceKey]) -> list[LineResult | Exception]:
    """The batch behind ``ctx.product_prices``."""
    return await pricing_cases.price_products(ports(ctx), ctx.caller.customer_id, keys, ctx.now)


async def redeem(ctx: Context, order_id: str, rule_ids: Iterable[str]) -> list[str]:
    return await pricing_cases.redeem(ports(ctx), order_id, ctx.caller.customer_id, rule_ids)


async def list_rules(ctx: Context, first: int, after: str | None) -> Page[PricingRuleRecord]:
    ctx.caller.require_staff()
    return await pricing_rules.list_rules(
        ctx.registry.pricing, first, after, max_page_size=ctx.settings.max_page_size
    )


async def upsert_rule(ctx: Context, rule: PricingRuleRecord) -> PricingRuleRecord:
    ctx.caller.require_staff()
    return await pricing_rules.upsert_rule(
        ctx.registry.pricing,
        rule,
        ctx.caller.subject or "staff",
        default_currency=ctx.settings.default_currency,
    )


async def delete_rule(ctx: Context, rule_id: str) -> bool:
    ctx.caller.require_staff()
    return await pricing_rules.delete_rule(
        ctx.registry.pricing, rule_id, ctx.caller.subject or "staff"
    )
