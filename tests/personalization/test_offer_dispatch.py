"""``commercegraph offers dispatch`` on SQLite and PostgreSQL: the day's offers become signed
``offer.dispatched`` webhooks in the outbox, for consenting customers only, within the daily
cap by priority, once per customer, offer and day, also with two dispatchers at once."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update

from commercegraph.adapters.registry import build_registry
from commercegraph.cli import main
from commercegraph.config import Settings
from commercegraph.demo import DEVI_ID, SAM_ID
from commercegraph.services.offers import PRIORITY
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.usecases.offer_dispatch import OFFER_DISPATCHED, dispatch_offers
from commercegraph.webhooks.delivery import deliver_due
from tests.conftest import SeededDatabase, settings_for
from tests.factories import store_for
from tests.personalization.test_lists_and_offers import ALL, shopper
from tests.personalization.test_webhook_consent import receiver as local_receiver

HOOK = "http://127.0.0.1:9/marketing"
receiver = local_receiver  # a webhook receiver on a free loopback port, as a fixture


def _settings(db: SeededDatabase) -> Settings:
    return settings_for(db.url).model_copy(update={"webhook_url": HOOK})


async def _outbox(url: str, day: str) -> list[m.WebhookDelivery]:
    """The offers pushed for one day (other tests push on other days)."""
    store = store_for(url)
    try:
        async with store.read() as session:
            rows = await session.scalars(
                select(m.WebhookDelivery)
                .where(m.WebhookDelivery.event_type == OFFER_DISPATCHED)
                .order_by(m.WebhookDelivery.created_at)
            )
            return [d for d in rows if str(d.payload["dispatchKey"]).endswith(day)]
    finally:
        await store.dispose()


async def _marketing_consent(url: str) -> set[str]:
    store = store_for(url)
    try:
        async with store.read() as session:
            rows = await session.scalars(
                select(m.Consent.customer_id).where(
                    m.Consent.personalization.is_(True),
                    (m.Consent.marketing_email.is_(True)) | (m.Consent.marketing_sms.is_(True)),
                )
            )
            return set(rows)
    finally:
        await store.dispose()


async def _dispatch_twice_at_once(db: SeededDatabase, now: datetime) -> list[dict[str, object]]:
    settings = _settings(db)
    stores = [store_for(db.url) for _ in range(2)]
    registries = [build_registry(settings, s) for s in stores]
    try:
        reports = await asyncio.gather(
            *(
                dispatch_offers(r, settings, s, now=now)
                for r, s in zip(registries, stores, strict=True)
            )
        )
        return [r.as_dict() for r in reports]
    finally:
        for r, s in zip(registries, stores, strict=True):
            await r.aclose()
            await s.dispose()


def test_dispatch_pushes_the_days_offers_once(p8_db: SeededDatabase) -> None:
    now = datetime.now(UTC)
    reports = asyncio.run(_dispatch_twice_at_once(p8_db, now))
    day = now.date().isoformat()
    pushed = asyncio.run(_outbox(p8_db.url, day))
    assert sum(int(r["pushed"]) for r in reports) == len(pushed) > 0  # type: ignore[call-overload]
    keys = [d.payload["dispatchKey"] for d in pushed]
    assert len(keys) == len(set(keys)), "two dispatchers at once pushed an offer twice"
    assert all(str(k).endswith(day) for k in keys)
    per_customer = Counter(str(d.payload["customerId"]) for d in pushed)
    assert max(per_customer.values()) <= Settings().offers_max_pushed_per_day
    assert set(per_customer) <= asyncio.run(_marketing_consent(p8_db.url))
    kinds = {(d.payload["customerId"], d.payload["kind"]) for d in pushed}
    assert (SAM_ID, "BIRTHDAY") in kinds, "Sam's birthday is the demo's day"
    assert (DEVI_ID, "REWARD_LEVEL") in kinds, "Devi has more than 500 points"
    for d in pushed:
        assert d.status == "PENDING" and d.payload["marketing"] is True
        assert d.payload["priority"] == PRIORITY[str(d.payload["kind"])]
        assert d.payload["kind"] not in ("PICKUP_INCENTIVE", "AVAILABLE_IN_STORE")
    # Each customer's pushes are the most valuable of what they have, highest first.
    devi = [d.payload for d in pushed if d.payload["customerId"] == DEVI_ID]
    assert [p["priority"] for p in devi] == sorted((p["priority"] for p in devi), reverse=True)

    # Again the same day (from cron, through the command): nothing is pushed twice.
    again = asyncio.run(_dispatch_twice_at_once(p8_db, now + timedelta(minutes=5)))
    assert sum(int(r["pushed"]) for r in again) == 0  # type: ignore[call-overload]
    assert len(asyncio.run(_outbox(p8_db.url, day))) == len(pushed)


def test_the_command_reports_and_refuses_without_a_webhook_url(
    p8_db: SeededDatabase, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    day = datetime.now(UTC).date().isoformat()
    before = len(asyncio.run(_outbox(p8_db.url, day)))
    monkeypatch.setenv("CG_DATABASE_URL", p8_db.url)
    monkeypatch.delenv("CG_WEBHOOK_URL", raising=False)
    assert main(["offers", "dispatch"]) == 2
    assert "CG_WEBHOOK_URL" in capsys.readouterr().err
    monkeypatch.setenv("CG_WEBHOOK_URL", HOOK)
    assert main(["offers", "dispatch"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["customers"] >= 2 and report["pushed"] == 0
    assert len(asyncio.run(_outbox(p8_db.url, day))) == before


async def test_a_pushed_reminder_is_dropped_when_marketing_consent_goes(
    p8_db: SeededDatabase, p8_store: Store, receiver: tuple[list[bytes], str]
) -> None:
    received, url = receiver
    cid = await shopper(p8_store, consent=ALL)  # coffee pods due: a service reminder
    settings = settings_for(p8_db.url, webhook_url=url, webhook_secret="x" * 32)
    registry = build_registry(settings, p8_store)
    now = datetime.now(UTC)
    report = await dispatch_offers(registry, settings, p8_store, now=now, customer_ids={cid})
    await registry.aclose()
    assert report.by_kind["REPLENISHMENT_REMINDER"] == 1
    async with p8_store.write() as session:
        (push,) = await session.scalars(
            select(m.WebhookDelivery).where(
                m.WebhookDelivery.event_type == OFFER_DISPATCHED,
                m.WebhookDelivery.payload["customerId"].as_string() == cid,
            )
        )
        assert push.payload["kind"] == "REPLENISHMENT_REMINDER" and push.payload["marketing"]
        # personalisation stays, marketing goes: the reminder in the app is fine, a push is not
        await session.execute(
            update(m.Consent).where(m.Consent.customer_id == cid).values(marketing_email=False)
        )
    async with httpx.AsyncClient() as http:
        for _ in range(20):
            await deliver_due(p8_store, settings, http, now=now)
            async with p8_store.read() as session:
                status = (await session.get(m.WebhookDelivery, push.id)).status  # type: ignore[union-attr]
            if status != "PENDING":
                break
    assert status == "DROPPED"
    assert not any(push.id.encode() in body or cid.encode() in body for body in received)
