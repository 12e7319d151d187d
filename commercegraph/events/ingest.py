"""Ingest a request's events: plan every event (validate, resolve the customer, check
references) before writing any, then apply them one by one.

Idempotent by event id within its sender: each API key's channel, staff and each customer
have ids of their own, so no sender can take (or learn of) another's. An id already stored
by the same sender with the same content — the SHA-256 of the event as received, in
canonical form (``content_hash``) — is answered ``duplicate`` and does nothing; with
different content it is a ``CONFLICT``. Rows stored before hashes are compared on type and
time. Every write of ``apply`` is itself idempotent,
and the event row is written last, so a delivery cut off half-way is completed by the
client's retry.

Identifiers are linked only by a sender that can vouch for them: a customer token may link
its own device ids, any channel's API key emails and phones too, and loyalty cards and POS
customer numbers only the STORE channel or staff. An identifier already linked to the
customer is always accepted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from commercegraph.adapters.base import EventRecord
from commercegraph.errors import BadUserInput, Conflict, Forbidden, Unauthenticated
from commercegraph.events.handlers import EVENT_HANDLERS, HandlerContext, PlannedEvent
from commercegraph.events.schema import EventBase, OrderStatusChanged, PosPurchase, wire_fields
from commercegraph.services.identity import normalise_identifier
from commercegraph.services.identity_resolution import resolve_identity

SourceKind = Literal["channel", "customer", "staff"]
IDENTIFIER_SOURCES = {"STORE": "pos", "MOBILE_APP": "app", "WEB": "web"}
LEGACY_SOURCE = "legacy"  # events stored before ids were scoped per sender
ALL_KINDS = frozenset({"EMAIL", "PHONE", "LOYALTY_CARD", "DEVICE", "POS_CUSTOMER"})
# kinds each sender may link to a customer: what it can vouch for
CUSTOMER_LINKS = frozenset({"DEVICE"})
CHANNEL_LINKS = frozenset({"EMAIL", "PHONE", "DEVICE"})
STORE_LINKS = ALL_KINDS  # the store issues loyalty cards and POS customer numbers


@dataclass(frozen=True)
class EventSource:
    """Who sends: a channel's API key (fixed channel), a customer token, or staff."""

    kind: SourceKind
    channel: str | None = None
    customer_id: str | None = None

    @property
    def scope(self) -> str:
        """The namespace of this sender's event ids (keys of one channel share one)."""
        if self.kind == "customer":
            return f"customer:{self.customer_id}"
        if self.kind == "channel":
            return f"channel:{self.channel}"
        return "staff"

    @property
    def linkable_kinds(self) -> frozenset[str]:
        if self.kind == "customer":
            return CUSTOMER_LINKS
        if self.kind == "channel":
            return STORE_LINKS if self.channel == "STORE" else CHANNEL_LINKS
        return ALL_KINDS


@dataclass
class IngestResult:
    id: str
    status: Literal["accepted", "duplicate"]
    customer_id: str | None = None
    order_id: str | None = None
    linked: list[dict[str, str]] = field(default_factory=list)
    welcome: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "customerId": self.customer_id,
            "orderId": self.order_id,
            "linked": self.linked,
        }
        if self.welcome is not None:
            answer["welcome"] = self.welcome
        return answer


@dataclass(frozen=True)
class _Plan:
    planned: PlannedEvent
    to_link: tuple[tuple[str, str], ...]
    identifiers: tuple[tuple[str, str], ...]
    duplicate: EventRecord | None
    content_hash: str


class EventIngestor:
    def __init__(self, ctx: HandlerContext) -> None:
        self.ctx = ctx

    async def ingest(
        self, source: EventSource, events: list[EventBase], batch: bool, now: datetime
    ) -> list[IngestResult]:
        plans: list[_Plan] = []
        seen: dict[str, EventBase] = {}
        # one look-up per request, not per event: events already stored, customers named
        port = self.ctx.registry.customer
        ids = list(dict.fromkeys(event.id for event in events))
        found_events = await port.events_by_id(
            [(source.scope, i) for i in ids] + [(LEGACY_SOURCE, i) for i in ids]
        )
        own = dict(zip(ids, found_events[: len(ids)], strict=True))
        legacy = dict(zip(ids, found_events[len(ids) :], strict=True))
        named = list({e.customer_id for e in events if e.customer_id is not None})
        if source.kind == "customer":
            assert source.customer_id is not None
            if (await port.customers_by_id([source.customer_id]))[0] is None:
                raise Unauthenticated("The token's customer does not exist")
            known: set[str] = set()
        elif not named:
            known = set()
        else:
            found = await port.customers_by_id(named)
            known = {cid for cid, c in zip(named, found, strict=True) if c is not None}
        for i, event in enumerate(events):
            prefix = f"events[{i}]" if batch else ""
            earlier = seen.get(event.id)
            if earlier is not None and earlier != event:
                raise Conflict(
                    "The same event id twice with different content", field=_at(prefix, "id")
                )
            seen[event.id] = event
            stored = own[event.id] or _legacy_duplicate(source, event, legacy[event.id])
            plans.append(await self._plan(source, event, stored, known, prefix, now))
        return [await self._apply(plan) for plan in plans]

    async def _plan(
        self,
        source: EventSource,
        event: EventBase,
        stored: EventRecord | None,
        known_customers: set[str],
        prefix: str,
        now: datetime,
    ) -> _Plan:
        settings = self.ctx.settings
        if event.occurred_at > now + timedelta(seconds=settings.events_max_clock_skew_seconds):
            raise BadUserInput("occurredAt is in the future", field=_at(prefix, "occurredAt"))
        if event.occurred_at < now - timedelta(days=settings.events_max_age_days):
            raise BadUserInput(
                f"occurredAt is more than {settings.events_max_age_days} days ago",
                field=_at(prefix, "occurredAt"),
            )
        channel = self._channel(source, event, prefix)
        claimed = self._claimed_customer(source, event, known_customers, prefix)
        identifiers = tuple(
            (
                ident.kind,
                _normalised(ident.kind, ident.value, _at(prefix, f"identifiers[{j}].value")),
            )
            for j, ident in enumerate(event.identifiers)
        )
        digest = content_hash(event, identifiers, channel, claimed)
        kept = await self._without_erased(identifiers)
        usable = tuple(i for i in identifiers if i in kept)
        owners = await self.ctx.registry.customer.resolve_identifiers(usable) if usable else []
        try:
            resolution = resolve_identity(claimed, usable, owners, field=_at(prefix, "identifiers"))
        except Conflict as exc:
            if source.kind != "staff":  # other customers' ids are for staff to see
                exc.extensions.pop("customers", None)
            raise
        refused = next(
            (
                j
                for j, ident in enumerate(identifiers)
                if ident in resolution.to_link and ident[0] not in source.linkable_kinds
            ),
            None,
        )
        if refused is not None:
            raise Forbidden(
                f"This sender may not link a {identifiers[refused][0]} identifier to a customer",
                field=_at(prefix, f"identifiers[{refused}].kind"),
            )
        if stored is not None and not _same_content(stored, event, digest):
            raise Conflict(
                f"Event {event.id!r} was already received with other content",
                field=_at(prefix, "id"),
            )
        planned = PlannedEvent(event, prefix, resolution.customer_id, channel, source.scope)
        if stored is None:
            await EVENT_HANDLERS[_type(event)].check(self.ctx, planned)
        return _Plan(planned, resolution.to_link, usable, stored, digest)

    async def _without_erased(self, identifiers: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """An erased customer's identifiers name no one: they are neither resolved, linked
        nor stored, so a late event cannot bring the person back."""
        privacy = self.ctx.registry.privacy
        if not identifiers or privacy is None:
            return set(identifiers)
        erased = await privacy.tombstoned(identifiers)
        return {i for i in identifiers if i not in erased}

    def _channel(self, source: EventSource, event: EventBase, prefix: str) -> str | None:
        if source.kind == "channel" and source.channel is not None:
            if event.channel is not None and event.channel != source.channel:
                raise Forbidden(
                    f"This API key sends {source.channel} events only", field=_at(prefix, "channel")
                )
            return source.channel
        if isinstance(event, PosPurchase | OrderStatusChanged) and source.kind == "customer":
            raise Forbidden(
                f"Only a store or staff may send {_type(event)}", field=_at(prefix, "type")
            )
        return event.channel

    def _claimed_customer(
        self, source: EventSource, event: EventBase, known_customers: set[str], prefix: str
    ) -> str | None:
        if source.kind == "customer":
            if event.customer_id is not None and event.customer_id != source.customer_id:
                raise Forbidden(
                    "A customer token may send its own events only", field=_at(prefix, "customerId")
                )
            return source.customer_id
        if event.customer_id is None:
            return None
        if event.customer_id not in known_customers:
            raise BadUserInput(
                f"Unknown customer {event.customer_id!r}", field=_at(prefix, "customerId")
            )
        return event.customer_id

    async def _apply(self, plan: _Plan) -> IngestResult:
        planned = plan.planned
        event = planned.event
        if plan.duplicate is not None:
            return IngestResult(
                event.id,
                "duplicate",
                plan.duplicate.customer_id,
                plan.duplicate.payload.get("orderId"),
                welcome=plan.duplicate.payload.get("welcome"),
            )
        linked = []
        if planned.customer_id is not None:
            source = IDENTIFIER_SOURCES.get(planned.channel or "", "event")
            for kind, value in plan.to_link:
                await self.ctx.registry.customer.link_identifier(
                    planned.customer_id, kind, value, source
                )
                linked.append({"kind": kind, "value": value})
        outcome = await EVENT_HANDLERS[_type(event)].apply(self.ctx, planned)
        payload = {
            **wire_fields(event),
            "identifiers": [{"kind": k, "value": v} for k, v in plan.identifiers],
            **outcome.payload,
        }
        await self.ctx.registry.customer.record_events(
            [
                EventRecord(
                    source=planned.source,
                    id=event.id,
                    type=_type(event),
                    customer_id=planned.customer_id,
                    channel=planned.channel,
                    sku=getattr(event, "sku", None),
                    occurred_at=event.occurred_at,
                    payload=payload,
                    content_hash=plan.content_hash,
                )
            ]
        )
        return IngestResult(
            event.id, "accepted", planned.customer_id, outcome.order_id, linked, outcome.welcome
        )


def content_hash(
    event: EventBase,
    identifiers: tuple[tuple[str, str], ...],
    channel: str | None,
    customer_id: str | None,
) -> str:
    """SHA-256 of the event's whole content in canonical form: keys sorted, the time in
    UTC, identifiers normalised, the channel and customer as resolved for the sender (a
    field the sender's key implies may be given or left out); the id is the key, not content."""
    body = event.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude={"id", "channel", "customer_id"}
    )
    body["occurredAt"] = event.occurred_at.astimezone(UTC).isoformat()
    body["identifiers"] = [list(i) for i in identifiers]
    body["channel"] = channel
    body["customerId"] = customer_id
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _same_content(stored: EventRecord, event: EventBase, digest: str) -> bool:
    if stored.content_hash is not None:
        return stored.content_hash == digest
    return (stored.type, stored.occurred_at) == (_type(event), event.occurred_at)


def _legacy_duplicate(
    source: EventSource, event: EventBase, stored: EventRecord | None
) -> EventRecord | None:
    """An event stored before ids were scoped, when this is plainly its redelivery: the
    same content, and for a customer token, that customer's own event. Anything else under
    that id is another sender's, and no business of this one."""
    if stored is None or (stored.type, stored.occurred_at) != (_type(event), event.occurred_at):
        return None
    if source.kind == "customer" and stored.customer_id != source.customer_id:
        return None
    return stored


def _at(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _type(event: EventBase) -> str:
    return str(getattr(event, "type"))  # noqa: B009 - every concrete event has a type


def _normalised(kind: str, value: str, path: str) -> str:
    try:
        return normalise_identifier(kind, value)
    except BadUserInput as exc:
        raise BadUserInput(exc.message, field=path) from exc
