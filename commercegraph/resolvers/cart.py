"""Carts: create, add and remove lines, add bundles. A cart belongs to its customer
(or to nobody, while anonymous); only that customer or staff may touch it
(``usecases.carts``)."""

from __future__ import annotations

from collections.abc import Sequence

from commercegraph.adapters.base import (
    BundleRecord,
    CartQuery,
    CartRecord,
    Page,
    ProductRecord,
)
from commercegraph.context import Context
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.ids import expect_global_id
from commercegraph.services.pagination import check_first
from commercegraph.usecases import carts
from commercegraph.usecases.validation import MAX_QUANTITY, check_currency, check_quantity

MAX_SKU_LENGTH = 64


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


async def product_for_sku(ctx: Context, sku: str) -> ProductRecord:
    if not sku or len(sku) > MAX_SKU_LENGTH:
        raise BadUserInput(f"{sku!r} is not a sku", argument="sku")
    product: ProductRecord | None = await ctx.loaders.product_by_sku.load(sku)
    if product is None:
        raise NotFound(f"No product with sku {sku!r}", argument="sku")
    return product


async def create_cart(ctx: Context, channel: str, currency: str | None) -> CartRecord:
    code = check_currency(currency, ctx.settings.default_currency)
    owner = ctx.caller.customer_id if "customer" in ctx.caller.scopes else None
    return await ctx.registry.commerce.create_cart(owner, channel, code)


async def add_cart_line(ctx: Context, cart_id: str, sku: str, quantity: int) -> CartRecord:
    check_quantity(quantity)
    cart = await open_cart(ctx, cart_id)
    bound = ctx.settings.checkout_max_line_quantity
    held = sum(line.quantity for line in cart.lines if line.sku == sku)
    if held + quantity > bound:
        raise BadUserInput(
            f"At most {bound} units of one sku per order ({held} already in the cart)",
            argument="quantity",
            maxQuantity=bound,
        )
    await product_for_sku(ctx, sku)
    return await ctx.registry.commerce.set_cart_line(cart.id, sku, quantity)


async def set_cart_line_quantity(ctx: Context, cart_id: str, sku: str, quantity: int) -> CartRecord:
    """Idempotent: the line ends holding ``quantity`` however often this is sent."""
    if not 0 <= quantity <= MAX_QUANTITY:
        raise BadUserInput(f"`quantity` must be between 0 and {MAX_QUANTITY}", argument="quantity")
    cart = await open_cart(ctx, cart_id)
    await product_for_sku(ctx, sku)
    return await ctx.registry.commerce.replace_cart_line(cart.id, sku, quantity)


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
    line = next((li for li in cart.lines if li.sku == sku and li.bundle_id == local_bundle), None)
    if line is None:
        raise NotFound(f"Cart has no line for {sku!r}", argument="sku")
    return await ctx.registry.commerce.set_cart_line(cart.id, sku, -line.quantity, local_bundle)


async def add_bundle_to_cart(
    ctx: Context, cart_id: str, bundle_id: str, picks: Sequence[str] | None
) -> CartRecord:
    cart = await open_cart(ctx, cart_id)
    local_id = expect_global_id(bundle_id, "Bundle", "bundleId")
    bundle: BundleRecord | None = await ctx.loaders.bundle_by_id.load(local_id)
    if bundle is None:
        raise NotFound(f"No bundle {bundle_id!r}", argument="bundleId")
    lines = carts.bundle_lines(bundle, picks)
    for line in lines:
        cart = await ctx.registry.commerce.set_cart_line(
            cart.id, line.sku, line.quantity, line.bundle_id
        )
    return cart
