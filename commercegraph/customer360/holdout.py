"""Hold-out check of the lifetime-value models: fit on the history up to a date, predict the
period after it, and compare with what the customers then did.

Nothing is written: the stored segments and figures stay those of the last refresh. The
customers compared are those who had bought by the cut-off (the models know nobody else);
a purchase in the hold-out period is, as in the fit, a customer's orders of one UTC day.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import func, select

from commercegraph.customer360.activity import EXCLUDED_STATUSES, SECONDS_PER_DAY, calendar_day
from commercegraph.customer360.refresh import (
    MIN_REPEAT_BUYERS,
    _load_everyone,
    _ltv_inputs,
    fit_models,
)
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow


class HoldoutError(ValueError):
    """The hold-out period is empty or the cut-off is not before its end."""


async def _actuals(
    store: Store, currency: str, start: datetime, end: datetime, index: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Purchases (distinct UTC days) and spend of each indexed customer in (start, end]."""
    purchases = np.zeros(len(index))
    spend = np.zeros(len(index))
    async with store.read() as session:
        day = calendar_day(session.get_bind().dialect.name)
        rows = await session.execute(
            select(m.Order.customer_id, func.count(func.distinct(day)), func.sum(m.Order.total))
            .where(
                m.Order.currency == currency,
                m.Order.status.not_in(EXCLUDED_STATUSES),
                m.Order.placed_at > start,
                m.Order.placed_at <= end,
            )
            .group_by(m.Order.customer_id)
        )
        for cid, days, total in rows:
            i = index.get(cid)
            if i is not None:
                purchases[i] = days
                spend[i] = int(total or 0)
    return purchases, spend


def _comparison(predicted: np.ndarray, actual: np.ndarray) -> dict[str, float | None]:
    total_actual = float(actual.sum())
    total_predicted = float(predicted.sum())
    return {
        "predicted": round(total_predicted, 2),
        "actual": round(total_actual, 2),
        "mae_per_customer": round(float(np.abs(predicted - actual).mean()), 4)
        if actual.size
        else None,
        "relative_error": round((total_predicted - total_actual) / total_actual, 4)
        if total_actual
        else None,
    }


async def holdout_report(
    store: Store,
    currency: str,
    as_of: datetime,
    until: datetime | None = None,
    *,
    min_repeat_buyers: int = MIN_REPEAT_BUYERS,
) -> dict[str, Any]:
    """Fit on orders up to ``as_of``; predicted against actual repeat purchases and spend
    (minor units) over ``(as_of, until]`` for the customers who had bought by ``as_of``."""
    until = until or utcnow()
    if until <= as_of:
        raise HoldoutError("the hold-out period must end after the cut-off date")
    horizon = (until - as_of).total_seconds() / SECONDS_PER_DAY
    activity = await _load_everyone(store, currency, as_of)
    models = fit_models(activity, min_repeat_buyers)
    buyers, frequency, recency, age, monetary = _ltv_inputs(activity)
    ids = [cid for cid, bought in zip(activity.customer_ids, buyers, strict=True) if bought]
    report: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "until": until.isoformat(),
        "holdout_days": round(horizon, 4),
        "currency": currency,
        "customers": len(ids),
        "repeat_buyers": models.repeat_buyers,
        "bgnbd": asdict(models.bgnbd) if models.bgnbd else None,
        "gamma_gamma": asdict(models.gamma_gamma) if models.gamma_gamma else None,
        "warnings": list(models.warnings),
        "transactions": None,
        "spend": None,
    }
    if models.bgnbd is None:
        return report
    f, t_x, t, mon = frequency[buyers], recency[buyers], age[buyers], monetary[buyers]
    actual_purchases, actual_spend = await _actuals(
        store, currency, as_of, until, {cid: i for i, cid in enumerate(ids)}
    )
    expected = models.bgnbd.expected_purchases(horizon, f, t_x, t)
    report["transactions"] = _comparison(expected, actual_purchases)
    if models.gamma_gamma is not None:
        spend = expected * models.gamma_gamma.expected_average_value(f, mon)
        report["spend"] = _comparison(spend, actual_spend)
    return report
