"""Loyalty detail for the demo: points lots and qualifying spend behind the seeded ledger.

Derived from rows the generator already wrote, so it is as deterministic as they are:
one available lot per EARN transaction (expiring a year after it was earned), one pending
lot per open order (available when its return window ends) and one qualifying-spend row
per completed order of the last twelve months.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select

from commercegraph.demo.constants import QUALIFYING_WINDOW_DAYS
from commercegraph.services.earning import DEFAULT_RULES
from commercegraph.services.loyalty import points_for_spend
from commercegraph.store import models as m
from commercegraph.store.db import Store

OPEN_STATUSES = ("PLACED", "SHIPPED")


async def seed_loyalty_detail(store: Store, now: datetime) -> None:
    validity = timedelta(days=DEFAULT_RULES.validity_days)
    window = timedelta(days=DEFAULT_RULES.return_window_days)
    async with store.write() as session:
        earned = await session.execute(
            select(
                m.LedgerTransaction.id,
                m.LedgerTransaction.customer_id,
                m.LedgerTransaction.created_at,
                m.LedgerEntry.amount,
            )
            .join(m.LedgerEntry, m.LedgerEntry.transaction_id == m.LedgerTransaction.id)
            .join(m.LedgerAccount, m.LedgerAccount.id == m.LedgerEntry.account_id)
            .where(m.LedgerTransaction.kind == "EARN", m.LedgerAccount.kind == "POINTS")
            .order_by(m.LedgerTransaction.id)
        )
        lots = [
            {
                "id": f"lot_{tx_id}",
                "customer_id": cid,
                "source": "ORDER",
                "order_id": None,
                "transaction_id": tx_id,
                "points": points,
                "remaining": points,
                "status": "AVAILABLE",
                "earned_at": at,
                "available_at": at,
                "expires_at": at + validity,
            }
            for tx_id, cid, at, points in earned
        ]
        members = select(m.LoyaltyAccount.customer_id)
        orders = (
            await session.execute(
                select(
                    m.Order.id,
                    m.Order.customer_id,
                    m.Order.placed_at,
                    m.Order.total,
                    m.Order.status,
                )
                .where(m.Order.customer_id.in_(members))
                .order_by(m.Order.id)
            )
        ).all()
        spend = []
        since = now - timedelta(days=QUALIFYING_WINDOW_DAYS)
        for order_id, cid, placed, total, status in orders:
            points = points_for_spend(total)
            if status in OPEN_STATUSES and points > 0:
                lots.append(
                    {
                        "id": f"lot_{order_id}",
                        "customer_id": cid,
                        "source": "ORDER",
                        "order_id": order_id,
                        "transaction_id": "seed",
                        "points": points,
                        "remaining": points,
                        "status": "PENDING",
                        "earned_at": placed,
                        "available_at": placed + window,
                        "expires_at": placed + window + validity,
                    }
                )
            elif status == "COMPLETED" and placed >= since:
                spend.append(
                    {
                        "customer_id": cid,
                        "reference": f"order:{order_id}",
                        "amount": total,
                        "occurred_at": placed,
                    }
                )
        if lots:
            await session.execute(insert(m.PointsLot), lots)
        if spend:
            await session.execute(insert(m.QualifyingSpend), spend)
