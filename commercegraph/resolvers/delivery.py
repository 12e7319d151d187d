"""The caller's delivery subscriptions (``usecases.deliveries``)."""

from __future__ import annotations

from datetime import date

from commercegraph.context import Context
from commercegraph.resolvers.customer import me
from commercegraph.usecases import deliveries
from commercegraph.usecases.deliveries import DeliveryPorts, SubscriptionRecord

__all__ = ["SubscriptionRecord", "cancel", "create", "skip_next", "subscriptions"]


def _ports(ctx: Context) -> DeliveryPorts:
    return DeliveryPorts.of(ctx.registry, ctx.settings, ctx.loaders)


async def subscriptions(ctx: Context) -> list[SubscriptionRecord]:
    customer_id = (await me(ctx)).id
    return await deliveries.subscriptions(_ports(ctx), customer_id)


async def create(
    ctx: Context,
    *,
    cadence_days: int,
    fulfillment: str,
    store_id: str | None,
    channel: str,
    first_date: date | None,
) -> SubscriptionRecord:
    customer_id = (await me(ctx)).id
    return await deliveries.create(
        _ports(ctx),
        customer_id,
        cadence_days=cadence_days,
        fulfillment=fulfillment,
        store_id=store_id,
        channel=channel,
        first_date=first_date,
        today=ctx.now.date(),
    )


async def skip_next(ctx: Context, subscription_id: str) -> SubscriptionRecord:
    customer_id = (await me(ctx)).id
    return await deliveries.skip_next(_ports(ctx), customer_id, subscription_id)


async def cancel(ctx: Context, subscription_id: str) -> SubscriptionRecord:
    customer_id = (await me(ctx)).id
    return await deliveries.cancel(_ports(ctx), customer_id, subscription_id)
