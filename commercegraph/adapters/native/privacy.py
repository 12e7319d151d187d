"""Personal data on the gateway's own store: consent changes, erasure steps, tombstones and
the privacy audit.

Every erasure step is idempotent and recorded on the request once done, so a run cut off
half-way is finished by the next one and a finished erasure answers as it is. What the
ledger and the orders need for accounting (ids, amounts, times) stays; what names a person
goes.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from commercegraph.adapters.base import ConsentRecord
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.webhooks.consent import without_consent

ERASED_NAME = "Erased customer"
OUTBOX_SCAN = 5_000  # pending deliveries looked at per consent change; the outbox drains fast
DROPPED = "DROPPED"
ERASED = "erased at the customer's request"


def identifier_hash(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


class NativePrivacy:
    """The gateway's own record of consent changes, erasures and their audit."""

    name = "native"

    def __init__(self, store: Store) -> None:
        self.store = store

    async def audit(
        self,
        customer_id: str,
        action: str,
        actor: str,
        now: datetime,
        *,
        step: str | None = None,
        backend: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        async with self.store.write() as session:
            session.add(
                m.PrivacyAudit(
                    id=f"aud_{uuid.uuid4().hex}",
                    customer_id=customer_id,
                    action=action,
                    step=step,
                    backend=backend,
                    actor=actor,
                    details=details or {},
                    at=now,
                )
            )

    async def audit_trail(self, customer_id: str, limit: int) -> list[dict[str, Any]]:
        async with self.store.read() as session:
            rows = await session.scalars(
                select(m.PrivacyAudit)
                .where(m.PrivacyAudit.customer_id == customer_id)
                .order_by(m.PrivacyAudit.at, m.PrivacyAudit.id)
                .limit(limit)
            )
            return [
                {
                    "action": a.action,
                    "step": a.step,
                    "backend": a.backend,
                    "actor": a.actor,
                    "details": a.details,
                    "at": a.at.isoformat(),
                }
                for a in rows
            ]

    async def set_consent(
        self, customer_id: str, consent: ConsentRecord, now: datetime
    ) -> ConsentRecord | None:
        """Store the consent; answer the one it replaced (None when none was recorded)."""
        async with self.store.write() as session:
            row = await session.get(m.Consent, customer_id, with_for_update=True)
            before = (
                None
                if row is None
                else ConsentRecord(row.marketing_email, row.marketing_sms, row.personalization)
            )
            if row is None:
                row = m.Consent(customer_id=customer_id)
                session.add(row)
            row.marketing_email = consent.marketing_email
            row.marketing_sms = consent.marketing_sms
            row.personalization = consent.personalization
            row.updated_at = now
        return before

    async def drop_queued_without_consent(self, customer_id: str) -> list[str]:
        """Drop the customer's queued webhooks that their consent no longer allows."""
        async with self.store.read() as session:
            pending = [
                d
                for d in await session.scalars(
                    select(m.WebhookDelivery)
                    .where(m.WebhookDelivery.status == "PENDING")
                    .order_by(m.WebhookDelivery.next_attempt_at)
                    .limit(OUTBOX_SCAN)
                )
                if d.payload.get("customerId") == customer_id
            ]
        refused = sorted(await without_consent(self.store, pending))
        await self._drop(refused, "consent withdrawn before delivery")
        return refused

    async def _drop(self, delivery_ids: Sequence[str], reason: str) -> None:
        if not delivery_ids:
            return
        async with self.store.write() as session:
            await session.execute(
                update(m.WebhookDelivery)
                .where(
                    m.WebhookDelivery.id.in_(delivery_ids), m.WebhookDelivery.status == "PENDING"
                )
                .values(status=DROPPED, locked_until=None, last_error=reason)
            )

    # erasure

    async def start_erasure(self, customer_id: str, now: datetime) -> tuple[list[str], bool]:
        """The steps already done and whether the erasure had finished; starts one if none."""
        async with self.store.write() as session:
            row = await session.get(m.ErasureRequest, customer_id, with_for_update=True)
            if row is None:
                row = m.ErasureRequest(customer_id=customer_id, requested_at=now, steps=[])
                session.add(row)
            return list(row.steps or []), row.completed_at is not None

    async def step_done(self, customer_id: str, step: str) -> None:
        async with self.store.write() as session:
            row = await session.get(m.ErasureRequest, customer_id, with_for_update=True)
            assert row is not None
            if step not in (row.steps or []):
                row.steps = [*(row.steps or []), step]

    async def finish_erasure(self, customer_id: str, now: datetime) -> None:
        async with self.store.write() as session:
            await session.execute(
                update(m.ErasureRequest)
                .where(
                    m.ErasureRequest.customer_id == customer_id,
                    m.ErasureRequest.completed_at.is_(None),
                )
                .values(completed_at=now)
            )

    async def erasure(self, customer_id: str) -> m.ErasureRequest | None:
        async with self.store.read() as session:
            return await session.get(m.ErasureRequest, customer_id)

    async def erase_identifiers(self, customer_id: str, now: datetime) -> int:
        """Tombstone every identifier (and the profile's email), then unlink them."""
        async with self.store.write() as session:
            rows = list(
                (
                    await session.execute(
                        select(m.CustomerIdentifier.kind, m.CustomerIdentifier.value).where(
                            m.CustomerIdentifier.customer_id == customer_id
                        )
                    )
                ).all()
            )
            email = await session.scalar(
                select(m.Customer.email).where(m.Customer.id == customer_id)
            )
            hashes = {identifier_hash(k, v): k for k, v in rows}
            if email:
                hashes[identifier_hash("EMAIL", email.strip().lower())] = "EMAIL"
            known = set(
                await session.scalars(
                    select(m.ErasedIdentifier.value_hash).where(
                        m.ErasedIdentifier.value_hash.in_(hashes)
                    )
                )
            )
            for value_hash, kind in hashes.items():
                if value_hash not in known:
                    session.add(m.ErasedIdentifier(kind=kind, value_hash=value_hash, erased_at=now))
            await session.execute(
                delete(m.CustomerIdentifier).where(m.CustomerIdentifier.customer_id == customer_id)
            )
        return len(rows)

    async def erase_profile(self, customer_id: str, now: datetime) -> None:
        async with self.store.write() as session:
            await session.execute(
                update(m.Customer)
                .where(m.Customer.id == customer_id)
                .values(display_name=ERASED_NAME, email=None, erased_at=now)
            )
            await session.execute(
                update(m.Consent)
                .where(m.Consent.customer_id == customer_id)
                .values(
                    marketing_email=False,
                    marketing_sms=False,
                    personalization=False,
                    updated_at=now,
                )
            )

    async def erase_personalisation(self, customer_id: str) -> dict[str, int]:
        """Lists, offers and segments go; nothing in them is needed for accounting."""
        counts = {}
        async with self.store.write() as session:
            for name, table in (
                ("shoppingList", m.ShoppingListEntry),
                ("offers", m.OfferLogEntry),
                ("offerCaps", m.OfferCap),
                ("segments", m.CustomerSegment),
            ):
                result = await session.execute(
                    delete(table).where(table.customer_id == customer_id)
                )
                counts[name] = int(getattr(result, "rowcount", 0) or 0)
        return counts

    async def drop_queued(self, customer_id: str) -> int:
        async with self.store.read() as session:
            pending = [
                d.id
                for d in await session.scalars(
                    select(m.WebhookDelivery)
                    .where(m.WebhookDelivery.status == "PENDING")
                    .limit(OUTBOX_SCAN)
                )
                if d.payload.get("customerId") == customer_id
            ]
        await self._drop(pending, ERASED)
        return len(pending)

    async def erase_events(self, customer_id: str) -> int:
        """Events keep type, sku and time (the aggregates need them); their payloads, which
        carry identifiers and free text, are emptied but for the order they made."""
        async with self.store.write() as session:
            rows = list(
                await session.scalars(select(m.Event).where(m.Event.customer_id == customer_id))
            )
            for e in rows:
                kept = {"erased": True}
                if (e.payload or {}).get("orderId"):
                    kept["orderId"] = e.payload["orderId"]
                e.payload = kept
        return len(rows)

    async def tombstoned(self, identifiers: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """The identifiers among these that belonged to an erased customer."""
        if not identifiers:
            return set()
        by_hash = {identifier_hash(k, v): (k, v) for k, v in identifiers}
        async with self.store.read() as session:
            found = await session.scalars(
                select(m.ErasedIdentifier.value_hash).where(
                    m.ErasedIdentifier.value_hash.in_(by_hash)
                )
            )
            return {by_hash[h] for h in found}


def _rows(items: Sequence[Any], limit: int, fields: Sequence[str]) -> dict[str, Any]:
    def value(v: Any) -> Any:
        return v.isoformat() if isinstance(v, datetime) else v

    shown = items[:limit]
    return {
        "items": [{f: value(getattr(i, f)) for f in fields} for i in shown],
        "truncated": len(items) > limit,
    }


async def gateway_state(store: Store, customer_id: str, limit: int) -> dict[str, Any]:
    """What the gateway itself holds on the customer, each collection at most ``limit``."""
    async with store.read() as session:

        async def newest(table: Any, order: Any) -> list[Any]:
            return list(
                await session.scalars(
                    select(table)
                    .where(table.customer_id == customer_id)
                    .order_by(order.desc())
                    .limit(limit + 1)
                )
            )

        lists = await newest(m.ShoppingListEntry, m.ShoppingListEntry.updated_at)
        offers = await newest(m.OfferLogEntry, m.OfferLogEntry.issued_at)
        events = await newest(m.Event, m.Event.occurred_at)
        segments = await newest(m.CustomerSegment, m.CustomerSegment.segment_key)
    return {
        "shoppingList": _rows(lists, limit, ("sku", "quantity", "status", "updated_at")),
        "offers": _rows(
            offers, limit, ("id", "offer_key", "kind", "title", "trigger", "issued_at")
        ),
        "events": _rows(
            events, limit, ("source", "id", "type", "channel", "sku", "occurred_at", "payload")
        ),
        "segments": _rows(segments, limit, ("segment_key",)),
    }
