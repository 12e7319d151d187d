"""``commercegraph segments export-audience``: a segment as an ad platform's customer-match
audience, as a CSV file or as signed webhooks through the outbox.

Only customers who consent to personalisation and to marketing (email or SMS) are exported.
Identifiers are normalised the way customer-match uploads expect before hashing: emails
trimmed and lowercased, phones in E.164 (``+14155550100``); each is sent only as the
lowercase hex SHA-256 of that form, never in clear.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import json
import sys
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select

from commercegraph.config import Settings
from commercegraph.errors import BadUserInput
from commercegraph.services.identity import normalise_identifier
from commercegraph.store import models as m
from commercegraph.store.db import Store

AUDIENCE_EXPORTED = "audience.exported"
CSV_HEADER = ("Email", "Phone")  # customer-match column names, values SHA-256 hex
MEMBERS_PER_WEBHOOK = 1_000


@dataclass(frozen=True, slots=True)
class AudienceMember:
    email_sha256: str  # "" when the customer has no usable email
    phone_sha256: str  # "" when the customer has no usable phone


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _normalised(kind: str, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return normalise_identifier(kind, value)
    except BadUserInput:
        return None  # an identifier that does not normalise cannot be matched: leave it out


async def audience(store: Store, segment_key: str) -> tuple[list[AudienceMember], int]:
    """The consenting members of a segment, hashed, and how many members were left out."""
    async with store.read() as session:
        known = await session.scalar(
            select(func.count())
            .select_from(m.CustomerSegment)
            .where(m.CustomerSegment.segment_key == segment_key)
        )
        if not known:
            raise BadUserInput(f"No segment {segment_key!r} has members", argument="segment")
        members = list(
            await session.scalars(
                select(m.CustomerSegment.customer_id)
                .where(m.CustomerSegment.segment_key == segment_key)
                .order_by(m.CustomerSegment.customer_id)
            )
        )
        consenting = set(
            await session.scalars(
                select(m.Consent.customer_id).where(
                    m.Consent.customer_id.in_(members),
                    m.Consent.personalization.is_(True),
                    or_(m.Consent.marketing_email.is_(True), m.Consent.marketing_sms.is_(True)),
                )
            )
        )
        emails: dict[str, list[str]] = defaultdict(list)
        phones: dict[str, list[str]] = defaultdict(list)
        for cid, email in await session.execute(
            select(m.Customer.id, m.Customer.email).where(m.Customer.id.in_(consenting))
        ):
            if email:
                emails[cid].append(email)
        for cid, kind, value in await session.execute(
            select(
                m.CustomerIdentifier.customer_id,
                m.CustomerIdentifier.kind,
                m.CustomerIdentifier.value,
            )
            .where(
                m.CustomerIdentifier.customer_id.in_(consenting),
                m.CustomerIdentifier.kind.in_(("EMAIL", "PHONE")),
            )
            .order_by(m.CustomerIdentifier.linked_at)
        ):
            (emails if kind == "EMAIL" else phones)[cid].append(value)
    found = []
    for cid in members:
        if cid not in consenting:
            continue
        email = next(filter(None, (_normalised("EMAIL", e) for e in emails[cid])), None)
        phone = next(filter(None, (_normalised("PHONE", p) for p in phones[cid])), None)
        if email or phone:
            found.append(
                AudienceMember(
                    sha256_hex(email) if email else "", sha256_hex(phone) if phone else ""
                )
            )
    return found, len(members) - len(found)


def write_csv(path: Path, members: list[AudienceMember]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for member in members:
            writer.writerow((member.email_sha256, member.phone_sha256))


async def queue_webhooks(
    store: Store, segment_key: str, members: list[AudienceMember], now: datetime
) -> list[str]:
    """The audience in signed ``audience.exported`` deliveries of at most
    ``MEMBERS_PER_WEBHOOK`` members each, written in one transaction."""
    export_id = f"aud_{uuid.uuid4().hex}"
    parts = [
        members[i : i + MEMBERS_PER_WEBHOOK] for i in range(0, len(members), MEMBERS_PER_WEBHOOK)
    ] or [[]]
    ids = []
    async with store.write() as session:
        for n, part in enumerate(parts, start=1):
            delivery_id = f"dlv_{uuid.uuid4().hex}"
            session.add(
                m.WebhookDelivery(
                    id=delivery_id,
                    event_type=AUDIENCE_EXPORTED,
                    payload={
                        "exportId": export_id,
                        "segment": segment_key,
                        "part": n,
                        "parts": len(parts),
                        "total": len(members),
                        "hash": "SHA256",
                        "members": [
                            {"emailSha256": x.email_sha256, "phoneSha256": x.phone_sha256}
                            for x in part
                        ],
                        "exportedAt": now.isoformat(),
                    },
                    status="PENDING",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            ids.append(delivery_id)
    return ids


async def export_audience(
    settings: Settings, segment_key: str, out: Path | None, webhook: bool
) -> dict[str, Any]:
    from commercegraph import bootstrap

    async with bootstrap.open_store(settings) as store:
        members, left_out = await audience(store, segment_key)
        report: dict[str, Any] = {
            "segment": segment_key,
            "exported": len(members),
            "left_out": left_out,
        }
        if out is not None:
            write_csv(out, members)
            report["file"] = str(out)
        if webhook:
            report["deliveries"] = len(
                await queue_webhooks(store, segment_key, members, datetime.now(UTC))
            )
        return report


def _export(settings: Settings, args: argparse.Namespace) -> int:
    if args.out is None and not args.webhook:
        print("give --out FILE, --webhook, or both", file=sys.stderr)
        return 2
    if args.webhook and settings.webhook_url is None:
        print("CG_WEBHOOK_URL is not set: nowhere to send the audience to", file=sys.stderr)
        return 2
    try:
        report = asyncio.run(export_audience(settings, args.segment, args.out, args.webhook))
    except BadUserInput as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(json.dumps(report))
    return 0


def register(actions: Any) -> None:
    command = actions.add_parser(
        "export-audience",
        help="a segment's consenting customers as a customer-match audience "
        "(SHA-256 of normalised email and phone)",
    )
    command.add_argument("--segment", required=True, help="segment key, e.g. rfm:champions")
    command.add_argument("--out", type=Path, default=None, help="CSV file to write")
    command.add_argument(
        "--webhook",
        action="store_true",
        help="also queue it as signed audience.exported webhooks (CG_WEBHOOK_URL)",
    )
    command.set_defaults(handler=_export)
