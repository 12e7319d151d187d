"""The whole base's activity on PostgreSQL in one aggregate query, read column-wise.

Everything is summed per customer inside the database (orders up to ``now``, days before
``now`` and the purchase days the LTV models count included) and
comes back through ``COPY ... TO STDOUT`` into a temporary file that numpy parses, so a
million customers never become a million Python rows. The result equals
:func:`commercegraph.customer360.activity.load_activity`'s for the whole base, value for
value; that loader stays the one for SQLite and for a few customers.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.customer360.activity import EXCLUDED_STATUSES, SECONDS_PER_DAY
from commercegraph.services.segmentation import CHANNELS, CustomerActivity

WORK_MEM = "64MB"
_INT_COLUMNS = (
    "order_count",
    "revenue",
    "discounted_orders",
    "weekend_orders",
    "top_brand_units",
    "brand_units",
    "referrals",
)


def _query() -> str:
    # Only constants are spliced in (channel names and statuses of the code itself); the
    # currency and ``now`` are bind parameters.
    channels = ",\n".join(
        f"count(*) FILTER (WHERE channel = '{c}') AS ch_{i}" for i, c in enumerate(CHANNELS)
    )
    channel_cols = ", ".join(f"coalesce(o.ch_{i}, 0)" for i in range(len(CHANNELS)))
    excluded = ", ".join(f"'{s}'" for s in EXCLUDED_STATUSES)
    counted = f"o.currency = $1 AND o.status NOT IN ({excluded}) AND o.placed_at <= $2"
    # days as float8: the exact epoch difference rounded once, then divided, as in Python
    days = f"extract(epoch FROM ($2::timestamptz - {{}}))::float8 / {SECONDS_PER_DAY}::float8"
    return f"""
    WITH o AS (
        SELECT o.customer_id, count(*) AS n, sum(o.total) AS revenue,
               min(o.placed_at) AS first_at, max(o.placed_at) AS last_at,
               sum(CASE WHEN o.discount > 0 THEN 1 ELSE 0 END) AS discounted,
               sum(CASE WHEN extract(isodow FROM timezone('UTC', o.placed_at)) >= 6
                        THEN 1 ELSE 0 END) AS weekend,
               {channels}
        FROM orders o WHERE {counted} GROUP BY o.customer_id
    ), b AS (
        SELECT customer_id, max(units) AS top_units, sum(units) AS units FROM (
            SELECT o.customer_id, p.brand_id, sum(l.quantity) AS units
            FROM orders o
            JOIN order_lines l ON l.order_id = o.id
            JOIN products p ON p.sku = l.sku
            WHERE {counted} AND p.brand_id IS NOT NULL
            GROUP BY o.customer_id, p.brand_id
        ) per_brand GROUP BY customer_id
    ), d AS (
        SELECT customer_id, count(DISTINCT day) AS days,
               sum(CASE WHEN day = first_day THEN total ELSE 0 END) AS first_revenue
        FROM (
            SELECT o.customer_id, o.total, timezone('UTC', o.placed_at)::date AS day,
                   min(timezone('UTC', o.placed_at)::date)
                       OVER (PARTITION BY o.customer_id) AS first_day
            FROM orders o WHERE {counted}
        ) per_order GROUP BY customer_id
    ), r AS (
        SELECT referred_by, count(*) AS referrals FROM customers
        WHERE referred_by IS NOT NULL GROUP BY referred_by
    )
    SELECT c.id,
           coalesce(o.n, 0), coalesce(o.revenue, 0), coalesce(o.discounted, 0),
           coalesce(o.weekend, 0), coalesce(b.top_units, 0), coalesce(b.units, 0),
           coalesce(r.referrals, 0),
           coalesce({days.format("o.first_at")}, 0), coalesce({days.format("o.last_at")}, 0),
           {channel_cols},
           coalesce(d.days, 0), coalesce(d.first_revenue, 0)
    FROM customers c
    LEFT JOIN o ON o.customer_id = c.id
    LEFT JOIN d ON d.customer_id = c.id
    LEFT JOIN b ON b.customer_id = c.id
    LEFT JOIN r ON r.referred_by = c.id
    ORDER BY c.id
    """


async def load_activity_columns(
    session: AsyncSession, currency: str, now: datetime
) -> CustomerActivity:
    """Everyone's activity (PostgreSQL only), in customer id order."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection  # asyncpg's connection, in this transaction
    # One large aggregate: JIT compilation costs seconds and saves nothing here, and the
    # per-brand sort fits in memory with a little more than the default.
    await driver.execute("SET LOCAL jit = off")
    await driver.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
    with tempfile.TemporaryFile() as spool:
        await driver.copy_from_query(_query(), currency, now, output=spool, format="csv")
        spool.seek(0)
        if not spool.read(1):
            return CustomerActivity.build([])
        spool.seek(0)
        ids = np.loadtxt(spool, dtype=str, delimiter=",", quotechar='"', usecols=0, ndmin=1)
        spool.seek(0)
        numbers = np.loadtxt(
            spool,
            dtype=np.float64,
            delimiter=",",
            quotechar='"',
            usecols=range(1, 12 + len(CHANNELS)),
            ndmin=2,
        )
    ints = {name: numbers[:, i].astype(np.int64) for i, name in enumerate(_INT_COLUMNS)}
    channels = {c: numbers[:, 9 + i].astype(np.int64) for i, c in enumerate(CHANNELS)}
    return CustomerActivity(
        customer_ids=ids.tolist(),
        days_since_first=np.ascontiguousarray(numbers[:, 7]),
        days_since_last=np.ascontiguousarray(numbers[:, 8]),
        channel_orders=channels,
        purchase_days=numbers[:, 9 + len(CHANNELS)].astype(np.int64),
        first_day_revenue=numbers[:, 10 + len(CHANNELS)].astype(np.int64),
        **ints,
    )
