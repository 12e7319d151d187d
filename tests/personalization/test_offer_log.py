"""The offer log on SQLite and PostgreSQL: frequency caps, expiry, the daily cap, the outbox,
and at most one issue per cap under concurrency (PostgreSQL)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from commercegraph.adapters.base import OfferIssue
from commercegraph.adapters.native import personalization as native
from commercegraph.store import models as m
from commercegraph.store.db import Store

T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)


def issue(key: str, *, marketing: bool = True, now: datetime = T0) -> OfferIssue:
    return OfferIssue(
        key=key,
        kind="AVAILABLE_IN_STORE",
        title="Available in store",
        message="m",
        reason="r",
        sku="SKU-RUN-0001",
        store_id="loc_downtown",
        marketing=marketing,
        expires_at=now + timedelta(days=2),
        cap=timedelta(days=7),
    )


async def log_rows(store: Store, customer_id: str) -> int:
    async with store.read() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(m.OfferLogEntry)
            .where(m.OfferLogEntry.customer_id == customer_id)
        )
    return int(count or 0)


async def offer(store: Store, customer_id: str, at: datetime, *issues: OfferIssue, cap: int = 3):
    return await native.issue_offers(
        store,
        customer_id,
        issues,
        trigger="QUERY",
        now=at,
        max_new_marketing_per_day=cap,
    )


async def test_the_same_offer_is_not_repeated_within_its_cap(p8_store: Store) -> None:
    cid = f"cus_{uuid.uuid4().hex[:8]}"
    first = await offer(p8_store, cid, T0, issue("k"))
    assert len(first) == 1
    again = await offer(
        p8_store, cid, T0 + timedelta(hours=5), issue("k", now=T0 + timedelta(hours=5))
    )
    assert [o.id for o in again] == [first[0].id]  # still the one offer, not a new one
    later = T0 + timedelta(days=3)  # expired, but the 7-day cap has not passed
    assert await offer(p8_store, cid, later, issue("k", now=later)) == []
    assert await log_rows(p8_store, cid) == 1
    after_cap = T0 + timedelta(days=7, minutes=1)
    renewed = await offer(p8_store, cid, after_cap, issue("k", now=after_cap))
    assert len(renewed) == 1 and renewed[0].id != first[0].id
    assert renewed[0].expires_at == after_cap + timedelta(days=2)
    assert await log_rows(p8_store, cid) == 2


async def test_daily_cap_limits_new_marketing_offers_only(p8_store: Store) -> None:
    cid = f"cus_{uuid.uuid4().hex[:8]}"
    shown = await offer(
        p8_store, cid, T0, issue("a"), issue("b"), issue("c"), issue("svc", marketing=False), cap=2
    )
    assert sorted(o.key for o in shown) == ["a", "b", "svc"]
    next_day = T0 + timedelta(days=1, minutes=1)
    shown = await offer(p8_store, cid, next_day, issue("c", now=next_day), cap=2)
    assert "c" in {o.key for o in shown}


async def test_notify_writes_the_outbox_in_the_same_transaction(p8_store: Store) -> None:
    cid = f"cus_{uuid.uuid4().hex[:8]}"
    shown = await native.issue_offers(
        p8_store,
        cid,
        [issue("geo")],
        trigger="GEOFENCE",
        now=T0,
        max_new_marketing_per_day=3,
        notify_event="offer.created",
    )
    async with p8_store.read() as session:
        rows = list(await session.scalars(select(m.WebhookDelivery)))
    mine = [r for r in rows if r.payload.get("customerId") == cid]
    assert len(mine) == 1
    assert mine[0].payload["offerId"] == shown[0].id and mine[0].status == "PENDING"


async def test_concurrent_requests_issue_an_offer_once(p8_store: Store) -> None:
    if p8_store.dialect != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL; SQLite serialises writers")
    cid = f"cus_{uuid.uuid4().hex[:8]}"
    results = await asyncio.gather(*(offer(p8_store, cid, T0, issue("race")) for _ in range(12)))
    ids = {o.id for shown in results for o in shown}
    assert len(ids) == 1
    assert await log_rows(p8_store, cid) == 1
