"""Staff and POS move orders through their lifecycle: ready, shipped, completed,
cancelled, returned. Each move is validated, answers the first outcome when asked again,
and settles what follows (points, referral reward, refunds to every tender, stock)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.context import Context
from commercegraph.ids import expect_global_id, to_global_id
from commercegraph.resolvers import wallet as checkout
from commercegraph.schema.common import Money
from commercegraph.schema.customer import Order
from commercegraph.schema.described import described_enum
from commercegraph.schema.enums import OrderStatus
from commercegraph.usecases.order_lifecycle import LifecycleOutcome, move_order


@described_enum(
    "A status staff or a store move an order to.",
    READY_FOR_PICKUP="Packed and waiting at the pickup store (pickup orders).",
    SHIPPED="Handed to the carrier (shipped orders).",
    COMPLETED="Handed over: its points become available and a referral pays.",
    CANCELLED="Called off before hand-over: every tender refunded, stock back.",
    RETURNED="Brought back after hand-over: every tender refunded, stock back where taken.",
)
class OrderTransitionTarget(Enum):
    READY_FOR_PICKUP = "READY_FOR_PICKUP"
    SHIPPED = "SHIPPED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    RETURNED = "RETURNED"


@strawberry.type(description="An order moved to a status, and what followed.")
class OrderStatusChange:
    order: Order = strawberry.field(description="The order as it is now.")
    previous_status: OrderStatus = strawberry.field(description="Its status before this move.")
    changed: bool = strawberry.field(
        description="False when the order already had the status: the first outcome, again."
    )
    restocked_at: strawberry.ID | None = strawberry.field(
        description="The store or warehouse whose stock the order's units went back to."
    )
    refunded: Money | None = strawberry.field(
        description="Wallet and reward credit paid back on the ledger."
    )
    card_refunded: Money | None = strawberry.field(
        description="The share the card paid, refunded to that payment method."
    )
    card_payment_method_id: strawberry.ID | None = strawberry.field(
        description="The payment method the card share goes back to."
    )
    gift_card_refunded: Money | None = strawberry.field(
        default=None, description="The share a gift card paid, put back on that gift card."
    )
    points_reversed: int = strawberry.field(description="Points the order had earned, taken back.")
    points_released: int = strawberry.field(description="Pending points made available now.")
    referral_points: int = strawberry.field(description="Points paid to the customer's referrer.")

    @classmethod
    def of(cls, moved: LifecycleOutcome) -> OrderStatusChange:
        s, currency = moved.settlement, moved.order.total.currency
        refunded = None
        if s is not None:
            refunded = Money.minor(sum(p.amount.amount for p in s.refunded), currency)
        card = s.card_refund if s is not None else None
        return cls(
            order=Order.of(moved.order),
            previous_status=OrderStatus(moved.previous_status),
            changed=moved.changed,
            restocked_at=strawberry.ID(to_global_id("Store", moved.restocked_at))
            if moved.restocked_at
            else None,
            refunded=refunded,
            card_refunded=Money.minor(card.amount, card.currency) if card is not None else None,
            card_payment_method_id=strawberry.ID(s.payment_method_id)
            if s is not None and s.payment_method_id
            else None,
            points_reversed=s.points_reversed if s is not None else 0,
            gift_card_refunded=Money.minor(s.gift_card_refund.amount, currency)
            if s is not None and s.gift_card_refund is not None
            else None,
            points_released=moved.points_released,
            referral_points=moved.referral_points,
        )


@strawberry.type
class OrderLifecycleMutation:
    @strawberry.mutation(
        description="Move an order (staff or a store): READY_FOR_PICKUP or SHIPPED, then "
        "COMPLETED; CANCELLED before hand-over, RETURNED after. An illegal move is "
        "ILLEGAL_TRANSITION and changes nothing; asking for the status it has answers the "
        "first outcome. A return's units go back on hand at `locationId` (the store that "
        "takes it back), else where the order was fulfilled."
    )
    async def change_order_status(
        self,
        info: Info[Context, None],
        order_id: Annotated[strawberry.ID, strawberry.argument(description="The order's ID.")],
        status: Annotated[
            OrderTransitionTarget, strawberry.argument(description="Where the order goes.")
        ],
        location_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The store taking a return or a cancellation back."),
        ] = None,
    ) -> OrderStatusChange:
        ctx = info.context
        ctx.caller.require_staff()
        order = await checkout.load_order(ctx, expect_global_id(order_id, "Order", "orderId"))
        location = expect_global_id(location_id, "Store", "locationId") if location_id else None
        moved = await move_order(
            ctx.registry, order.id, status.value, ctx.now, location_id=location
        )
        return OrderStatusChange.of(moved)
