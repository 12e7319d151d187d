"""Shopping lists, offers and the webhook outbox on the gateway's own store.

Frequency caps hold under concurrency without locks held across rules: claiming an offer
is one atomic statement — an insert that does nothing when the key exists, else an update
that only matches once the cap has passed — so two requests never both issue it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import OfferIssue, OfferRecord, ShoppingListEntryRecord
from commercegraph.store import models as m
from commercegraph.store.db import Store

MARKETING_WINDOW = timedelta(days=1)  # the daily cap counts marketing offers over this window


async def shopping_list_entries(
    store: Store, customer_ids: Sequence[str]
) -> list[list[ShoppingListEntryRecord]]:
    found: dict[str, list[ShoppingListEntryRecord]] = defaultdict(list)
    async with store.read() as session:
        rows = await session.scalars(
            select(m.ShoppingListEntry)
            .where(m.ShoppingListEntry.customer_id.in_(customer_ids))
            .order_by(m.ShoppingListEntry.updated_at, m.ShoppingListEntry.sku)
        )
        for e in rows:
            found[e.customer_id].append(
                ShoppingListEntryRecord(e.sku, e.quantity, e.status, e.updated_at)
            )
    return [found.get(c, []) for c in customer_ids]


def _insert(session: AsyncSession, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


async def set_shopping_list_entry(
    store: Store, customer_id: str, sku: str, quantity: int, status: str, now: datetime
) -> None:
    async with store.write() as session:
        stmt = _insert(session, m.ShoppingListEntry).values(
            customer_id=customer_id, sku=sku, quantity=quantity, status=status, updated_at=now
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["customer_id", "sku"],
            set_={"quantity": quantity, "status": status, "updated_at": now},
        )
        await session.execute(stmt)


async def _claim(
    session: AsyncSession, customer_id: str, offer: OfferIssue, offer_id: str, now: datetime
) -> bool:
    inserted: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        _insert(session, m.OfferCap)
        .values(customer_id=customer_id, offer_key=offer.key, offer_id=offer_id, issued_at=now)
        .on_conflict_do_nothing(index_elements=["customer_id", "offer_key"])
    )
    if inserted.rowcount == 1:
        return True
    updated: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        update(m.OfferCap)
        .where(
            m.OfferCap.customer_id == customer_id,
            m.OfferCap.offer_key == offer.key,
            m.OfferCap.issued_at <= now - offer.cap,
        )
        .values(offer_id=offer_id, issued_at=now)
    )
    return updated.rowcount == 1


def _record(e: m.OfferLogEntry) -> OfferRecord:
    return OfferRecord(
        id=e.id,
        customer_id=e.customer_id,
        key=e.offer_key,
        kind=e.kind,
        title=e.title,
        message=e.message,
        reason=e.reason,
        sku=e.sku,
        store_id=e.store_id,
        trigger=e.trigger,
        marketing=e.marketing,
        issued_at=e.issued_at,
        expires_at=e.expires_at,
    )


def offer_payload(record: OfferRecord) -> dict[str, Any]:
    return {
        "offerId": record.id,
        "customerId": record.customer_id,
        "kind": record.kind,
        "title": record.title,
        "message": record.message,
        "reason": record.reason,
        "sku": record.sku,
        "storeId": record.store_id,
        "trigger": record.trigger,
        "issuedAt": record.issued_at.isoformat(),
        "expiresAt": record.expires_at.isoformat(),
    }


async def issue_offers(
    store: Store,
    customer_id: str,
    offers: Sequence[OfferIssue],
    *,
    trigger: str,
    now: datetime,
    max_new_marketing_per_day: int,
    notify_event: str | None = None,
) -> list[OfferRecord]:
    claimable = await _past_their_cap(store, customer_id, offers, now)
    if not claimable:
        async with store.read() as session:
            return await _active(session, customer_id, now)
    async with store.write() as session:
        recent_marketing = (
            await session.scalar(
                select(func.count())
                .select_from(m.OfferLogEntry)
                .where(
                    m.OfferLogEntry.customer_id == customer_id,
                    m.OfferLogEntry.marketing.is_(True),
                    m.OfferLogEntry.issued_at > now - MARKETING_WINDOW,
                )
            )
            or 0
        )
        # the daily cap keeps the most valuable: claim in priority order, stable otherwise
        for offer in sorted(claimable, key=lambda o: -o.priority):
            if offer.marketing and recent_marketing >= max_new_marketing_per_day:
                continue
            offer_id = f"off_{uuid.uuid4().hex}"
            if not await _claim(session, customer_id, offer, offer_id, now):
                continue
            entry = m.OfferLogEntry(
                id=offer_id,
                customer_id=customer_id,
                offer_key=offer.key,
                kind=offer.kind,
                title=offer.title,
                message=offer.message,
                reason=offer.reason,
                sku=offer.sku,
                store_id=offer.store_id,
                trigger=trigger,
                marketing=offer.marketing,
                issued_at=now,
                expires_at=offer.expires_at,
            )
            session.add(entry)
            recent_marketing += int(offer.marketing)
            if notify_event is not None:
                session.add(
                    m.WebhookDelivery(
                        id=f"dlv_{uuid.uuid4().hex}",
                        event_type=notify_event,
                        payload=offer_payload(_record(entry)),
                        status="PENDING",
                        attempts=0,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
        await session.flush()
        return await _active(session, customer_id, now)


async def _past_their_cap(
    store: Store, customer_id: str, offers: Sequence[OfferIssue], now: datetime
) -> list[OfferIssue]:
    """The offers that may be issued now; most requests find none and need no write."""
    if not offers:
        return []
    async with store.read() as session:
        rows = await session.execute(
            select(m.OfferCap.offer_key, m.OfferCap.issued_at).where(
                m.OfferCap.customer_id == customer_id,
                m.OfferCap.offer_key.in_({o.key for o in offers}),
            )
        )
        last = {key: issued_at for key, issued_at in rows}
    return [o for o in offers if o.key not in last or last[o.key] <= now - o.cap]


async def _active(session: AsyncSession, customer_id: str, now: datetime) -> list[OfferRecord]:
    rows = await session.scalars(
        select(m.OfferLogEntry)
        .where(m.OfferLogEntry.customer_id == customer_id, m.OfferLogEntry.expires_at > now)
        .order_by(m.OfferLogEntry.issued_at.desc(), m.OfferLogEntry.id)
    )
    active: dict[str, OfferRecord] = {}
    for e in rows:
        active.setdefault(e.offer_key, _record(e))
    return list(active.values())
