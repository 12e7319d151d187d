"""Geofence → offer → outbox → signed delivery to a real HTTP receiver on 127.0.0.1 that
fails the first attempts: retried with growing delays, the same delivery id every time."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select

from commercegraph.adapters.registry import build_registry
from commercegraph.demo import DEVI_ID, DEVI_SHOES_SKU, DOWNTOWN_ID
from commercegraph.services.webhook_signing import ID_HEADER, TIMESTAMP_HEADER, verify
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.usecases.offers import on_geofence_entered
from commercegraph.usecases.personal_reads import PersonalPorts
from commercegraph.webhooks.delivery import deliver_due
from tests.conftest import SeededDatabase, settings_for

SECRET = "whsec_cmVjZWl2ZXItc2hhcmVkLXNlY3JldC0zMi1ieXRlcyE="


class Receiver:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver(failures=2)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                state.requests.append((dict(self.headers), body))
                delivery = self.headers[ID_HEADER]
                seen = sum(1 for h, _ in state.requests if h[ID_HEADER] == delivery)
            self.send_response(500 if seen <= state.failures else 204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()
        server.server_close()


async def _reset_devi(store: Store) -> None:
    async with store.write() as session:
        await session.execute(delete(m.OfferCap).where(m.OfferCap.customer_id == DEVI_ID))
        await session.execute(delete(m.OfferLogEntry).where(m.OfferLogEntry.customer_id == DEVI_ID))
        await session.execute(delete(m.WebhookDelivery))


async def _outbox(store: Store) -> list[m.WebhookDelivery]:
    async with store.read() as session:
        return list(await session.scalars(select(m.WebhookDelivery).order_by(m.WebhookDelivery.id)))


async def test_geofence_offer_is_delivered_signed_after_retries(
    p8_db: SeededDatabase, p8_store: Store, receiver: tuple[Receiver, str]
) -> None:
    state, url = receiver
    settings = settings_for(
        p8_db.url, webhook_url=url, webhook_secret=SECRET, webhook_backoff_base_seconds=10.0
    )
    await _reset_devi(p8_store)
    registry = build_registry(settings, p8_store)
    now = datetime.now(UTC)
    offers = await on_geofence_entered(
        PersonalPorts.of(registry, settings), customer_id=DEVI_ID, store_id=DOWNTOWN_ID, now=now
    )
    in_store = [o for o in offers if o.kind == "AVAILABLE_IN_STORE"]
    assert [(o.sku, o.store_id, o.trigger) for o in in_store] == [
        (DEVI_SHOES_SKU, DOWNTOWN_ID, "GEOFENCE")
    ]
    pending = await _outbox(p8_store)
    assert {d.payload["offerId"] for d in pending} == {o.id for o in offers}

    # The offer is there for the app to fetch too; fetching it again issues nothing new.
    again = await on_geofence_entered(
        PersonalPorts.of(registry, settings), customer_id=DEVI_ID, store_id=DOWNTOWN_ID, now=now
    )
    assert {o.id for o in again} == {o.id for o in offers}
    assert len(await _outbox(p8_store)) == len(pending)

    async with httpx.AsyncClient() as http:
        at = now
        delays = []
        for attempt in (1, 2, 3):
            report = await deliver_due(p8_store, settings, http, now=at)
            assert len(report.delivered if attempt == 3 else report.retrying) == len(pending)
            if attempt < 3:
                rows = await _outbox(p8_store)
                nxt = min(r.next_attempt_at for r in rows)
                delays.append((nxt - at).total_seconds())
                assert (
                    await deliver_due(p8_store, settings, http, now=nxt - timedelta(seconds=1))
                    == type(report)()
                )
                at = max(r.next_attempt_at for r in rows)
    assert 5.0 <= delays[0] <= 10.0 and 10.0 <= delays[1] <= 20.0
    rows = await _outbox(p8_store)
    assert {r.status for r in rows} == {"DELIVERED"} and {r.attempts for r in rows} == {3}
    assert len(state.requests) == 3 * len(pending)
    by_delivery: dict[str, list[bytes]] = {}
    for headers, body in state.requests:
        t = int(headers[TIMESTAMP_HEADER])
        assert verify(SECRET, headers, body, now=t)
        assert not verify("wrong-secret", headers, body, now=t)
        by_delivery.setdefault(headers[ID_HEADER], []).append(body)
    assert set(by_delivery) == {r.id for r in rows}
    for delivery_id, bodies in by_delivery.items():
        envelope = json.loads(bodies[0])
        assert envelope["id"] == delivery_id and envelope["type"] == "offer.created"
        assert len(set(bodies)) == 1  # the same payload on every attempt
    # Delivered rows are not sent again.
    async with httpx.AsyncClient() as http:
        report = await deliver_due(p8_store, settings, http, now=at + timedelta(days=1))
    assert report.delivered == [] and len(state.requests) == 3 * len(pending)


async def test_delivery_gives_up_after_max_attempts(
    p8_db: SeededDatabase, p8_store: Store, receiver: tuple[Receiver, str]
) -> None:
    state, url = receiver
    state.failures = 100
    settings = settings_for(
        p8_db.url, webhook_url=url, webhook_max_attempts=3, webhook_backoff_base_seconds=1.0
    )
    await _reset_devi(p8_store)
    registry = build_registry(settings, p8_store)
    now = datetime.now(UTC)
    await on_geofence_entered(
        PersonalPorts.of(registry, settings), customer_id=DEVI_ID, store_id=DOWNTOWN_ID, now=now
    )
    async with httpx.AsyncClient() as http:
        for _ in range(3):
            await deliver_due(p8_store, settings, http, now=now)
            now += timedelta(hours=1)
    rows = await _outbox(p8_store)
    assert rows and {r.status for r in rows} == {"FAILED"}
    assert {r.last_error for r in rows} == {"HTTP 500"}


async def test_geofence_for_an_unknown_store_is_not_found(
    p8_db: SeededDatabase, p8_store: Store
) -> None:
    from commercegraph.errors import NotFound

    settings = settings_for(p8_db.url)
    with pytest.raises(NotFound):
        await on_geofence_entered(
            PersonalPorts.of(build_registry(settings, p8_store), settings),
            customer_id=DEVI_ID,
            store_id="loc_nope",
            now=datetime.now(UTC),
        )


async def test_no_outbox_rows_without_a_webhook_url(p8_db: SeededDatabase, p8_store: Store) -> None:
    settings = settings_for(p8_db.url)
    await _reset_devi(p8_store)
    offers = await on_geofence_entered(
        PersonalPorts.of(build_registry(settings, p8_store), settings),
        customer_id=DEVI_ID,
        store_id=DOWNTOWN_ID,
        now=datetime.now(UTC),
    )
    assert offers and all(o.trigger == "GEOFENCE" for o in offers)
    assert await _outbox(p8_store) == []


async def test_a_delivery_verifies_with_the_standard_webhooks_reference_library(
    p8_db: SeededDatabase, p8_store: Store, receiver: tuple[Receiver, str]
) -> None:
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    state, url = receiver
    state.failures = 0
    settings = settings_for(p8_db.url, webhook_url=url, webhook_secret=SECRET)
    await _reset_devi(p8_store)
    await on_geofence_entered(
        PersonalPorts.of(build_registry(settings, p8_store), settings),
        customer_id=DEVI_ID,
        store_id=DOWNTOWN_ID,
        now=datetime.now(UTC),
    )
    async with httpx.AsyncClient() as http:
        report = await deliver_due(p8_store, settings, http)  # signed now: inside the window
    assert report.delivered and len(state.requests) == len(report.delivered)
    receiver_side = Webhook(SECRET)
    for headers, body in state.requests:
        envelope = receiver_side.verify(body, headers)
        assert envelope["id"] == headers[ID_HEADER] and envelope["type"] == "offer.created"
        with pytest.raises(WebhookVerificationError):
            receiver_side.verify(body.replace(b"offer.created", b"offer.forged"), headers)
        with pytest.raises(WebhookVerificationError):
            Webhook("whsec_" + "b3RoZXItc2VjcmV0").verify(body, headers)
        with pytest.raises(WebhookVerificationError):
            receiver_side.verify(body, {**headers, ID_HEADER: "dlv_other"})
