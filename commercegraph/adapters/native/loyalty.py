"""Points on the native ledger: earning, returns and tiers over a rolling 12 months.

Every function here runs inside a caller's write transaction after ``lock_member`` has
locked the customer's loyalty row, so one customer's points move one operation at a time
while different customers never wait on each other.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import LoyaltyChange, PointsEarning
from commercegraph.adapters.native.ledger import new_id, post
from commercegraph.adapters.native.points_lots import (
    ISSUED,
    add_lot,
    balance,
    expire_member,
    lot_sum,
    pending_account,
    points_account,
)
from commercegraph.errors import Conflict
from commercegraph.services.earning import tier_change
from commercegraph.store import models as m

TIER_WINDOW = timedelta(days=365)  # tiers count qualifying spend over a rolling 12 months
OPENING_VALIDITY = timedelta(days=365)  # balances that predate lots expire a year on


async def lock_member(
    session: AsyncSession, customer_id: str, now: datetime, *, expire: bool = True
) -> m.LoyaltyAccount:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(m.LoyaltyAccount)
        .values(
            customer_id=customer_id,
            tier="BRONZE",
            pending_points=0,
            qualifying_spend=0,
            updated_at=now,
        )
        .on_conflict_do_nothing()
    )
    member = (
        await session.scalars(
            select(m.LoyaltyAccount)
            .where(m.LoyaltyAccount.customer_id == customer_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).one()
    await _reconcile(session, member, now)
    if expire:  # what a write reports is current
        await expire_member(session, customer_id, now)
    return member


async def _reconcile(session: AsyncSession, member: m.LoyaltyAccount, now: datetime) -> None:
    """Give lots to balances that predate them (imported or seeded accounts)."""
    cid = member.customer_id
    available = await balance(session, points_account(cid).account_id)
    lots = await lot_sum(session, cid, "AVAILABLE")
    if available > lots:
        add_lot(
            session,
            cid,
            "OPENING",
            None,
            "opening",
            available - lots,
            "AVAILABLE",
            now,
            now,
            now + OPENING_VALIDITY,
        )
    pending = await balance(session, pending_account(cid).account_id)
    if member.pending_points > pending:
        # a cached pending figure without ledger entries: put it on the ledger
        await post(
            session,
            customer_id=cid,
            kind="OPENING",
            legs=[
                (ISSUED, pending - member.pending_points),
                (pending_account(cid), member.pending_points - pending),
            ],
            now=now,
            description="pending points carried over",
        )
        pending = member.pending_points
    pending_lots = await lot_sum(session, cid, "PENDING")
    if pending > pending_lots:
        add_lot(
            session,
            cid,
            "OPENING",
            None,
            "opening",
            pending - pending_lots,
            "PENDING",
            now,
            now + timedelta(days=30),
            now + timedelta(days=30) + OPENING_VALIDITY,
        )
    member.pending_points = pending
    spend_rows = await session.scalar(
        select(func.count())
        .select_from(m.QualifyingSpend)
        .where(m.QualifyingSpend.customer_id == cid)
    )
    if not spend_rows and member.qualifying_spend > 0:
        session.add(
            m.QualifyingSpend(
                customer_id=cid,
                reference="opening",
                amount=member.qualifying_spend,
                occurred_at=min(member.updated_at, now),
            )
        )
    await session.flush()


async def window_spend(session: AsyncSession, customer_id: str, now: datetime) -> int:
    await session.flush()
    value = await session.scalar(
        select(func.coalesce(func.sum(m.QualifyingSpend.amount), 0)).where(
            m.QualifyingSpend.customer_id == customer_id,
            m.QualifyingSpend.occurred_at > now - TIER_WINDOW,
            m.QualifyingSpend.occurred_at <= now,
        )
    )
    return max(0, int(value or 0))


async def _change(
    session: AsyncSession,
    member: m.LoyaltyAccount,
    spend_before: int,
    now: datetime,
    tx_id: str | None,
    points: int,
) -> LoyaltyChange:
    spend_after = await window_spend(session, member.customer_id, now)
    change = tier_change(spend_before, spend_after)
    member.qualifying_spend = spend_after
    member.tier = change.tier_after
    member.updated_at = now
    await session.flush()
    return LoyaltyChange(
        transaction_id=tx_id,
        points_earned=points,
        points=await balance(session, points_account(member.customer_id).account_id),
        pending_points=member.pending_points,
        tier_before=change.tier_before,
        tier_after=change.tier_after,
        points_to_next_tier=change.points_to_next_tier,
        reached_new_tier=change.reached_new_tier,
    )


async def _order_earned(session: AsyncSession, customer_id: str, order_id: str) -> bool:
    lot = await session.scalar(
        select(m.PointsLot.id).where(
            m.PointsLot.customer_id == customer_id, m.PointsLot.order_id == order_id
        )
    )
    spend = await session.scalar(
        select(m.QualifyingSpend.id).where(
            m.QualifyingSpend.customer_id == customer_id,
            m.QualifyingSpend.reference == f"order:{order_id}",
        )
    )
    return lot is not None or spend is not None


async def earn(
    session: AsyncSession, earning: PointsEarning, *, scope: str | None, key: str | None
) -> LoyaltyChange:
    cid = earning.customer_id
    now = earning.occurred_at
    member = await lock_member(session, cid, now)
    if earning.order_id is not None and await _order_earned(session, cid, earning.order_id):
        raise Conflict(f"Order {earning.order_id!r} already earned points", argument="orderId")
    spend_before = await window_spend(session, cid, now)
    tx_id: str | None = None
    pending = earning.pending_days > 0
    if earning.points > 0:
        target = pending_account(cid) if pending else points_account(cid)
        tx_id, _ = await post(
            session,
            customer_id=cid,
            kind="EARN",
            legs=[(ISSUED, -earning.points), (target, earning.points)],
            now=now,
            scope=scope,
            idempotency_key=key,
            description=f"{earning.source} {earning.order_id or ''}".strip(),
        )
        available_at = now + timedelta(days=earning.pending_days)
        add_lot(
            session,
            cid,
            earning.source,
            earning.order_id,
            tx_id,
            earning.points,
            "PENDING" if pending else "AVAILABLE",
            now,
            available_at,
            available_at + timedelta(days=earning.validity_days),
        )
        if pending:
            member.pending_points += earning.points
    if earning.qualifying_amount:
        reference = (
            f"order:{earning.order_id}" if earning.order_id else f"tx:{tx_id or new_id('q')}"
        )
        session.add(
            m.QualifyingSpend(
                customer_id=cid,
                reference=reference,
                amount=earning.qualifying_amount,
                occurred_at=now,
            )
        )
    return await _change(session, member, spend_before, now, tx_id, earning.points)


async def reverse_order(
    session: AsyncSession, customer_id: str, order_id: str, now: datetime, *, scope: str, key: str
) -> LoyaltyChange:
    member = await lock_member(session, customer_id, now)
    spend_before = await window_spend(session, customer_id, now)
    lots = list(
        await session.scalars(
            select(m.PointsLot)
            .where(
                m.PointsLot.customer_id == customer_id,
                m.PointsLot.order_id == order_id,
                m.PointsLot.remaining > 0,
            )
            .order_by(m.PointsLot.earned_at, m.PointsLot.id)
        )
    )
    from_pending = sum(lot.remaining for lot in lots if lot.status == "PENDING")
    from_available = sum(lot.remaining for lot in lots if lot.status == "AVAILABLE")
    tx_id: str | None = None
    if from_pending or from_available:
        tx_id, _ = await post(
            session,
            customer_id=customer_id,
            kind="EARN_REVERSAL",
            legs=[
                (pending_account(customer_id), -from_pending),
                (points_account(customer_id), -from_available),
                (ISSUED, from_pending + from_available),
            ],
            now=now,
            scope=scope,
            idempotency_key=key,
            description=f"order {order_id} returned",
        )
        for lot in lots:
            lot.remaining = 0
            lot.status = "CLOSED"
        member.pending_points -= from_pending
    spend = dict(
        (
            await session.execute(
                select(m.QualifyingSpend.reference, m.QualifyingSpend.amount).where(
                    m.QualifyingSpend.customer_id == customer_id,
                    m.QualifyingSpend.reference.in_(
                        [f"order:{order_id}", f"order:{order_id}:return"]
                    ),
                )
            )
        ).all()
    )
    earned = spend.get(f"order:{order_id}")
    if earned and f"order:{order_id}:return" not in spend:  # a second return takes nothing
        session.add(
            m.QualifyingSpend(
                customer_id=customer_id,
                reference=f"order:{order_id}:return",
                amount=-int(earned),
                occurred_at=now,
            )
        )
    return await _change(
        session, member, spend_before, now, tx_id, -(from_pending + from_available)
    )
