"""A cart's price for the caller (``usecases.quote``): the pricing engine's lines, then
the bundle discounts."""

from __future__ import annotations

from collections.abc import Sequence

from commercegraph.adapters.base import CartLineRecord
from commercegraph.context import Context
from commercegraph.resolvers.pricing import ports
from commercegraph.usecases import quote
from commercegraph.usecases.quote import QuoteResult


async def quote_cart(
    ctx: Context,
    lines: Sequence[CartLineRecord],
    *,
    channel: str,
    currency: str,
    store_id: str | None = None,
) -> QuoteResult:
    return await quote.quote_cart(
        ports(ctx),
        ctx.caller.customer_id,
        lines,
        channel=channel,
        currency=currency,
        now=ctx.now,
        store_id=store_id,
    )
