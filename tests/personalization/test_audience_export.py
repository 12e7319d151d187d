"""``commercegraph segments export-audience`` on SQLite and PostgreSQL: a segment's
consenting members as customer-match rows (SHA-256 of the normalised email and E.164 phone),
as a CSV file and as signed outbox webhooks; unknown segments are refused."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import json
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from commercegraph.cli import main
from commercegraph.customer360.audience import AUDIENCE_EXPORTED
from commercegraph.demo import DEVI_ID
from commercegraph.store import models as m
from tests.conftest import SeededDatabase
from tests.factories import store_for


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def _facts(url: str) -> tuple[dict[str, set[str]], set[str], dict[str, str]]:
    store = store_for(url)
    try:
        async with store.read() as session:
            segments: dict[str, set[str]] = defaultdict(set)
            for cid, key in await session.execute(
                select(m.CustomerSegment.customer_id, m.CustomerSegment.segment_key)
            ):
                segments[key].add(cid)
            consenting = {
                c.customer_id
                for c in await session.scalars(select(m.Consent))
                if c.personalization and (c.marketing_email or c.marketing_sms)
            }
            emails = {
                c.id: c.email.strip().lower()
                for c in await session.scalars(select(m.Customer))
                if c.email
            }
            return segments, consenting, emails
    finally:
        await store.dispose()


async def _audience_deliveries(url: str) -> list[m.WebhookDelivery]:
    store = store_for(url)
    try:
        async with store.read() as session:
            return list(
                await session.scalars(
                    select(m.WebhookDelivery).where(
                        m.WebhookDelivery.event_type == AUDIENCE_EXPORTED
                    )
                )
            )
    finally:
        await store.dispose()


def test_export_audience_file_and_webhook(
    p8_db: SeededDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    segments, consenting, emails = asyncio.run(_facts(p8_db.url))
    key = next(k for k, members in segments.items() if k.startswith("rfm:") and DEVI_ID in members)
    members = segments[key]
    monkeypatch.setenv("CG_DATABASE_URL", p8_db.url)
    monkeypatch.setenv("CG_WEBHOOK_URL", "http://127.0.0.1:9/ads")
    out = tmp_path / "audience.csv"
    assert (
        main(["segments", "export-audience", "--segment", key, "--out", str(out), "--webhook"]) == 0
    )
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    with out.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Email", "Phone"]
    body = rows[1:]
    assert report["exported"] == len(body) == len(members & consenting)
    assert report["left_out"] == len(members - consenting)
    hashed_emails = {r[0] for r in body}
    assert [sha("devi@example.com"), sha("+15035550042")] in body  # "+1 503 555 0042" in E.164
    for cid in members - consenting:
        assert sha(emails[cid]) not in hashed_emails
    for email_hash, phone_hash in body:
        assert all(len(h) in (0, 64) and h == h.lower() for h in (email_hash, phone_hash))
        assert "@" not in email_hash
    deliveries = [
        d for d in asyncio.run(_audience_deliveries(p8_db.url)) if d.payload["segment"] == key
    ]
    assert len(deliveries) == report["deliveries"] == 1
    sent = [[x["emailSha256"], x["phoneSha256"]] for x in deliveries[0].payload["members"]]
    assert sent == body and deliveries[0].status == "PENDING"
    assert "customerId" not in deliveries[0].payload  # nothing in clear, not even our ids


def test_an_unknown_segment_is_refused(
    p8_db: SeededDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CG_DATABASE_URL", p8_db.url)
    out = tmp_path / "none.csv"
    assert main(["segments", "export-audience", "--segment", "Champions", "--out", str(out)]) == 2
    assert "No segment 'Champions'" in capsys.readouterr().err
    assert not out.exists()
