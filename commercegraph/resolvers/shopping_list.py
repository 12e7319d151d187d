"""The caller's smart shopping list and the cart it fills (``usecases.shopping_lists``)."""

from __future__ import annotations

from commercegraph.context import Context
from commercegraph.ids import expect_global_id
from commercegraph.resolvers.customer import me
from commercegraph.resolvers.personal_sources import ports
from commercegraph.services.shopping_list import ListItem
from commercegraph.usecases import shopping_lists
from commercegraph.usecases.shopping_lists import FilledCart


async def shopping_list(ctx: Context, customer_id: str) -> list[ListItem]:
    return await shopping_lists.shopping_list(ports(ctx), customer_id, ctx.now)


async def _caller(ctx: Context) -> str:
    return (await me(ctx)).id


async def add_item(ctx: Context, sku: str, quantity: int) -> str:
    customer_id = await _caller(ctx)
    await shopping_lists.add_item(ports(ctx), customer_id, sku, quantity, ctx.now)
    return customer_id


async def remove_item(ctx: Context, sku: str) -> str:
    customer_id = await _caller(ctx)
    await shopping_lists.remove_item(ports(ctx), customer_id, sku, ctx.now)
    return customer_id


async def auto_fill_cart(ctx: Context, cart_id: str | None, channel: str) -> FilledCart:
    customer_id = await _caller(ctx)
    local_id = expect_global_id(cart_id, "Cart", "cartId") if cart_id is not None else None
    return await shopping_lists.auto_fill_cart(
        ports(ctx), customer_id, local_id, channel, ctx.now, display_id=cart_id
    )
