"""Ledger invariants, checked straight from the tables."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from commercegraph.store import models as m
from commercegraph.store.db import Store


async def audit_ledger(store: Store, customer_ids: list[str] | None = None) -> None:
    """Every cached balance equals its entries, every transaction balances per unit, no
    account that may not go negative is negative, and each customer's lots match their
    points accounts."""
    async with store.read() as session:
        sums = dict(
            (
                await session.execute(
                    select(m.LedgerEntry.account_id, func.sum(m.LedgerEntry.amount)).group_by(
                        m.LedgerEntry.account_id
                    )
                )
            ).all()
        )
        accounts = list(await session.scalars(select(m.LedgerAccount)))
        for account in accounts:
            assert account.balance == int(sums.get(account.id) or 0), account.id
            assert account.allow_negative or account.balance >= 0, account.id
        per_tx: dict[tuple[str, str], int] = defaultdict(int)
        for tx_id, unit, amount in await session.execute(
            select(m.LedgerEntry.transaction_id, m.LedgerAccount.unit, m.LedgerEntry.amount).join(
                m.LedgerAccount, m.LedgerAccount.id == m.LedgerEntry.account_id
            )
        ):
            per_tx[(tx_id, unit)] += amount
        assert {k: v for k, v in per_tx.items() if v} == {}
        for cid in customer_ids or []:
            balances = {
                a.kind: a.balance for a in accounts if a.owner_id == cid and a.unit == "PTS"
            }
            lots = dict(
                (
                    await session.execute(
                        select(m.PointsLot.status, func.sum(m.PointsLot.remaining))
                        .where(m.PointsLot.customer_id == cid)
                        .group_by(m.PointsLot.status)
                    )
                ).all()
            )
            assert balances.get("POINTS", 0) == int(lots.get("AVAILABLE") or 0), cid
            assert balances.get("PENDING", 0) == int(lots.get("PENDING") or 0), cid
            member = await session.get(m.LoyaltyAccount, cid)
            if member is not None:
                assert member.pending_points == balances.get("PENDING", 0), cid


async def points_issued_total(store: Store) -> int:
    """Every PTS entry summed: zero when points are conserved."""
    async with store.read() as session:
        total = await session.scalar(
            select(func.coalesce(func.sum(m.LedgerEntry.amount), 0))
            .join(m.LedgerAccount, m.LedgerAccount.id == m.LedgerEntry.account_id)
            .where(m.LedgerAccount.unit == "PTS")
        )
    return int(total or 0)
