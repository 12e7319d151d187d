"""Moving an order through its lifecycle on the gateway's store, exactly once.

The order row is locked (``FOR UPDATE`` on PostgreSQL; SQLite serialises writers) and its
status re-read before the move, so two staff completing or cancelling one order at once
serialise: the first moves it, the second finds it moved and either answers the same
outcome (same target) or ``ILLEGAL_TRANSITION``. Stock the order took comes back in the
same transaction as the status change, so it comes back once, on hand at the location
that takes it back (the fulfilling one unless another is named).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import OrderRecord
from commercegraph.adapters.native import reservations as holds
from commercegraph.errors import BadUserInput, Conflict, NotFound
from commercegraph.services.order_lifecycle import RELEASES_STOCK, check_transition
from commercegraph.store import models as m

MOVE_ATTEMPTS = 3  # a lost conditional update is re-read; past a few, the caller retries


@dataclass(frozen=True, slots=True)
class OrderTransition:
    order: OrderRecord
    previous_status: str
    changed: bool  # False: the order already had the status (a retry)
    restocked_at: str | None = None  # where committed units went back on hand


async def _restock(
    session: AsyncSession, order: m.Order, location_id: str | None, now: datetime
) -> str | None:
    fulfillment = await session.get(m.OrderFulfillment, order.id)
    if fulfillment is None:  # a sale recorded elsewhere: the gateway took no stock for it
        return None
    # finish the checkout's own commit first (a no-op once it ran), so a recovering
    # checkout never takes the units of an order that is already cancelled
    await holds.commit(session, fulfillment.reservation_reference, now)
    committed = list(
        await session.scalars(
            select(m.StockReservation)
            .where(
                m.StockReservation.reference == fulfillment.reservation_reference,
                m.StockReservation.status == holds.COMMITTED,
            )
            .order_by(m.StockReservation.location_id, m.StockReservation.sku)
        )
    )
    target = location_id or fulfillment.location_id
    for row in committed:
        back = await session.execute(
            update(m.Stock)
            .where(m.Stock.sku == row.sku, m.Stock.location_id == target)
            .values(on_hand=m.Stock.on_hand + row.quantity)
            .returning(m.Stock.sku)
        )
        if back.first() is None:
            stock = m.Stock(sku=row.sku, location_id=target, on_hand=row.quantity, reserved=0)
            session.add(stock)
            await session.flush()
    return target if committed else None


async def transition(
    session: AsyncSession,
    order_id: str,
    target: str,
    now: datetime,
    location_id: str | None = None,
) -> tuple[str, bool, str | None]:
    """``(previous status, changed, restocked at)``; raises before writing anything."""
    if location_id is not None and await session.get(m.Location, location_id) is None:
        raise BadUserInput(f"Unknown location {location_id!r}", argument="locationId")
    for _ in range(MOVE_ATTEMPTS):
        order = (
            await session.scalars(
                select(m.Order)
                .where(m.Order.id == order_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).one_or_none()
        if order is None:
            raise NotFound(f"No order {order_id!r}", argument="orderId")
        previous = order.status
        if not check_transition(previous, target, order.fulfillment):
            return previous, False, None
        moved = await session.execute(
            update(m.Order)
            .where(m.Order.id == order_id, m.Order.status == previous)
            .values(status=target)
            .returning(m.Order.id)
        )
        if moved.first() is not None:
            break
        # another move committed between the read and the update (no row locks on
        # SQLite): read the order again, now that this transaction holds the write lock
    else:
        raise Conflict(f"Order {order_id!r} is being moved by another request; retry")
    restocked = None
    if target in RELEASES_STOCK:
        restocked = await _restock(session, order, location_id, now)
    return previous, True, restocked
