"""On PostgreSQL a full refresh reads the activity column-wise and writes with COPY and
set-based SQL; what it reads and writes is what the row-by-row path (SQLite's, and
PostgreSQL's without COPY) reads and writes, row for row, on the seeded demo."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from commercegraph.customer360 import refresh
from commercegraph.customer360.activity import load_activity
from commercegraph.customer360.bulk_load import load_activity_columns
from commercegraph.store import models as m
from tests.conftest import (
    _seed_now,
)
from tests.factories import demo_database, store_for

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def fresh_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_database("postgresql", tmp_path_factory.mktemp("copy")) as db:
        yield db.url


async def _refresh_and_read(url: str) -> tuple[list[Any], list[Any], Any]:
    store = store_for(url)
    try:
        summary = await refresh.refresh_all(store, "USD", _seed_now())
        async with store.read() as session:
            metrics = [
                tuple(getattr(r, c.name) for c in m.CustomerMetrics.__table__.columns)
                for r in await session.scalars(
                    select(m.CustomerMetrics).order_by(m.CustomerMetrics.customer_id)
                )
            ]
            segments = [
                (r.customer_id, r.segment_key, r.name, r.kind, r.computed_at)
                for r in await session.scalars(
                    select(m.CustomerSegment).order_by(
                        m.CustomerSegment.customer_id, m.CustomerSegment.segment_key
                    )
                )
            ]
    finally:
        await store.dispose()
    return metrics, segments, summary


async def test_copy_writes_what_inserts_write(
    fresh_demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied, copied_segments, summary = await _refresh_and_read(fresh_demo)
    monkeypatch.setattr(refresh, "COPY_ON_POSTGRESQL", False)
    inserted, inserted_segments, again = await _refresh_and_read(fresh_demo)
    assert len(copied) == summary.customers > 0
    assert len(copied_segments) == summary.memberships == again.memberships > 0
    assert copied == inserted
    assert copied_segments == inserted_segments


async def test_columnar_load_equals_the_row_loader(fresh_demo: str) -> None:
    store = store_for(fresh_demo)
    try:
        async with store.read() as session:
            rows = await load_activity(session, "USD", _seed_now())
            columns = await load_activity_columns(session, "USD", _seed_now())
    finally:
        await store.dispose()
    assert columns.size == rows.size > 0
    assert list(columns.customer_ids) == list(rows.customer_ids)
    assert int(rows.order_count.sum()) > 0
    assert rows.purchase_days is not None and int(rows.purchase_days.sum()) > 0
    for name in (
        "order_count",
        "revenue",
        "discounted_orders",
        "weekend_orders",
        "top_brand_units",
        "brand_units",
        "referrals",
        "days_since_first",
        "days_since_last",
        "purchase_days",
        "first_day_revenue",
    ):
        assert np.array_equal(getattr(columns, name), getattr(rows, name)), name
    for channel, counts in rows.channel_orders.items():
        assert np.array_equal(columns.channel_orders[channel], counts), channel
