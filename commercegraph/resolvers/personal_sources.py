"""The request's side of personalisation: its ports (the request's loaders) and the
caller's prices, handed to the use cases in ``commercegraph.usecases``."""

from __future__ import annotations

from commercegraph.adapters.base import ProductRecord
from commercegraph.context import Context
from commercegraph.errors import NotFound
from commercegraph.resolvers.catalog import unit_price
from commercegraph.usecases.personal_reads import PersonalPorts, PersonalPrice


def ports(ctx: Context) -> PersonalPorts:
    return PersonalPorts.of(ctx.registry, ctx.settings, ctx.loaders)


async def personal_price(ctx: Context, product: ProductRecord, channel: str) -> int | None:
    """The caller's unit price in the default currency, None when the product has none."""
    try:
        price = await unit_price(ctx, product, quantity=1, channel=channel, currency=None)
    except NotFound:
        return None
    return price.final.amount


def pricer(ctx: Context) -> PersonalPrice:
    async def price(product: ProductRecord, channel: str) -> int | None:
        return await personal_price(ctx, product, channel)

    return price
