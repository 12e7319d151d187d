"""Points lots on the native ledger: first-in first-out redemption and expiry, release of
pending points, and what expires soon. The lots of a customer always sum to their points
accounts' balances; functions here run inside a write transaction that holds the
customer's loyalty row (``loyalty.lock_member``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, ScalarSelect, bindparam, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from commercegraph.adapters.native.ledger import (
    AccountRef,
    customer_account,
    new_id,
    post,
    system_account,
)
from commercegraph.errors import InsufficientFunds
from commercegraph.store import models as m
from commercegraph.store.plain_reads import PlainRead

PTS = "PTS"


def points_account(customer_id: str) -> AccountRef:
    return customer_account(customer_id, "POINTS", PTS)


def pending_account(customer_id: str) -> AccountRef:
    return customer_account(customer_id, "PENDING", PTS)


ISSUED = system_account("POINTS_ISSUED", PTS)


async def balance(session: AsyncSession, account_id: str) -> int:
    value = await session.scalar(
        select(m.LedgerAccount.balance).where(m.LedgerAccount.id == account_id)
    )
    return int(value or 0)


async def lot_sum(session: AsyncSession, customer_id: str, status: str) -> int:
    value = await session.scalar(
        select(func.coalesce(func.sum(m.PointsLot.remaining), 0)).where(
            m.PointsLot.customer_id == customer_id, m.PointsLot.status == status
        )
    )
    return int(value or 0)


def add_lot(
    session: AsyncSession,
    customer_id: str,
    source: str,
    order_id: str | None,
    transaction_id: str,
    points: int,
    status: str,
    earned_at: datetime,
    available_at: datetime,
    expires_at: datetime,
) -> None:
    session.add(
        m.PointsLot(
            id=new_id("lot"),
            customer_id=customer_id,
            source=source,
            order_id=order_id,
            transaction_id=transaction_id,
            points=points,
            remaining=points,
            status=status,
            earned_at=earned_at,
            available_at=available_at,
            expires_at=expires_at,
        )
    )


async def consume_fifo(session: AsyncSession, customer_id: str, points: int, now: datetime) -> None:
    """Take ``points`` from the oldest-expiring available lots."""
    await expire_member(session, customer_id, now)
    lots = list(
        await session.scalars(
            select(m.PointsLot)
            .where(
                m.PointsLot.customer_id == customer_id,
                m.PointsLot.status == "AVAILABLE",
                m.PointsLot.remaining > 0,
            )
            .order_by(m.PointsLot.expires_at, m.PointsLot.earned_at, m.PointsLot.id)
        )
    )
    if sum(lot.remaining for lot in lots) < points:
        raise InsufficientFunds("Not enough available points", argument="points")
    left = points
    for lot in lots:
        take = min(left, lot.remaining)
        lot.remaining -= take
        if lot.remaining == 0:
            lot.status = "CLOSED"
        left -= take
        if left == 0:
            break
    await session.flush()


async def expire_member(session: AsyncSession, customer_id: str, now: datetime) -> int:
    lots = list(
        await session.scalars(
            select(m.PointsLot).where(
                m.PointsLot.customer_id == customer_id,
                m.PointsLot.status == "AVAILABLE",
                m.PointsLot.remaining > 0,
                m.PointsLot.expires_at <= now,
            )
        )
    )
    expired = sum(lot.remaining for lot in lots)
    if expired:
        await post(
            session,
            customer_id=customer_id,
            kind="EXPIRE",
            legs=[(points_account(customer_id), -expired), (ISSUED, expired)],
            now=now,
            description="points expired",
        )
        for lot in lots:
            lot.remaining = 0
            lot.status = "CLOSED"
        await session.flush()
    return expired


async def release_member(session: AsyncSession, member: m.LoyaltyAccount, now: datetime) -> int:
    cid = member.customer_id
    lots = list(
        await session.scalars(
            select(m.PointsLot).where(
                m.PointsLot.customer_id == cid,
                m.PointsLot.status == "PENDING",
                m.PointsLot.available_at <= now,
            )
        )
    )
    released = sum(lot.remaining for lot in lots)
    if released:
        await post(
            session,
            customer_id=cid,
            kind="RELEASE",
            legs=[(pending_account(cid), -released), (points_account(cid), released)],
            now=now,
            description="return window ended",
        )
        member.pending_points -= released
    for lot in lots:
        lot.status = "AVAILABLE" if lot.remaining else "CLOSED"
    await session.flush()
    return released


async def due_customers(
    session: AsyncSession, status: str, column: str, now: datetime
) -> list[str]:
    col = getattr(m.PointsLot, column)
    return list(
        await session.scalars(
            select(m.PointsLot.customer_id)
            .where(m.PointsLot.status == status, m.PointsLot.remaining > 0, col <= now)
            .distinct()
        )
    )


def _lots_sum(value: ColumnElement[int] | InstrumentedAttribute[int]) -> ScalarSelect[int]:
    """A member's available lots due by ``until``, summed: a scalar beside their loyalty row."""
    lot = m.PointsLot
    return (
        select(func.sum(value))
        .where(
            lot.customer_id == m.LoyaltyAccount.customer_id,
            lot.status == "AVAILABLE",
            lot.remaining > 0,
            lot.expires_at <= bindparam("until"),
        )
        .scalar_subquery()
    )


# A member's loyalty row, points balance and lots due by ``until`` in one statement: read
# apart, the three took three trips to the database a journey and their bookkeeping.
MEMBERS = PlainRead(
    select(
        m.LoyaltyAccount.customer_id,
        m.LoyaltyAccount.tier,
        m.LoyaltyAccount.pending_points,
        m.LoyaltyAccount.qualifying_spend,
        select(m.LedgerAccount.balance)
        .where(
            m.LedgerAccount.owner_id == m.LoyaltyAccount.customer_id,
            m.LedgerAccount.kind == "POINTS",
            m.LedgerAccount.unit == PTS,
        )
        .scalar_subquery(),
        # points past their date whose expiry is not posted yet, and all points due by then
        _lots_sum(
            case((m.PointsLot.expires_at <= bindparam("now"), m.PointsLot.remaining), else_=0)
        ),
        _lots_sum(m.PointsLot.remaining),
    ).where(m.LoyaltyAccount.customer_id.in_(bindparam("ids", expanding=True)))
)
