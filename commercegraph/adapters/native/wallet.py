"""Native wallet backend: stored value and points on the double-entry ledger."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from commercegraph.adapters.base import (
    LoyaltyRecord,
    Money,
    Page,
    PaymentMethodRecord,
    TransactionQuery,
    WalletRecord,
    WalletTransactionRecord,
)
from commercegraph.adapters.native.points_lots import expiring
from commercegraph.adapters.native.wallet_referrals import Referrals
from commercegraph.config import Settings
from commercegraph.errors import BadUserInput
from commercegraph.services.loyalty import points_for_spend, points_to_next_tier
from commercegraph.services.pagination import decode_cursor, encode_cursor
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow


class NativeWallet(Referrals):
    name = "native"

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    async def wallets(self, customer_ids: Sequence[str]) -> list[WalletRecord | None]:
        async with self.store.read() as session:
            rows = await session.scalars(
                select(m.LedgerAccount).where(
                    m.LedgerAccount.owner_id.in_(customer_ids), m.LedgerAccount.kind == "WALLET"
                )
            )
            found = {a.owner_id: WalletRecord(a.owner_id, Money(a.balance, a.unit)) for a in rows}
        return [found.get(c) for c in customer_ids]

    async def loyalty_accounts(self, customer_ids: Sequence[str]) -> list[LoyaltyRecord | None]:
        async with self.store.read() as session:
            accounts = {
                a.customer_id: a
                for a in await session.scalars(
                    select(m.LoyaltyAccount).where(m.LoyaltyAccount.customer_id.in_(customer_ids))
                )
            }
            points = {
                a.owner_id: a.balance
                for a in await session.scalars(
                    select(m.LedgerAccount).where(
                        m.LedgerAccount.owner_id.in_(customer_ids),
                        m.LedgerAccount.kind == "POINTS",
                    )
                )
            }
            now = utcnow()
            soon = await expiring(
                session,
                list(customer_ids),
                now,
                now + timedelta(days=self.settings.loyalty_expiring_soon_days),
            )
        results: list[LoyaltyRecord | None] = []
        for cid in customer_ids:
            account = accounts.get(cid)
            if account is None:
                results.append(None)
                continue
            results.append(
                LoyaltyRecord(
                    customer_id=cid,
                    # points past their date are gone even before the expiry is posted
                    points=points.get(cid, 0) - soon.get(cid, (0, 0))[0],
                    tier=account.tier,
                    points_to_next_tier=points_to_next_tier(
                        points_for_spend(account.qualifying_spend)
                    ),
                    pending_points=account.pending_points,
                    expiring_soon=soon.get(cid, (0, 0))[1],
                )
            )
        return results

    async def payment_methods(self, customer_ids: Sequence[str]) -> list[list[PaymentMethodRecord]]:
        found: dict[str, list[PaymentMethodRecord]] = defaultdict(list)
        async with self.store.read() as session:
            rows = await session.scalars(
                select(m.PaymentMethod)
                .where(m.PaymentMethod.customer_id.in_(customer_ids))
                .order_by(m.PaymentMethod.is_default.desc(), m.PaymentMethod.created_at)
            )
            for p in rows:
                found[p.customer_id].append(
                    PaymentMethodRecord(p.id, p.kind, p.label, p.is_default)
                )
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
                        cursors=cursors,
                    )
                )
        return results
