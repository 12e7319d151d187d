"""Native wallet backend: stored value and points on the double-entry ledger."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import (
    LoyaltyRecord,
    Money,
    Page,
    PaymentMethodRecord,
    TransactionQuery,
    WalletRecord,
    WalletTransactionRecord,
)
from commercegraph.adapters.native.points_lots import MEMBERS
from commercegraph.adapters.native.wallet_referrals import Referrals
from commercegraph.config import Settings
from commercegraph.errors import BadUserInput
from commercegraph.services.ledger import customer_account_id
from commercegraph.services.loyalty import points_for_spend, points_to_next_tier
from commercegraph.services.pagination import decode_cursor, encode_cursor
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.store.plain_reads import PlainRead

MERGE_SCOPE = "customer-merge"  # idempotency scope of balance transfers between customers


# The hot reads' statements, built once: each call binds its values.
_WALLETS = PlainRead(
    select(m.LedgerAccount.owner_id, m.LedgerAccount.balance, m.LedgerAccount.unit).where(
        m.LedgerAccount.owner_id.in_(bindparam("ids", expanding=True)),
        m.LedgerAccount.kind == "WALLET",
    )
)
_PAYMENT_METHODS = PlainRead(
    select(
        m.PaymentMethod.customer_id,
        m.PaymentMethod.id,
        m.PaymentMethod.kind,
        m.PaymentMethod.label,
        m.PaymentMethod.is_default,
    )
    .where(m.PaymentMethod.customer_id.in_(bindparam("ids", expanding=True)))
    .order_by(m.PaymentMethod.is_default.desc(), m.PaymentMethod.created_at)
)


class NativeWallet(Referrals):
    name = "native"

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    async def wallets(self, customer_ids: Sequence[str]) -> list[WalletRecord | None]:
        rows = await self.store.plain(_WALLETS, {"ids": list(customer_ids)})
        found = {owner: WalletRecord(owner, Money(balance, unit)) for owner, balance, unit in rows}
        return [found.get(c) for c in customer_ids]

    async def loyalty_accounts(self, customer_ids: Sequence[str]) -> list[LoyaltyRecord | None]:
        now = utcnow()
        params = {
            "ids": list(customer_ids),
            "now": now,
            "until": now + timedelta(days=self.settings.loyalty_expiring_soon_days),
        }
        found: dict[str, LoyaltyRecord] = {}
        for cid, tier, pending, spend, points, late, due in await self.store.plain(MEMBERS, params):
            late = int(late or 0)
            found[cid] = LoyaltyRecord(
                customer_id=cid,
                # points past their date are gone even before the expiry is posted
                points=int(points or 0) - late,
                tier=tier,
                points_to_next_tier=points_to_next_tier(points_for_spend(spend)),
                pending_points=pending,
                expiring_soon=int(due or 0) - late,
            )
        return [found.get(c) for c in customer_ids]

    async def payment_methods(self, customer_ids: Sequence[str]) -> list[list[PaymentMethodRecord]]:
        found: dict[str, list[PaymentMethodRecord]] = defaultdict(list)
        rows = await self.store.plain(_PAYMENT_METHODS, {"ids": list(customer_ids)})
        for customer_id, method_id, kind, label, is_default in rows:
            found[customer_id].append(PaymentMethodRecord(method_id, kind, label, is_default))
        return [found.get(c, []) for c in customer_ids]

    async def transactions(
        self, queries: Sequence[TransactionQuery]
    ) -> list[Page[WalletTransactionRecord]]:
        results = []
        async with self.store.read() as session:
            for q in queries:
                stmt = (
                    select(m.LedgerTransaction, m.LedgerEntry.amount, m.LedgerAccount.unit)
                    .join(m.LedgerEntry, m.LedgerEntry.transaction_id == m.LedgerTransaction.id)
                    .join(m.LedgerAccount, m.LedgerAccount.id == m.LedgerEntry.account_id)
                    .where(
                        m.LedgerAccount.owner_id == q.customer_id, m.LedgerAccount.kind == "WALLET"
                    )
                )
                total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
                if q.after:
                    created_iso, tx_id = decode_cursor(q.after, 2)
                    try:
                        created = datetime.fromisoformat(str(created_iso))
                    except ValueError as exc:
                        raise BadUserInput("Malformed cursor", argument="after") from exc
                    stmt = stmt.where(
                        or_(
                            m.LedgerTransaction.created_at < created,
                            and_(
                                m.LedgerTransaction.created_at == created,
                                m.LedgerTransaction.id < str(tx_id),
                            ),
                        )
                    )
                rows = (
                    await session.execute(
                        stmt.order_by(
                            m.LedgerTransaction.created_at.desc(), m.LedgerTransaction.id.desc()
                        ).limit(q.first + 1)
                    )
                ).all()
                page = rows[: q.first]
                items = tuple(
                    WalletTransactionRecord(tx.id, Money(amount, unit), tx.kind, tx.created_at)
                    for tx, amount, unit in page
                )
                cursors = tuple(encode_cursor(t.created_at.isoformat(), t.id) for t in items)
                results.append(
                    Page(
                        items=items,
                        has_next_page=len(rows) > q.first,
                        end_cursor=cursors[-1] if cursors else None,
                        total_count=total or 0,
                        cursors=cursors,
                    )
                )
        return results

    async def transfer_balance(
        self, source_customer_id: str, target_customer_id: str, idempotency_key: str
    ) -> list[Money]:
        """One ledger transaction: for each source account with a balance, a debit on it and
        an equal credit on the target's account of the same kind and unit."""
        if source_customer_id == target_customer_id:
            raise BadUserInput("Cannot transfer a balance to the same customer")
        try:
            async with self.store.write() as session:
                owners = sorted({source_customer_id, target_customer_id})
                accounts = list(
                    await session.scalars(
                        select(m.LedgerAccount)
                        .where(
                            m.LedgerAccount.owner_id.in_(owners),
                            m.LedgerAccount.kind.in_(("WALLET", "POINTS", "PENDING", "REWARD")),
                        )
                        .order_by(m.LedgerAccount.id)  # one lock order: no deadlocks
                        .with_for_update()
                    )
                )
                # checked under the locks, so a concurrent transfer with this key is seen
                done = await self._transfer_moved(session, idempotency_key)
                if done is not None:
                    return done
                sources = [
                    a for a in accounts if a.owner_id == source_customer_id and a.balance != 0
                ]
                if not sources:
                    return []
                tx = m.LedgerTransaction(
                    id=f"ltx_merge_{uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key).hex}",
                    customer_id=target_customer_id,
                    kind="MERGE_TRANSFER",
                    scope=MERGE_SCOPE,
                    idempotency_key=idempotency_key,
                    description=f"Balances merged from customer {source_customer_id}",
                    created_at=utcnow(),
                )
                session.add(tx)
                await session.flush()
                targets = {
                    (a.kind, a.unit): a for a in accounts if a.owner_id == target_customer_id
                }
                moved: list[Money] = []
                for source in sources:
                    amount = source.balance
                    target = targets.get((source.kind, source.unit))
                    if target is None:
                        target = m.LedgerAccount(
                            id=customer_account_id(target_customer_id, source.kind, source.unit),
                            owner_id=target_customer_id,
                            kind=source.kind,
                            unit=source.unit,
                            balance=0,
                            allow_negative=source.allow_negative,
                        )
                        session.add(target)
                        await session.flush()
                    session.add_all(
                        [
                            m.LedgerEntry(
                                transaction_id=tx.id, account_id=source.id, amount=-amount
                            ),
                            m.LedgerEntry(
                                transaction_id=tx.id, account_id=target.id, amount=amount
                            ),
                        ]
                    )
                    source.balance -= amount
                    target.balance += amount
                    moved.append(Money(amount, source.unit))
                await _move_points_detail(session, source_customer_id, target_customer_id)
                return moved
        except IntegrityError:
            async with self.store.read() as session:
                done = await self._transfer_moved(session, idempotency_key)
            if done is None:
                raise
            return done

    async def _transfer_moved(
        self, session: AsyncSession, idempotency_key: str
    ) -> list[Money] | None:
        tx_id = await session.scalar(
            select(m.LedgerTransaction.id).where(
                m.LedgerTransaction.scope == MERGE_SCOPE,
                m.LedgerTransaction.idempotency_key == idempotency_key,
            )
        )
        if tx_id is None:
            return None
        rows = await session.execute(
            select(m.LedgerEntry.amount, m.LedgerAccount.unit)
            .join(m.LedgerAccount, m.LedgerAccount.id == m.LedgerEntry.account_id)
            .where(m.LedgerEntry.transaction_id == tx_id, m.LedgerEntry.amount > 0)
            .order_by(m.LedgerEntry.id)
        )
        return [Money(amount, unit) for amount, unit in rows]


async def _move_points_detail(session: AsyncSession, source_id: str, target_id: str) -> None:
    """Points lots and the pending cache follow the points to the surviving customer, so
    lots keep summing to the points accounts on both sides."""
    await session.execute(
        update(m.PointsLot)
        .where(m.PointsLot.customer_id == source_id, m.PointsLot.remaining > 0)
        .values(customer_id=target_id)
        .execution_options(synchronize_session=False)
    )
    source = await session.get(m.LoyaltyAccount, source_id, with_for_update=True)
    if source is None or not source.pending_points:
        return
    target = await session.get(m.LoyaltyAccount, target_id, with_for_update=True)
    if target is None:
        target = m.LoyaltyAccount(
            customer_id=target_id,
            tier="BRONZE",
            pending_points=0,
            qualifying_spend=0,
            updated_at=utcnow(),
        )
        session.add(target)
    target.pending_points += source.pending_points
    source.pending_points = 0
