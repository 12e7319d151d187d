"""Carts: create, add and remove lines, add bundles. A cart belongs to its customer
(or to nobody, while anonymous); only that customer or staff may touch it."""

from __future__ import annotations

from collections.abc import Sequence

from commercegraph.adapters.base import BundleRecord, CartLineRecord, CartRecord, ProductRecord
from commercegraph.context import Context
from commercegraph.errors import BadUserInput, Conflict, NotFound
from commercegraph.ids import expect_global_id
from commercegraph.resolvers.catalog import check_currency, check_quantity
from commercegraph.services.bundles import MIX_AND_MATCH

MAX_SKU_LENGTH = 64


def may_touch_cart(ctx: Context, cart: CartRecord) -> bool:
    return cart.customer_id is None or ctx.caller.can_see_customer(cart.customer_id)


async def load_cart(ctx: Context, cart_id: str, argument: str = "cartId") -> CartRecord:
    """The cart as it is now (not through the request's loader: mutations change it).

    Someone else's cart is answered as a missing one: a different answer would tell the
    caller that the id exists."""
    local_id = expect_global_id(cart_id, "Cart", argument)
    (cart,) = await ctx.registry.commerce.carts_by_id([local_id])
    if cart is None or not may_touch_cart(ctx, cart):
        raise NotFound(f"No cart {cart_id!r}", argument=argument)
    return cart


async def open_cart(ctx: Context, cart_id: str) -> CartRecord:
    cart = await load_cart(ctx, cart_id)
    if cart.status != "OPEN":
        raise Conflict(f"Cart {cart_id!r} is {cart.status.lower()}", argument="cartId")
    return cart


async def product_for_sku(ctx: Context, sku: str) -> ProductRecord:
    if not sku or len(sku) > MAX_SKU_LENGTH:
        raise BadUserInput(f"{sku!r} is not a sku", argument="sku")
    product: ProductRecord | None = await ctx.loaders.product_by_sku.load(sku)
    if product is None:
        raise NotFound(f"No product with sku {sku!r}", argument="sku")
    return product


async def create_cart(ctx: Context, channel: str, currency: str | None) -> CartRecord:
    code = check_currency(ctx, currency)
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


async def remove_cart_line(
    ctx: Context, cart_id: str, sku: str, bundle_id: str | None
) -> CartRecord:
    cart = await open_cart(ctx, cart_id)
    local_bundle = expect_global_id(bundle_id, "Bundle", "bundleId") if bundle_id else None
    line = next((li for li in cart.lines if li.sku == sku and li.bundle_id == local_bundle), None)
    if line is None:
        raise NotFound(f"Cart has no line for {sku!r}", argument="sku")
    return await ctx.registry.commerce.set_cart_line(cart.id, sku, -line.quantity, local_bundle)


def bundle_lines(bundle: BundleRecord, picks: Sequence[str] | None) -> list[CartLineRecord]:
    """The cart lines one set of ``bundle`` adds; a mix-and-match set needs its picks."""
    if bundle.kind != MIX_AND_MATCH:
        if picks:
            raise BadUserInput("Only a mix-and-match bundle takes `skus`", argument="skus")
        return [CartLineRecord(c.sku, c.quantity, bundle.id) for c in bundle.components]
    size = bundle.pick_count or 1
    members = {c.sku for c in bundle.components}
    if picks is None or len(picks) != size:
        raise BadUserInput(f"Pick exactly {size} items of this bundle", argument="skus")
    strangers = sorted(set(picks) - members)
    if strangers:
        raise BadUserInput(f"{strangers[0]!r} is not part of this bundle", argument="skus")
    counts: dict[str, int] = {}
    for sku in picks:
        counts[sku] = counts.get(sku, 0) + 1
    return [CartLineRecord(sku, q, bundle.id) for sku, q in sorted(counts.items())]


async def add_bundle_to_cart(
    ctx: Context, cart_id: str, bundle_id: str, picks: Sequence[str] | None
) -> CartRecord:
    cart = await open_cart(ctx, cart_id)
    local_id = expect_global_id(bundle_id, "Bundle", "bundleId")
    bundle: BundleRecord | None = await ctx.loaders.bundle_by_id.load(local_id)
    if bundle is None:
        raise NotFound(f"No bundle {bundle_id!r}", argument="bundleId")
    lines = bundle_lines(bundle, picks)
    for line in lines:
        cart = await ctx.registry.commerce.set_cart_line(
            cart.id, line.sku, line.quantity, line.bundle_id
        )
    return cart
