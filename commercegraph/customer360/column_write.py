"""A full refresh's rows on PostgreSQL, written from columns rather than per-row dicts.

``customer_metrics`` is copied (``COPY``) from per-column lists zipped into records; the RFM
and ABC memberships are then derived from it inside the database (``INSERT ... SELECT``),
and only the few behavioural memberships travel from Python. What lands in the tables is
what the row-by-row path writes (a test compares the two on the seeded demo).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.services.segmentation import (
    SEGMENT_KEYS,
    CustomerActivity,
    RfmScores,
    segment_name,
)

log = logging.getLogger("commercegraph.customer360")

_DERIVED = """
INSERT INTO customer_segments (customer_id, segment_key, name, kind, computed_at)
WITH k(key, name, kind) AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))
SELECT m.customer_id, k.key, k.name, k.kind, m.computed_at
FROM customer_metrics m JOIN k ON k.key = m.rfm_segment
UNION ALL
SELECT m.customer_id, k.key, k.name, k.kind, m.computed_at
FROM customer_metrics m JOIN k ON k.key = 'abc:' || m.abc_class
"""


def _masked(values: list[Any], keep: list[bool]) -> list[Any]:
    return [v if k else None for v, k in zip(values, keep, strict=True)]


def _days_ago(now: datetime, days: NDArray[np.float64], keep: list[bool]) -> list[Any]:
    return [
        now - timedelta(days=d) if k else None for d, k in zip(days.tolist(), keep, strict=True)
    ]


async def write_full_refresh(
    session: AsyncSession,
    activity: CustomerActivity,
    rfm: RfmScores,
    abc: list[str],
    behaviour: list[list[str]],
    predictions: tuple[NDArray[np.float64] | None, ...],
    currency: str,
    now: datetime,
) -> int:
    """Write every customer's metrics and memberships; returns the memberships written."""
    started = time.perf_counter()
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection  # asyncpg's connection, in this transaction
    buyers = activity.order_count > 0
    bought = buyers.tolist()
    alive, expected, predicted = predictions
    none = [None] * activity.size
    if predicted is not None:
        has_value = (buyers & np.isfinite(predicted)).tolist()
        finite = np.where(np.isfinite(predicted), predicted, 0.0)
        predicted_col = _masked(finite.astype(np.int64).tolist(), has_value)
    else:
        predicted_col = none
    columns: dict[str, list[Any]] = {
        "customer_id": list(activity.customer_ids),
        "currency": [currency] * activity.size,
        "order_count": activity.order_count.tolist(),
        "revenue": activity.revenue.tolist(),
        "first_order_at": _days_ago(now, activity.days_since_first, bought),
        "last_order_at": _days_ago(now, activity.days_since_last, bought),
        "recency_score": _masked(rfm.recency.tolist(), bought),
        "frequency_score": _masked(rfm.frequency.tolist(), bought),
        "monetary_score": _masked(rfm.monetary.tolist(), bought),
        "rfm_segment": _masked([f"rfm:{s}" for s in rfm.segment], bought),
        "abc_class": _masked(abc, bought),
        "probability_alive": _masked(alive.tolist(), bought) if alive is not None else none,
        "expected_purchases_12m": _masked(expected.tolist(), bought)
        if expected is not None
        else none,
        "predicted_12m": predicted_col,
        "computed_at": [now] * activity.size,
    }
    built = time.perf_counter()
    await driver.copy_records_to_table(
        "customer_metrics", records=zip(*columns.values(), strict=True), columns=list(columns)
    )
    del columns
    copied = time.perf_counter()
    keys = [k for k in SEGMENT_KEYS if not k.startswith("behaviour:")]
    names = [segment_name(k) for k in keys]
    status = await driver.execute(
        _DERIVED, keys, [n for n, _ in names], [kind for _, kind in names]
    )
    derived = int(status.rpartition(" ")[2])
    inserted = time.perf_counter()
    behavioural = [
        (cid, f"behaviour:{slug}", *segment_name(f"behaviour:{slug}"), now)
        for cid, slugs in zip(activity.customer_ids, behaviour, strict=True)
        for slug in slugs
    ]
    await driver.copy_records_to_table(
        "customer_segments",
        records=behavioural,
        columns=["customer_id", "segment_key", "name", "kind", "computed_at"],
    )
    log.debug(
        "refresh write: columns %.1f s, metrics COPY %.1f s, derived memberships %.1f s, "
        "behaviour COPY %.1f s",
        built - started,
        copied - built,
        inserted - copied,
        time.perf_counter() - inserted,
    )
    return derived + len(behavioural)
