"""Points lots on the native ledger: first-in first-out redemption and expiry, release of
pending points, and what expires soon. The lots of a customer always sum to their points
accounts' balances; functions here run inside a write transaction that holds the
customer's loyalty row (``loyalty.lock_member``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.native.ledger import (
    AccountRef,
    customer_account,
    new_id,
    post,
    system_account,
)
from commercegraph.errors import InsufficientFunds
from commercegraph.store import models as m
from commercegraph.store.db import Rows

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


_OVERDUE = func.sum(
    case((m.PointsLot.expires_at <= bindparam("now"), m.PointsLot.remaining), else_=0)
)
_EXPIRING = (
    select(m.PointsLot.customer_id, _OVERDUE, func.sum(m.PointsLot.remaining))
    .where(
        m.PointsLot.customer_id.in_(bindparam("ids", expanding=True)),
        m.PointsLot.status == "AVAILABLE",
        m.PointsLot.remaining > 0,
        m.PointsLot.expires_at <= bindparam("until"),
    )
    .group_by(m.PointsLot.customer_id)
)


async def expiring(
    rows_of: Rows, customer_ids: list[str], now: datetime, until: datetime
) -> dict[str, tuple[int, int]]:
    """Per customer: points already past their date (expiry not yet posted), and points
    that expire by ``until``."""
    rows = await rows_of(_EXPIRING, {"ids": customer_ids, "now": now, "until": until})
    return {cid: (int(late or 0), int(total or 0) - int(late or 0)) for cid, late, total in rows}
