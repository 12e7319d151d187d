"""Segment refresh: RFM, ABC, behaviour and lifetime value for the whole base or a few
customers, written to ``customer_segments`` and ``customer_metrics``.

A full refresh fits the cut points and the BG/NBD and Gamma-Gamma models on everyone and
keeps them in ``customer360_models``; an incremental refresh (an order arrived) scores the
named customers against them, so it costs a few small queries whatever the base's size.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.customer360.activity import load_activity
from commercegraph.customer360.bulk_load import load_activity_columns
from commercegraph.customer360.bulk_write import write_rows
from commercegraph.customer360.column_write import write_full_refresh
from commercegraph.progress import progress
from commercegraph.services.ltv import (
    BetaGeometricNBD,
    FitError,
    GammaGamma,
    bounded_parameters,
    fit_bgnbd,
    fit_gamma_gamma,
)
from commercegraph.services.segmentation import (
    ABC,
    BEHAVIOUR,
    RFM,
    AbcModel,
    CustomerActivity,
    RfmModel,
    Segmentation,
    behaviour_segments,
    classify_abc,
    fit_abc,
    fit_rfm,
    score_rfm,
    segment,
    segment_name,
)
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow

log = logging.getLogger("commercegraph.customer360")

HORIZON_DAYS = 365.0  # "12 months" of the predictive figures
MIN_AGE_DAYS = 1.0 / 24  # a first order placed this very hour still has a positive age
MIN_REPEAT_BUYERS = 20  # the default of CG_LTV_MIN_REPEAT_BUYERS
COPY_ON_POSTGRESQL = True  # COPY rather than INSERTs there: several times faster
OWN_KINDS = (RFM, ABC, BEHAVIOUR)
_OWN = m.CustomerSegment.kind.in_(OWN_KINDS)


@dataclass(frozen=True)
class Models:
    rfm: RfmModel
    abc: AbcModel
    bgnbd: BetaGeometricNBD | None
    gamma_gamma: GammaGamma | None
    repeat_buyers: int | None = None  # known after a fit, not after loading stored models
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefreshSummary:
    customers: int
    buyers: int
    memberships: int
    bgnbd: dict[str, float] | None
    gamma_gamma: dict[str, float] | None
    repeat_buyers: int
    warnings: list[str]
    load_s: float
    fit_s: float
    write_s: float


def _ltv_inputs(a: CustomerActivity) -> tuple[np.ndarray, ...]:
    """(buyers, frequency, recency, age, monetary) as the models define them: a purchase is
    a customer's orders of one UTC day, frequency counts the purchases after the first, and
    monetary is the mean of those repeat purchases (the first day's spend left out)."""
    buyers = a.order_count > 0
    age = np.maximum(a.days_since_first, MIN_AGE_DAYS)
    recency = np.clip(a.days_since_first - a.days_since_last, 0.0, age)
    purchases = a.order_count if a.purchase_days is None else a.purchase_days
    frequency = np.maximum(purchases - 1, 0).astype(np.float64)
    recency = np.where(frequency > 0, recency, 0.0)
    if a.first_day_revenue is None:
        first = a.revenue / np.maximum(a.order_count, 1)
    else:
        first = a.first_day_revenue.astype(np.float64)
    repeat_revenue = np.maximum(a.revenue - first, 0.0)
    monetary = np.where(frequency > 0, repeat_revenue / np.maximum(frequency, 1.0), 0.0)
    return buyers, frequency, recency, age, monetary


def fit_models(activity: CustomerActivity, min_repeat_buyers: int = MIN_REPEAT_BUYERS) -> Models:
    """RFM and ABC always; BG/NBD and Gamma-Gamma only from at least ``min_repeat_buyers``
    customers with a repeat purchase (fewer cannot pin the population down)."""
    buyers, frequency, recency, age, monetary = _ltv_inputs(activity)
    bgnbd: BetaGeometricNBD | None = None
    gamma_gamma: GammaGamma | None = None
    warnings: list[str] = []
    repeat_buyers = int(np.count_nonzero(buyers & (frequency > 0)))
    if repeat_buyers < min_repeat_buyers:
        warnings.append(
            f"lifetime value not fitted: {repeat_buyers} repeat buyers,"
            f" at least {min_repeat_buyers} needed"
        )
    else:
        try:
            bgnbd = fit_bgnbd(frequency[buyers], recency[buyers], age[buyers])
        except FitError as exc:
            warnings.append(f"BG/NBD not fitted: {exc}")
        try:
            gamma_gamma = fit_gamma_gamma(frequency[buyers], monetary[buyers])
        except FitError as exc:
            warnings.append(f"Gamma-Gamma not fitted: {exc}")
    for name, model in (("BG/NBD", bgnbd), ("Gamma-Gamma", gamma_gamma)):
        if model is not None and (stuck := bounded_parameters(model)):
            warnings.append(f"{name} fit ended at the optimiser's bound for {', '.join(stuck)}")
    for warning in warnings:
        log.warning("%s", warning)
    return Models(
        fit_rfm(activity),
        fit_abc(activity.revenue),
        bgnbd,
        gamma_gamma,
        repeat_buyers=repeat_buyers,
        warnings=tuple(warnings),
    )


def _predictions(
    activity: CustomerActivity, models: Models
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """Probability alive, expected purchases and predicted spend over the horizon."""
    _, frequency, recency, age, monetary = _ltv_inputs(activity)
    alive = expected = predicted = None
    if models.bgnbd is not None:
        alive = models.bgnbd.probability_alive(frequency, recency, age)
        expected = models.bgnbd.expected_purchases(HORIZON_DAYS, frequency, recency, age)
        if models.gamma_gamma is not None:
            spend = models.gamma_gamma.expected_average_value(frequency, monetary)
            predicted = np.rint(expected * spend)
    return alive, expected, predicted


def _metric_rows(
    activity: CustomerActivity, seg: Segmentation, models: Models, currency: str, now: datetime
) -> Iterator[dict[str, Any]]:
    buyers = activity.order_count > 0
    alive, expected, predicted = _predictions(activity, models)
    for i, cid in enumerate(activity.customer_ids):
        bought = bool(buyers[i])
        yield (
            {
                "customer_id": cid,
                "currency": currency,
                "order_count": int(activity.order_count[i]),
                "revenue": int(activity.revenue[i]),
                "first_order_at": now - timedelta(days=float(activity.days_since_first[i]))
                if bought
                else None,
                "last_order_at": now - timedelta(days=float(activity.days_since_last[i]))
                if bought
                else None,
                "recency_score": int(seg.rfm.recency[i]) if bought else None,
                "frequency_score": int(seg.rfm.frequency[i]) if bought else None,
                "monetary_score": int(seg.rfm.monetary[i]) if bought else None,
                "rfm_segment": f"rfm:{seg.rfm.segment[i]}" if bought else None,
                "abc_class": seg.abc[i] if bought else None,
                "probability_alive": float(alive[i]) if alive is not None and bought else None,
                "expected_purchases_12m": float(expected[i])
                if expected is not None and bought
                else None,
                "predicted_12m": int(predicted[i])
                if predicted is not None and bought and np.isfinite(predicted[i])
                else None,
                "computed_at": now,
            }
        )


def _segment_rows(
    activity: CustomerActivity, seg: Segmentation, now: datetime
) -> Iterator[dict[str, Any]]:
    for cid, keys in zip(activity.customer_ids, seg.memberships, strict=True):
        for key in keys:
            name, kind = segment_name(key)
            yield {
                "customer_id": cid,
                "segment_key": key,
                "name": name,
                "kind": kind,
                "computed_at": now,
            }


async def _one_writer(session: AsyncSession) -> None:
    """Refreshes replace their rows one transaction at a time. Two replacing the same customer
    at once would both delete (neither sees the other's new rows) and then both insert; on
    PostgreSQL the second waits here instead. SQLite has one writer anyway."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('customer360:refresh'))"))


async def _replace(
    session: AsyncSession,
    activity: CustomerActivity,
    seg: Segmentation,
    models: Models,
    currency: str,
    now: datetime,
    only: Sequence[str] | None,
) -> int:
    await _one_writer(session)
    segments, metrics = m.CustomerSegment, m.CustomerMetrics
    own = _OWN
    if only is None:
        await session.execute(delete(segments).where(own))
        await session.execute(delete(metrics))
    else:
        await session.execute(delete(segments).where(own, segments.customer_id.in_(only)))
        await session.execute(delete(metrics).where(metrics.customer_id.in_(only)))
    copy = COPY_ON_POSTGRESQL
    await write_rows(session, "customer_segments", _segment_rows(activity, seg, now), copy=copy)
    metric_rows = _metric_rows(activity, seg, models, currency, now)
    await write_rows(session, "customer_metrics", metric_rows, copy=copy)
    return sum(len(keys) for keys in seg.memberships)


def _model_rows(models: Models, customers: int, now: datetime) -> list[dict[str, Any]]:
    params: dict[str, dict[str, Any] | None] = {
        "rfm": models.rfm.to_params(),
        "abc": models.abc.to_params(),
        "bgnbd": asdict(models.bgnbd) if models.bgnbd else None,
        "gamma_gamma": asdict(models.gamma_gamma) if models.gamma_gamma else None,
    }
    return [
        {"name": name, "params": p, "customers": customers, "fitted_at": now}
        for name, p in params.items()
        if p is not None
    ]


async def _load_everyone(store: Store, currency: str, now: datetime) -> CustomerActivity:
    async with store.read() as session:
        if COPY_ON_POSTGRESQL and store.dialect == "postgresql":
            return await load_activity_columns(session, currency, now)
        return await load_activity(session, currency, now)


async def refresh_all(
    store: Store,
    currency: str,
    now: datetime | None = None,
    *,
    min_repeat_buyers: int = MIN_REPEAT_BUYERS,
) -> RefreshSummary:
    """Fit everything on the whole base and rewrite every customer's figures."""
    now = now or utcnow()
    columnar = COPY_ON_POSTGRESQL and store.dialect == "postgresql"
    started = time.perf_counter()
    progress("loading activity", 0, 3)
    activity = await _load_everyone(store, currency, now)
    loaded = time.perf_counter()
    progress(f"fitting models on {activity.size:,} customers", 1, 3)
    models = fit_models(activity, min_repeat_buyers)
    if columnar:
        # per-customer membership lists are left out: the database derives them
        rfm_scores = score_rfm(models.rfm, activity)
        abc_classes = classify_abc(models.abc, activity.revenue)
        behaviour = behaviour_segments(activity)
        predictions = _predictions(activity, models)
    else:
        seg = segment(activity, models.rfm, models.abc)
    fitted = time.perf_counter()
    progress("writing segments", 2, 3)
    async with store.write() as session:
        if columnar:
            await _one_writer(session)
            await session.execute(delete(m.CustomerSegment).where(_OWN))
            await session.execute(delete(m.CustomerMetrics))
            log.debug("refresh write: delete %.1f s", time.perf_counter() - fitted)
            memberships = await write_full_refresh(
                session, activity, rfm_scores, abc_classes, behaviour, predictions, currency, now
            )
        else:
            memberships = await _replace(session, activity, seg, models, currency, now, None)
        deleted = time.perf_counter()
        await session.execute(delete(m.Customer360Model))
        await session.execute(insert(m.Customer360Model), _model_rows(models, activity.size, now))
    log.debug("refresh write: commit %.1f s", time.perf_counter() - deleted)
    done = time.perf_counter()
    return RefreshSummary(
        customers=activity.size,
        buyers=int(np.count_nonzero(activity.order_count)),
        memberships=memberships,
        bgnbd=asdict(models.bgnbd) if models.bgnbd else None,
        gamma_gamma=asdict(models.gamma_gamma) if models.gamma_gamma else None,
        repeat_buyers=models.repeat_buyers or 0,
        warnings=list(models.warnings),
        load_s=round(loaded - started, 3),
        fit_s=round(fitted - loaded, 3),
        write_s=round(done - fitted, 3),
    )


async def load_models(session: AsyncSession) -> Models | None:
    rows = {r.name: r.params for r in await session.scalars(select(m.Customer360Model))}
    if "rfm" not in rows or "abc" not in rows:
        return None
    bg, gg = rows.get("bgnbd"), rows.get("gamma_gamma")
    return Models(
        rfm=RfmModel.from_params(rows["rfm"]),
        abc=AbcModel.from_params(rows["abc"]),
        bgnbd=BetaGeometricNBD(**bg) if bg else None,
        gamma_gamma=GammaGamma(**gg) if gg else None,
    )


async def refresh_customers(
    store: Store,
    customer_ids: Sequence[str],
    currency: str,
    now: datetime | None = None,
    *,
    min_repeat_buyers: int = MIN_REPEAT_BUYERS,
) -> None:
    """Re-score a few customers against the last full refresh (or run one if none)."""
    ids = list(dict.fromkeys(customer_ids))
    if not ids:
        return
    now = now or utcnow()
    async with store.read() as session:
        models = await load_models(session)
        if models is not None:
            activity = await load_activity(session, currency, now, ids)
    if models is None:
        await refresh_all(store, currency, now, min_repeat_buyers=min_repeat_buyers)
        return
    seg = segment(activity, models.rfm, models.abc)
    async with store.write() as session:
        await _replace(session, activity, seg, models, currency, now, ids)


CHANGED_CHUNK = 1000  # customers re-scored in one transaction by an incremental refresh


async def changed_customers(session: AsyncSession, currency: str) -> list[str]:
    """Customers with an order or an event since their figures were computed (or with
    orders and no figures yet): what an incremental refresh re-scores."""
    metrics = m.CustomerMetrics
    latest_order = (
        select(m.Order.customer_id.label("cid"), func.max(m.Order.placed_at).label("at"))
        .where(m.Order.currency == currency)
        .group_by(m.Order.customer_id)
    )
    latest_event = (
        select(m.Event.customer_id.label("cid"), func.max(m.Event.occurred_at).label("at"))
        .where(m.Event.customer_id.is_not(None))
        .group_by(m.Event.customer_id)
    )
    changed: set[str] = set()
    for latest, unscored in ((latest_order.subquery(), True), (latest_event.subquery(), False)):
        stale = latest.c.at > metrics.computed_at
        query = (
            select(latest.c.cid)
            .outerjoin(metrics, metrics.customer_id == latest.c.cid)
            .where(or_(metrics.customer_id.is_(None), stale) if unscored else stale)
        )
        changed.update(await session.scalars(query))
    return sorted(changed)


async def refresh_changed(
    store: Store,
    currency: str,
    now: datetime | None = None,
    *,
    min_repeat_buyers: int = MIN_REPEAT_BUYERS,
) -> dict[str, Any]:
    """Re-score only the customers whose orders or events are newer than their figures,
    against the models of the last full refresh (a full refresh when there is none)."""
    now = now or utcnow()
    async with store.read() as session:
        models = await load_models(session)
        changed = await changed_customers(session, currency) if models is not None else []
    if models is None:
        summary = await refresh_all(store, currency, now, min_repeat_buyers=min_repeat_buyers)
        return {"full": True, **asdict(summary)}
    for start in range(0, len(changed), CHANGED_CHUNK):
        progress("re-scoring changed customers", start, len(changed))
        chunk = changed[start : start + CHANGED_CHUNK]
        await refresh_customers(store, chunk, currency, now, min_repeat_buyers=min_repeat_buyers)
    return {"full": False, "rescored": len(changed)}
