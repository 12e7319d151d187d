"""An incremental refresh re-scores only the customers whose orders or events are newer than
their figures, against the last full fit; nothing changed means nothing re-scored."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from commercegraph.customer360.refresh import changed_customers, refresh_all, refresh_changed
from commercegraph.demo import SAM_ID
from commercegraph.store import models as m
from commercegraph.store.models.base import utcnow
from tests.conftest import SeededDatabase
from tests.factories import store_for


async def test_only_customers_with_new_orders_or_events_are_rescored(
    fresh_db: SeededDatabase,
) -> None:
    store = store_for(fresh_db.url)
    try:
        await refresh_all(store, "USD")
        async with store.read() as session:
            assert await changed_customers(session, "USD") == []
            before = await session.get(m.CustomerMetrics, SAM_ID)
            last = await session.scalar(
                select(m.Order).where(m.Order.customer_id == SAM_ID, m.Order.currency == "USD")
            )
        assert before is not None and last is not None
        assert await refresh_changed(store, "USD") == {"full": False, "rescored": 0}

        later = utcnow() + timedelta(seconds=1)
        async with store.write() as session:
            session.add(
                m.Order(
                    id="ord_incremental_1",
                    customer_id=SAM_ID,
                    channel="WEB",
                    placed_at=later,
                    currency="USD",
                    subtotal=2500,
                    discount=0,
                    total=2500,
                    fulfillment="SHIP",
                    status="PLACED",
                )
            )
        async with store.read() as session:
            assert await changed_customers(session, "USD") == [SAM_ID]
        assert await refresh_changed(store, "USD", now=later) == {"full": False, "rescored": 1}
        async with store.read() as session:
            after = await session.get(m.CustomerMetrics, SAM_ID)
            assert after is not None
            assert after.order_count == before.order_count + 1
            assert after.revenue == before.revenue + 2500
            assert await changed_customers(session, "USD") == []
        assert await refresh_changed(store, "USD", now=later) == {"full": False, "rescored": 0}
    finally:
        await store.dispose()
