"""Carts: create, add and remove lines, add bundles. A cart belongs to its customer
(or to nobody, while anonymous); only that customer or staff may touch it
(``usecases.carts``)."""

from __future__ import annotations

from collections.abc import Sequence

from commercegraph.adapters.base import (
    CartQuery,
    CartRecord,
    Page,
)
from commercegraph.context import Context
from commercegraph.ids import expect_global_id
from commercegraph.services.pagination import check_first
from commercegraph.usecases import carts
from commercegraph.usecases.validation import check_currency, check_quantity


def may_touch_cart(ctx: Context, cart: CartRecord) -> bool:
    return carts.may_touch_cart(ctx.caller, cart)


async def load_cart(ctx: Context, cart_id: str, argument: str = "cartId") -> CartRecord:
    local_id = expect_global_id(cart_id, "Cart", argument)
    return await carts.load_cart(
        ctx.registry.commerce, ctx.caller, local_id, shown_as=cart_id, argument=argument
    )


async def open_cart(ctx: Context, cart_id: str) -> CartRecord:
    local_id = expect_global_id(cart_id, "Cart", "cartId")
    return await carts.open_cart(ctx.registry.commerce, ctx.caller, local_id, shown_as=cart_id)


async def create_cart(ctx: Context, channel: str, currency: str | None) -> CartRecord:
    code = check_currency(currency, ctx.settings.default_currency)
    owner = ctx.caller.customer_id if "customer" in ctx.caller.scopes else None
    return await ctx.registry.commerce.create_cart(owner, channel, code)


async def add_cart_line(ctx: Context, cart_id: str, sku: str, quantity: int) -> CartRecord:
    check_quantity(quantity)
    cart = await open_cart(ctx, cart_id)
    return await carts.add_line(
        ctx.registry.commerce,
        ctx.loaders,
        cart,
        sku,
        quantity,
        max_line_quantity=ctx.settings.checkout_max_line_quantity,
    )


async def set_cart_line_quantity(ctx: Context, cart_id: str, sku: str, quantity: int) -> CartRecord:
    carts.check_line_quantity(quantity)
    cart = await open_cart(ctx, cart_id)
    return await carts.replace_line(ctx.registry.commerce, ctx.loaders, cart, sku, quantity)


async def customer_carts(
    ctx: Context, customer_id: str, first: int, after: str | None, status: str | None
) -> Page[CartRecord]:
    check_first(first, ctx.settings.max_page_size)
    page: Page[CartRecord] = await ctx.loaders.carts.load(
        CartQuery(customer_id, first, after, status)
    )
    return page


async def remove_cart_line(
    ctx: Context, cart_id: str, sku: str, bundle_id: str | None
) -> CartRecord:
    cart = await open_cart(ctx, cart_id)
    local_bundle = expect_global_id(bundle_id, "Bundle", "bundleId") if bundle_id else None
    return await carts.remove_line(ctx.registry.commerce, cart, sku, local_bundle)


async def add_bundle_to_cart(
    ctx: Context, cart_id: str, bundle_id: str, picks: Sequence[str] | None
) -> CartRecord:
    cart = await open_cart(ctx, cart_id)
    local_id = expect_global_id(bundle_id, "Bundle", "bundleId")
    return await carts.add_bundle(
        ctx.registry.commerce, ctx.loaders, cart, local_id, picks, shown_as=bundle_id
    )
