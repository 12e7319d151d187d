"""Read the order history of the whole customer base (or a few customers) as a
:class:`CustomerActivity` table, with a handful of GROUP BY queries on the gateway's store.

Cancelled orders, orders in other currencies than the one analysed and orders placed after
``now`` are left out (so a history can be read as it stood on a past date). Weekdays and
calendar days are taken in UTC.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Date, Integer, case, cast, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.services.segmentation import CHANNELS, CustomerActivity
from commercegraph.store import models as m

SECONDS_PER_DAY = 86_400.0
EXCLUDED_STATUSES = ("CANCELLED", "RETURNED")


def _weekend(dialect: str) -> ColumnElement[int]:
    if dialect == "postgresql":
        is_weekend = extract("isodow", func.timezone("UTC", m.Order.placed_at)) >= 6
    else:  # SQLite keeps naive UTC text; %w is 0 (Sunday) to 6 (Saturday)
        is_weekend = func.strftime("%w", m.Order.placed_at).in_(("0", "6"))
    return case((is_weekend, 1), else_=0)


def calendar_day(dialect: str) -> ColumnElement[Any]:
    """The order's UTC calendar day: orders of one day are one purchase to the LTV models."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", m.Order.placed_at), Date)
    return func.date(m.Order.placed_at)


def _days_before(now: datetime, moment: datetime | None) -> float:
    return (now - moment).total_seconds() / SECONDS_PER_DAY if moment is not None else 0.0


async def load_activity(
    session: AsyncSession,
    currency: str,
    now: datetime,
    customer_ids: Sequence[str] | None = None,
) -> CustomerActivity:
    """Everyone's activity, or only ``customer_ids``'s (in that order)."""
    dialect = session.get_bind().dialect.name
    counted = [
        m.Order.currency == currency,
        m.Order.status.not_in(EXCLUDED_STATUSES),
        m.Order.placed_at <= now,
    ]
    if customer_ids is not None:
        counted.append(m.Order.customer_id.in_(set(customer_ids)))
        ids = list(customer_ids)
    else:
        ids = list(await session.scalars(select(m.Customer.id).order_by(m.Customer.id)))
    index = {cid: i for i, cid in enumerate(ids)}
    n = len(ids)
    cols: dict[str, np.ndarray] = {
        name: np.zeros(n, dtype=np.int64)
        for name in (
            "order_count",
            "revenue",
            "discounted_orders",
            "weekend_orders",
            "top_brand_units",
            "brand_units",
            "referrals",
        )
    }
    since_first = np.zeros(n)
    since_last = np.zeros(n)
    rows = await session.execute(
        select(
            m.Order.customer_id,
            func.count(),
            func.sum(m.Order.total),
            func.min(m.Order.placed_at),
            func.max(m.Order.placed_at),
            func.sum(case((m.Order.discount > 0, 1), else_=0)),
            func.sum(_weekend(dialect)),
        )
        .where(*counted)
        .group_by(m.Order.customer_id)
    )
    for cid, count, revenue, first, last, discounted, weekend in rows:
        i = index.get(cid)
        if i is None:
            continue
        cols["order_count"][i] = count
        cols["revenue"][i] = int(revenue or 0)
        cols["discounted_orders"][i] = int(discounted or 0)
        cols["weekend_orders"][i] = int(weekend or 0)
        since_first[i] = _days_before(now, first)
        since_last[i] = _days_before(now, last)

    purchase_days = np.zeros(n, dtype=np.int64)
    first_day_revenue = np.zeros(n, dtype=np.int64)
    day = calendar_day(dialect)
    first_day = (
        select(m.Order.customer_id.label("cid"), func.min(day).label("day"))
        .where(*counted)
        .group_by(m.Order.customer_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            m.Order.customer_id,
            func.count(func.distinct(day)),
            func.sum(case((day == first_day.c.day, m.Order.total), else_=0)),
        )
        .join(first_day, first_day.c.cid == m.Order.customer_id)
        .where(*counted)
        .group_by(m.Order.customer_id)
    )
    for cid, days, first_revenue in rows:
        i = index.get(cid)
        if i is not None:
            purchase_days[i] = days
            first_day_revenue[i] = int(first_revenue or 0)

    channels = {c: np.zeros(n, dtype=np.int64) for c in CHANNELS}
    rows = await session.execute(
        select(m.Order.customer_id, m.Order.channel, func.count())
        .where(*counted)
        .group_by(m.Order.customer_id, m.Order.channel)
    )
    for cid, channel, count in rows:
        i = index.get(cid)
        if i is not None and channel in channels:
            channels[channel][i] = count

    brand_units: dict[int, list[int]] = defaultdict(list)
    rows = await session.execute(
        select(m.Order.customer_id, m.Product.brand_id, func.sum(m.OrderLine.quantity))
        .join(m.OrderLine, m.OrderLine.order_id == m.Order.id)
        .join(m.Product, m.Product.sku == m.OrderLine.sku)
        .where(*counted, m.Product.brand_id.is_not(None))
        .group_by(m.Order.customer_id, m.Product.brand_id)
    )
    for cid, _, units in rows:
        i = index.get(cid)
        if i is not None:
            brand_units[i].append(int(units or 0))
    for i, units_list in brand_units.items():
        cols["top_brand_units"][i] = max(units_list)
        cols["brand_units"][i] = sum(units_list)

    referrals = select(m.Customer.referred_by, cast(func.count(), Integer)).where(
        m.Customer.referred_by.is_not(None)
    )
    if customer_ids is not None:
        referrals = referrals.where(m.Customer.referred_by.in_(set(customer_ids)))
    for referrer, count in await session.execute(referrals.group_by(m.Customer.referred_by)):
        i = index.get(referrer) if referrer is not None else None
        if i is not None:
            cols["referrals"][i] = count

    return CustomerActivity(
        customer_ids=ids,
        days_since_first=since_first,
        days_since_last=since_last,
        channel_orders=channels,
        purchase_days=purchase_days,
        first_day_revenue=first_day_revenue,
        **cols,
    )
