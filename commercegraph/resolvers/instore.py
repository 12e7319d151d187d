"""Paying in store with the app (``usecases.store_payments``): the shopper asks for a
payment code bound to one store, a till (staff token) redeems it with the sale."""

from __future__ import annotations

from commercegraph.adapters.base import LocationRecord
from commercegraph.context import Context
from commercegraph.errors import BadUserInput
from commercegraph.ids import expect_global_id
from commercegraph.usecases import store_payments
from commercegraph.usecases.shopping import ShoppingPorts
from commercegraph.usecases.store_payments import (
    IssuedCode,
    SaleLine,
    StoreSale,
)
from commercegraph.usecases.validation import check_key


async def store_location(ctx: Context, store_id: str, argument: str = "storeId") -> LocationRecord:
    local_id = expect_global_id(store_id, "Store", argument)
    (location,) = await ctx.registry.inventory.locations_by_id([local_id])
    if location is None or location.kind != "STORE":
        raise BadUserInput(f"No store {store_id!r}", argument=argument)
    return location


async def issue_payment_code(ctx: Context, store_id: str) -> IssuedCode:
    customer_id = ctx.caller.require_customer()
    store = await store_location(ctx, store_id)
    return await store_payments.issue_payment_code(
        ctx.registry.in_store_state(),
        customer_id,
        store,
        ctx.now,
        ctx.settings.store_payment_code_ttl_seconds,
    )


async def redeem_payment_code(
    ctx: Context,
    code: str,
    store_id: str,
    lines: list[SaleLine],
    discount: int,
    idempotency_key: str,
) -> StoreSale:
    ctx.caller.require_staff()
    key = check_key(idempotency_key)
    store_payments.check_code(code)
    store = await store_location(ctx, store_id)
    return await store_payments.redeem_payment_code(
        ShoppingPorts.of(ctx.registry, ctx.settings, ctx.loaders),
        ctx.registry.in_store_state(),
        code,
        store,
        lines,
        discount,
        key,
        ctx.now,
    )
