"""An order's points become available when the order completes, whatever the channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.native import loyalty
from commercegraph.adapters.native.ledger import post
from commercegraph.adapters.native.points_lots import pending_account, points_account
from commercegraph.adapters.native.wallet_points import LoyaltyWrites
from commercegraph.store import models as m


async def release_order(
    session: AsyncSession, customer_id: str, order_id: str, now: datetime
) -> int:
    member = await loyalty.lock_member(session, customer_id, now)
    lots = list(
        await session.scalars(
            select(m.PointsLot).where(
                m.PointsLot.customer_id == customer_id,
                m.PointsLot.order_id == order_id,
                m.PointsLot.status == "PENDING",
            )
        )
    )
    released = sum(lot.remaining for lot in lots)
    if released:
        await post(
            session,
            customer_id=customer_id,
            kind="RELEASE",
            legs=[
                (pending_account(customer_id), -released),
                (points_account(customer_id), released),
            ],
            now=now,
            description=f"order {order_id} completed",
        )
        member.pending_points -= released
    for lot in lots:
        lot.status = "AVAILABLE" if lot.remaining else "CLOSED"
        lot.available_at = min(lot.available_at, now)
    await session.flush()
    return released


class OrderPoints(LoyaltyWrites):
    async def release_order_points(self, customer_id: str, order_id: str) -> int:
        """Make the order's pending points available now; a second call releases nothing."""
        async with self.store.write() as session:
            return await release_order(session, customer_id, order_id, self._now())
