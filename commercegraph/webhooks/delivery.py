"""Delivers the webhook outbox: signed POSTs, retried with backoff, at least once.

A delivery is claimed with a lease (a conditional update) before it is sent, so several
workers never send the same row at the same time; a worker that dies mid-send leaves the
lease to expire and another sends it again. Receivers de-duplicate on ``webhook-id``, the
delivery id, which is the same on every attempt.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import CursorResult, or_, select, update

from commercegraph.config import Settings
from commercegraph.services.webhook_signing import signed_headers
from commercegraph.services.webhooks import EVENT_HEADER, retry_delay
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.webhooks.consent import WITHDRAWN, without_consent

LEASE = timedelta(seconds=60)  # longer than one attempt's timeout, so leases expire only on crash
BATCH_SIZE = 50
PENDING, DELIVERED, FAILED, DROPPED = "PENDING", "DELIVERED", "FAILED", "DROPPED"


@dataclass
class DeliveryReport:
    delivered: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # consent withdrawn since queued


async def _claim(store: Store, delivery_id: str, now: datetime) -> bool:
    async with store.write() as session:
        result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
            update(m.WebhookDelivery)
            .where(
                m.WebhookDelivery.id == delivery_id,
                m.WebhookDelivery.status == PENDING,
                or_(
                    m.WebhookDelivery.locked_until.is_(None),
                    m.WebhookDelivery.locked_until < now,
                ),
            )
            .values(locked_until=now + LEASE)
        )
        return result.rowcount == 1


def body_of(delivery: m.WebhookDelivery) -> bytes:
    envelope = {
        "id": delivery.id,
        "type": delivery.event_type,
        "createdAt": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


async def _send(
    http: httpx.AsyncClient, settings: Settings, delivery: m.WebhookDelivery, now: datetime
) -> str | None:
    """None when the receiver accepted the delivery, else why not."""
    assert settings.webhook_url is not None
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        EVENT_HEADER: delivery.event_type,
        **signed_headers(settings.webhook_secret, delivery.id, int(now.timestamp()), body),
    }
    try:
        response = await http.post(
            settings.webhook_url,
            content=body,
            headers=headers,
            timeout=settings.webhook_timeout_seconds,
        )
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}"


async def deliver_due(
    store: Store,
    settings: Settings,
    http: httpx.AsyncClient,
    *,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> DeliveryReport:
    """Attempt every delivery that is due once; return what happened to each."""
    report = DeliveryReport()
    if settings.webhook_url is None:
        return report
    now = now or utcnow()
    rng = rng or random.Random()
    async with store.read() as session:
        due = list(
            await session.scalars(
                select(m.WebhookDelivery)
                .where(
                    m.WebhookDelivery.status == PENDING, m.WebhookDelivery.next_attempt_at <= now
                )
                .order_by(m.WebhookDelivery.next_attempt_at, m.WebhookDelivery.id)
                .limit(BATCH_SIZE)
            )
        )
    refused = await without_consent(store, due)
    for delivery in due:
        if not await _claim(store, delivery.id, now):
            continue
        if delivery.id in refused:
            await _drop(store, delivery.id)
            report.dropped.append(delivery.id)
            continue
        error = await _send(http, settings, delivery, now)
        attempts = delivery.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "locked_until": None, "last_error": error}
        if error is None:
            values.update(status=DELIVERED, delivered_at=now)
            report.delivered.append(delivery.id)
        elif attempts >= settings.webhook_max_attempts:
            values.update(status=FAILED)
            report.failed.append(delivery.id)
        else:
            delay = retry_delay(
                attempts,
                base=settings.webhook_backoff_base_seconds,
                cap=settings.webhook_backoff_max_seconds,
                rng=rng,
            )
            values.update(next_attempt_at=now + timedelta(seconds=delay))
            report.retrying.append(delivery.id)
        async with store.write() as session:
            await session.execute(
                update(m.WebhookDelivery)
                .where(m.WebhookDelivery.id == delivery.id)
                .values(**values)
            )
    return report


async def _drop(store: Store, delivery_id: str) -> None:
    async with store.write() as session:
        await session.execute(
            update(m.WebhookDelivery)
            .where(m.WebhookDelivery.id == delivery_id)
            .values(status=DROPPED, locked_until=None, last_error=WITHDRAWN)
        )


async def run_worker(
    store: Store, settings: Settings, *, poll_seconds: float = 1.0, stop: asyncio.Event
) -> None:
    """Deliver the outbox until ``stop`` is set."""
    async with httpx.AsyncClient() as http:
        while not stop.is_set():
            await deliver_due(store, settings, http)
            try:
                await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
            except TimeoutError:
                pass
