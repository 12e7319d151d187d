"""Native customer backend, customer 360 part: events, identity links, merges, metrics.

Functions over the store; ``NativeCustomer`` delegates to them so the adapter class stays
a thin list of port methods.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from commercegraph.adapters.base import (
    CustomerMetricsRecord,
    EventRecord,
    IdentityRecord,
    MergeRecord,
    Page,
    SegmentMembersQuery,
)
from commercegraph.errors import Conflict, NotFound
from commercegraph.services.pagination import decode_cursor, encode_cursor
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow


def _event_record(e: m.Event) -> EventRecord:
    return EventRecord(
        id=e.id,
        type=e.type,
        customer_id=e.customer_id,
        channel=e.channel,
        sku=e.sku,
        occurred_at=e.occurred_at,
        payload=dict(e.payload or {}),
        source=e.source,
        content_hash=e.content_hash,
    )


async def events_by_id(store: Store, keys: Sequence[tuple[str, str]]) -> list[EventRecord | None]:
    if not keys:
        return []
    wanted = {tuple(k) for k in keys}
    async with store.read() as session:
        rows = await session.scalars(
            select(m.Event).where(m.Event.id.in_({event_id for _, event_id in wanted}))
        )
        found = {(e.source, e.id): _event_record(e) for e in rows if (e.source, e.id) in wanted}
    return [found.get((source, event_id)) for source, event_id in keys]


async def record_events(store: Store, events: Sequence[EventRecord]) -> list[EventRecord]:
    if not events:
        return []
    now = utcnow()
    rows = [
        {
            "source": e.source,
            "id": e.id,
            "type": e.type,
            "customer_id": e.customer_id,
            "channel": e.channel,
            "sku": e.sku,
            "occurred_at": e.occurred_at,
            "received_at": now,
            "payload": e.payload,
            "content_hash": e.content_hash,
        }
        for e in events
    ]
    insert = postgresql.insert if store.dialect == "postgresql" else sqlite.insert
    async with store.write() as session:
        # the primary key makes a redelivered event a no-op, even under concurrency
        await session.execute(insert(m.Event).values(rows).on_conflict_do_nothing())
    stored = await events_by_id(store, [(e.source, e.id) for e in events])
    return [s if s is not None else e for s, e in zip(stored, events, strict=True)]


async def link_identifier(
    store: Store, customer_id: str, kind: str, value: str, source: str
) -> IdentityRecord:
    async def existing() -> m.CustomerIdentifier | None:
        async with store.read() as session:
            return await session.get(m.CustomerIdentifier, (kind, value))

    def check(found: m.CustomerIdentifier) -> IdentityRecord:
        if found.customer_id != customer_id:
            raise Conflict(
                f"{kind} {value!r} already belongs to another customer",
                argument="value",
            )
        return IdentityRecord(found.kind, found.value, found.source, found.linked_at)

    found = await existing()
    if found is not None:
        return check(found)
    row = m.CustomerIdentifier(
        kind=kind, value=value, customer_id=customer_id, source=source, linked_at=utcnow()
    )
    try:
        async with store.write() as session:
            if await session.get(m.Customer, customer_id) is None:
                raise NotFound(f"Customer {customer_id!r} not found")
            session.add(row)
    except IntegrityError:
        found = await existing()  # a concurrent link won the primary key
        if found is None:
            raise
        return check(found)
    return IdentityRecord(kind, value, source, row.linked_at)


def _merge_record(row: m.CustomerMerge) -> MergeRecord:
    return MergeRecord(
        id=row.id,
        source_customer_id=row.source_customer_id,
        target_customer_id=row.target_customer_id,
        actor=row.actor,
        merged_at=row.merged_at,
        summary=dict(row.summary or {}),
    )


def _already_merged(source_id: str, target_id: str) -> Conflict:
    return Conflict(
        f"Customer {source_id!r} was already merged into {target_id!r}", argument="sourceId"
    )


async def merges(store: Store, source_ids: Sequence[str]) -> list[MergeRecord | None]:
    if not source_ids:
        return []
    async with store.read() as session:
        rows = await session.scalars(
            select(m.CustomerMerge).where(m.CustomerMerge.source_customer_id.in_(set(source_ids)))
        )
        found = {r.source_customer_id: _merge_record(r) for r in rows}
    return [found.get(s) for s in source_ids]


async def merge_customers(
    store: Store,
    source_id: str,
    target_id: str,
    actor: str,
    idempotency_key: str,
    details: dict[str, Any] | None = None,
) -> MergeRecord:
    digest = hashlib.sha256(f"{source_id}\0{target_id}".encode()).hexdigest()[:24]
    try:
        async with store.write() as session:
            done = await session.scalar(
                select(m.CustomerMerge).where(m.CustomerMerge.source_customer_id == source_id)
            )
            if done is not None:
                if done.target_customer_id != target_id:
                    raise _already_merged(source_id, done.target_customer_id)
                return _merge_record(done)
            target_gone = await session.scalar(
                select(m.CustomerMerge).where(m.CustomerMerge.source_customer_id == target_id)
            )
            if target_gone is not None:
                raise Conflict(
                    f"Customer {target_id!r} was merged into {target_gone.target_customer_id!r}",
                    argument="targetId",
                )
            identifiers = await session.execute(
                update(m.CustomerIdentifier)
                .where(m.CustomerIdentifier.customer_id == source_id)
                .values(customer_id=target_id)
            )
            events = await session.execute(
                update(m.Event)
                .where(m.Event.customer_id == source_id)
                .values(customer_id=target_id)
            )
            # the source's figures are stale; the target's are recomputed by the caller
            for table in (m.CustomerSegment, m.CustomerMetrics):
                await session.execute(delete(table).where(table.customer_id == source_id))
            summary: dict[str, Any] = {
                "identifiers": getattr(identifiers, "rowcount", 0),
                "events": getattr(events, "rowcount", 0),
                "idempotency_key": idempotency_key,
                **(details or {}),
            }
            row = m.CustomerMerge(
                id=f"mrg_{digest}",
                source_customer_id=source_id,
                target_customer_id=target_id,
                actor=actor,
                idempotency_key=idempotency_key,
                summary=summary,
                merged_at=utcnow(),
            )
            session.add(row)
            await session.flush()
            return _merge_record(row)
    except IntegrityError:
        (found,) = await merges(store, [source_id])  # a concurrent merge of the same source
        if found is None:
            raise
        if found.target_customer_id != target_id:
            raise _already_merged(source_id, found.target_customer_id) from None
        return found


async def customer_metrics(
    store: Store, customer_ids: Sequence[str]
) -> list[CustomerMetricsRecord | None]:
    if not customer_ids:
        return []
    async with store.read() as session:
        rows = await session.scalars(
            select(m.CustomerMetrics).where(m.CustomerMetrics.customer_id.in_(set(customer_ids)))
        )
        found = {
            r.customer_id: CustomerMetricsRecord(
                customer_id=r.customer_id,
                currency=r.currency,
                order_count=r.order_count,
                revenue=r.revenue,
                first_order_at=r.first_order_at,
                last_order_at=r.last_order_at,
                recency_score=r.recency_score,
                frequency_score=r.frequency_score,
                monetary_score=r.monetary_score,
                rfm_segment=r.rfm_segment,
                abc_class=r.abc_class,
                probability_alive=r.probability_alive,
                expected_purchases_12m=r.expected_purchases_12m,
                predicted_12m=r.predicted_12m,
                computed_at=r.computed_at,
            )
            for r in rows
        }
    return [found.get(c) for c in customer_ids]


async def customers_in_segment(
    store: Store, queries: Sequence[SegmentMembersQuery]
) -> list[Page[str]]:
    results: list[Page[str]] = []
    async with store.read() as session:
        for q in queries:
            stmt = select(m.CustomerSegment.customer_id).where(
                m.CustomerSegment.segment_key == q.segment_key
            )
            total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
            if q.after:
                (after_id,) = decode_cursor(q.after, 1)
                stmt = stmt.where(m.CustomerSegment.customer_id > str(after_id))
            ids = list(
                await session.scalars(
                    stmt.order_by(m.CustomerSegment.customer_id).limit(q.first + 1)
                )
            )
            page = ids[: q.first]
            cursors = tuple(encode_cursor(i) for i in page)
            results.append(
                Page(
                    items=tuple(page),
                    has_next_page=len(ids) > q.first,
                    end_cursor=cursors[-1] if cursors else None,
                    total_count=total or 0,
                    cursors=cursors,
                )
            )
    return results
