"""The smart shopping list: explicit entries plus replenishment inferred from orders."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from commercegraph.adapters.base import (
    CartQuery,
    CartRecord,
    ProductRecord,
    PurchasedLine,
    ShoppingListEntryRecord,
)
from commercegraph.context import Context
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.ids import expect_global_id
from commercegraph.resolvers import personal_sources as src
from commercegraph.resolvers.customer import me
from commercegraph.services.replenishment import estimates
from commercegraph.services.shopping_list import DISMISSED, LISTED, ListItem, compose

MAX_LIST_QUANTITY = 999
OPEN_CARTS_LOOKED_AT = 20  # a caller's open carts searched for one to reuse


def due_window(ctx: Context) -> timedelta:
    return timedelta(days=ctx.settings.replenishment_due_window_days)


async def shopping_list(ctx: Context, customer_id: str) -> list[ListItem]:
    history: list[PurchasedLine]
    entries: list[ShoppingListEntryRecord]
    history, entries = await asyncio.gather(
        src.purchase_history(ctx, customer_id),
        ctx.loaders.shopping_list_entries.load(customer_id),
    )
    return compose(entries, estimates(history), now=ctx.now, window=due_window(ctx))


async def _product(ctx: Context, sku: str) -> ProductRecord:
    if not sku or len(sku) > 64:
        raise BadUserInput("`sku` must be 1 to 64 characters", argument="sku")
    product: ProductRecord | None = await ctx.loaders.product_by_sku.load(sku)
    if product is None:
        raise NotFound(f"No product with sku {sku!r}")
    return product


async def _caller(ctx: Context) -> str:
    return (await me(ctx)).id


async def add_item(ctx: Context, sku: str, quantity: int) -> str:
    customer_id = await _caller(ctx)
    if not 1 <= quantity <= MAX_LIST_QUANTITY:
        raise BadUserInput(
            f"`quantity` must be between 1 and {MAX_LIST_QUANTITY}", argument="quantity"
        )
    await _product(ctx, sku)
    await ctx.registry.customer.set_shopping_list_entry(customer_id, sku, quantity, LISTED, ctx.now)
    return customer_id


async def remove_item(ctx: Context, sku: str) -> str:
    """Removes an explicit item, or hides an inferred one until the next purchase of it."""
    customer_id = await _caller(ctx)
    await _product(ctx, sku)
    await ctx.registry.customer.set_shopping_list_entry(customer_id, sku, 0, DISMISSED, ctx.now)
    return customer_id


@dataclass(frozen=True, slots=True)
class FilledCart:
    cart_id: str
    lines: tuple[tuple[str, int], ...]
    added: tuple[tuple[str, int], ...]


async def _open_cart(ctx: Context, customer_id: str, channel: str) -> CartRecord | None:
    """The caller's most recently changed open cart on this channel, in the default currency."""
    (page,) = await ctx.registry.commerce.carts_for_customers(
        [CartQuery(customer_id, first=OPEN_CARTS_LOOKED_AT, status="OPEN")]
    )
    currency = ctx.settings.default_currency
    for cart in page.items:
        if cart.channel == channel and cart.currency == currency:
            return cart
    return None


async def auto_fill_cart(ctx: Context, cart_id: str | None, channel: str) -> FilledCart:
    """Tops a cart up to each due item's usual quantity; running it twice adds nothing more.

    The cart is ``cart_id``, else the caller's latest open cart on ``channel``, else a new one.
    """
    customer_id = await _caller(ctx)
    if cart_id is not None:
        local_id = expect_global_id(cart_id, "Cart", "cartId")
        cart = await src.cart_for(ctx, local_id)
        if cart is None or cart.customer_id != customer_id:
            raise NotFound(f"No cart {cart_id!r}")
        if cart.status != "OPEN":
            raise BadUserInput(f"The cart is {cart.status.lower()}", argument="cartId")
    else:
        cart = await _open_cart(ctx, customer_id, channel) or await src.new_cart(
            ctx, customer_id, channel
        )
    due = [i for i in await shopping_list(ctx, customer_id) if i.due_soon]
    stocked = await asyncio.gather(*(src.in_stock_for_channel(ctx, i.sku, channel) for i in due))
    held = {line.sku: line.quantity for line in cart.lines if line.bundle_id is None}
    added = []
    for item, in_stock in zip(due, stocked, strict=True):
        missing = item.quantity - held.get(item.sku, 0)
        if in_stock and missing > 0:
            cart = await src.add_to_cart(ctx, cart.id, item.sku, missing)
            added.append((item.sku, missing))
    # the cart was loaded (and cached for this request) before the fill
    ctx.loaders.cart_by_id.clear(cart.id).prime(cart.id, cart)
    return FilledCart(
        cart_id=cart.id,
        lines=tuple((line.sku, line.quantity) for line in cart.lines),
        added=tuple(added),
    )
