"""A webhook queued before its customer withdrew consent is dropped at delivery, not sent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select, update

from commercegraph.adapters.registry import build_registry
from commercegraph.demo import DEVI_ID, DOWNTOWN_ID
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.usecases.offers import on_geofence_entered
from commercegraph.usecases.personal_reads import PersonalPorts
from commercegraph.webhooks.delivery import deliver_due
from tests.conftest import SeededDatabase, settings_for


@pytest.fixture
def receiver() -> Iterator[tuple[list[bytes], str]]:
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received, f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()
        server.server_close()


async def _consent(store: Store, **values: bool) -> dict[str, bool]:
    async with store.write() as session:
        row = await session.get(m.Consent, DEVI_ID)
        assert row is not None
        before = {k: bool(getattr(row, k)) for k in values}
        await session.execute(
            update(m.Consent).where(m.Consent.customer_id == DEVI_ID).values(**values)
        )
    return before


async def test_consent_withdrawn_after_queueing_drops_the_delivery(
    p8_db: SeededDatabase, p8_store: Store, receiver: tuple[list[bytes], str]
) -> None:
    received, url = receiver
    settings = settings_for(p8_db.url, webhook_url=url, webhook_secret="x" * 32)
    async with p8_store.write() as session:
        await session.execute(delete(m.OfferCap).where(m.OfferCap.customer_id == DEVI_ID))
        await session.execute(delete(m.OfferLogEntry).where(m.OfferLogEntry.customer_id == DEVI_ID))
        await session.execute(delete(m.WebhookDelivery))
    now = datetime.now(UTC)
    offers = await on_geofence_entered(
        PersonalPorts.of(build_registry(settings, p8_store), settings),
        customer_id=DEVI_ID,
        store_id=DOWNTOWN_ID,
        now=now,
    )
    assert offers, "the geofence queues offers for Devi"
    before = await _consent(p8_store, personalization=False)
    try:
        async with httpx.AsyncClient() as http:
            report = await deliver_due(p8_store, settings, http, now=now)
    finally:
        await _consent(p8_store, **before)
    assert received == []
    async with p8_store.read() as session:
        rows = list(await session.scalars(select(m.WebhookDelivery)))
    assert sorted(report.dropped) == sorted(r.id for r in rows) and rows
    assert {(r.status, r.last_error) for r in rows} == {
        ("DROPPED", "consent withdrawn before delivery")
    }
    # dropped is final: a later pass sends nothing, even with consent back
    async with httpx.AsyncClient() as http:
        again = await deliver_due(p8_store, settings, http, now=now)
    assert again.delivered == again.dropped == [] and received == []


async def test_deliveries_still_consented_are_sent(
    p8_db: SeededDatabase, p8_store: Store, receiver: tuple[list[bytes], str]
) -> None:
    received, url = receiver
    settings = settings_for(p8_db.url, webhook_url=url, webhook_secret="x" * 32)
    async with p8_store.write() as session:
        await session.execute(delete(m.OfferCap).where(m.OfferCap.customer_id == DEVI_ID))
        await session.execute(delete(m.OfferLogEntry).where(m.OfferLogEntry.customer_id == DEVI_ID))
        await session.execute(delete(m.WebhookDelivery))
    now = datetime.now(UTC)
    offers = await on_geofence_entered(
        PersonalPorts.of(build_registry(settings, p8_store), settings),
        customer_id=DEVI_ID,
        store_id=DOWNTOWN_ID,
        now=now,
    )
    async with httpx.AsyncClient() as http:
        report = await deliver_due(p8_store, settings, http, now=now)
    assert len(report.delivered) == len(offers) == len(received) and report.dropped == []
