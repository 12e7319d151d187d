"""Customer reads, each one checked against the caller."""

from __future__ import annotations

from commercegraph.adapters.base import CustomerRecord
from commercegraph.context import Context
from commercegraph.errors import NotFound
from commercegraph.services.identity import normalise_identifier


async def load_customer(ctx: Context, customer_id: str) -> CustomerRecord:
    """Another customer is answered as a missing one, so no id can be probed."""
    missing = NotFound(f"Customer {customer_id!r} not found")
    if not ctx.caller.can_see_customer(customer_id):
        raise missing
    customer: CustomerRecord | None = await ctx.loaders.customer_by_id.load(customer_id)
    if customer is None:
        raise missing
    return customer


async def me(ctx: Context) -> CustomerRecord:
    return await load_customer(ctx, ctx.caller.require_customer())


async def by_identifier(ctx: Context, kind: str, value: str) -> CustomerRecord:
    ctx.caller.require_staff()
    normalised = normalise_identifier(kind, value)
    customer_id: str | None = await ctx.loaders.customer_by_identifier.load((kind, normalised))
    if customer_id is None:
        raise NotFound(f"No customer with {kind} {normalised!r}")
    return await load_customer(ctx, customer_id)
