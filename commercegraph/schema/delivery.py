"""Delivery subscriptions: the shopping list's due items put in a cart on a cadence."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.context import Context
from commercegraph.ids import to_global_id
from commercegraph.resolvers import delivery
from commercegraph.schema.common import Channel, FulfillmentMethod
from commercegraph.schema.described import described_enum


@described_enum(
    "Whether a delivery subscription still fills carts.",
    ACTIVE="Fills a cart on each next date.",
    CANCELLED="Stopped; fills nothing more.",
)
class DeliverySubscriptionStatus(Enum):
    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"


@strawberry.type(
    description=(
        "A standing order: on each `nextDate` the shopping list's due, in-stock items are put"
        " in the customer's open cart on the channel (as `autoFillCart` does)."
    )
)
class DeliverySubscription:
    id: strawberry.ID = strawberry.field(description="The subscription's ID.")
    cadence_days: int = strawberry.field(description="Days between two fills (7 is weekly).")
    next_date: date = strawberry.field(description="The next day a cart is filled (UTC).")
    fulfillment: FulfillmentMethod = strawberry.field(description="Delivered or picked up.")
    store_id: str | None = strawberry.field(description="The pickup store, for PICKUP.")
    channel: Channel = strawberry.field(description="The channel of the carts it fills.")
    status: DeliverySubscriptionStatus = strawberry.field(description="Active or cancelled.")
    last_cart_id: strawberry.ID | None = strawberry.field(
        description="The cart of the latest fill, if there was one."
    )

    @classmethod
    def of(cls, r: delivery.SubscriptionRecord) -> DeliverySubscription:
        return cls(
            id=strawberry.ID(r.id),
            cadence_days=r.cadence_days,
            next_date=r.next_date,
            fulfillment=FulfillmentMethod(r.fulfillment),
            store_id=r.store_id,
            channel=Channel(r.channel),
            status=DeliverySubscriptionStatus(r.status),
            last_cart_id=strawberry.ID(to_global_id("Cart", r.last_cart_id))
            if r.last_cart_id
            else None,
        )


SubscriptionId = Annotated[
    strawberry.ID, strawberry.argument(description="The delivery subscription's ID.")
]


@strawberry.type
class DeliveryQuery:
    @strawberry.field(description="The caller's delivery subscriptions, oldest first.")
    async def delivery_subscriptions(self, info: Info[Context, None]) -> list[DeliverySubscription]:
        return [DeliverySubscription.of(r) for r in await delivery.subscriptions(info.context)]


@strawberry.type
class DeliveryMutation:
    @strawberry.mutation(
        description="Subscribe the caller to a cart filled from the shopping list on a cadence."
    )
    async def create_delivery_subscription(
        self,
        info: Info[Context, None],
        cadence_weeks: Annotated[
            int | None, strawberry.argument(description="Weeks between fills (1 is weekly).")
        ] = None,
        cadence_days: Annotated[
            int | None,
            strawberry.argument(description="Days between fills, instead of `cadenceWeeks`."),
        ] = None,
        fulfillment: Annotated[
            FulfillmentMethod, strawberry.argument(description="Delivered or picked up.")
        ] = FulfillmentMethod.SHIP,
        store_id: Annotated[
            str | None, strawberry.argument(description="The pickup store, for PICKUP.")
        ] = None,
        first_date: Annotated[
            date | None,
            strawberry.argument(description="The first fill's day (UTC); today if not given."),
        ] = None,
        channel: Annotated[
            Channel | None,
            strawberry.argument(description="The carts' channel; MOBILE_APP if not given."),
        ] = None,
    ) -> DeliverySubscription:
        from commercegraph.errors import BadUserInput

        if (cadence_weeks is None) == (cadence_days is None):
            raise BadUserInput("Give one of `cadenceWeeks` or `cadenceDays`")
        days = cadence_days if cadence_days is not None else 7 * (cadence_weeks or 0)
        record = await delivery.create(
            info.context,
            cadence_days=days,
            fulfillment=fulfillment.value,
            store_id=store_id,
            channel=(channel or Channel.MOBILE_APP).value,
            first_date=first_date,
        )
        return DeliverySubscription.of(record)

    @strawberry.mutation(description="Skip the next fill: the next date moves on one cadence.")
    async def skip_next_delivery(
        self, info: Info[Context, None], id: SubscriptionId
    ) -> DeliverySubscription:
        return DeliverySubscription.of(await delivery.skip_next(info.context, id))

    @strawberry.mutation(description="Stop a delivery subscription; it fills nothing more.")
    async def cancel_delivery_subscription(
        self, info: Info[Context, None], id: SubscriptionId
    ) -> DeliverySubscription:
        return DeliverySubscription.of(await delivery.cancel(info.context, id))
