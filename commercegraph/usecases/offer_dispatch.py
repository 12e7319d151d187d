"""``commercegraph offers dispatch``: push offers to the marketing system, not only show them.

Run from cron (or the worker's ``dispatch_offers`` job), it goes through every customer who
consents to personalisation and to marketing by email or SMS, issues what the offer rules
find for them (due shopping-list items, reward levels, abandoned carts), their birthday offer
and the campaigns of their segments, and queues the ones worth pushing as signed
``offer.dispatched`` webhooks, highest priority first, within
``CG_OFFERS_MAX_PUSHED_PER_DAY``.

Each push is keyed per customer, offer and day (``offer_dispatches``): running the dispatcher
again the same day pushes nothing twice, and an offer still active the next day is not pushed
again (only a new issue of it, once its frequency cap has passed, is). The key row and the
outbox row are written in one transaction after locking the customer's consent row, so two
dispatchers running at once on PostgreSQL send each offer once and never exceed the daily
cap between them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import CursorResult, func, or_, select, update

from commercegraph.adapters.base import OfferIssue, OfferRecord
from commercegraph.adapters.native.personalization import _insert, offer_payload
from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.config import Settings
from commercegraph.services.offers import (
    ABANDONED_CART,
    BIRTHDAY,
    CAMPAIGN,
    REPLENISHMENT_REMINDER,
    REWARD_LEVEL,
    birthday,
    campaign_offer,
    priority_of,
)
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.usecases.offers import offers
from commercegraph.usecases.personal_reads import PersonalPorts

OFFER_DISPATCHED = "offer.dispatched"
DISPATCH = "DISPATCH"
# What is worth a message: convenience nudges (pickup, available nearby) stay in the app.
PUSHED_KINDS = frozenset({BIRTHDAY, REWARD_LEVEL, CAMPAIGN, ABANDONED_CART, REPLENISHMENT_REMINDER})


@dataclass
class DispatchReport:
    customers: int = 0
    pushed: int = 0
    already_pushed: int = 0
    over_cap: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def as_dict(self) -> dict[str, Any]:
        return {
            "customers": self.customers,
            "pushed": self.pushed,
            "already_pushed": self.already_pushed,
            "over_cap": self.over_cap,
            "by_kind": dict(sorted(self.by_kind.items())),
        }


async def _audience(store: Store) -> list[tuple[str, date | None, list[str]]]:
    """Customers who may be sent offers: (id, birth date, the channels they allow)."""
    async with store.read() as session:
        rows = await session.execute(
            select(
                m.Consent.customer_id,
                m.Customer.birth_date,
                m.Consent.marketing_email,
                m.Consent.marketing_sms,
            )
            .join(m.Customer, m.Customer.id == m.Consent.customer_id)
            .where(
                m.Consent.personalization.is_(True),
                or_(m.Consent.marketing_email.is_(True), m.Consent.marketing_sms.is_(True)),
            )
            .order_by(m.Consent.customer_id)
        )
        return [
            (cid, born, [c for c, ok in (("EMAIL", email), ("SMS", sms)) if ok])
            for cid, born, email, sms in rows
        ]


async def _campaigns(store: Store) -> list[tuple[m.Campaign, set[str]]]:
    async with store.read() as session:
        active = list(
            await session.scalars(
                select(m.Campaign).where(m.Campaign.active.is_(True)).order_by(m.Campaign.id)
            )
        )
        found = []
        for campaign in active:
            members = set(
                await session.scalars(
                    select(m.CustomerSegment.customer_id).where(
                        m.CustomerSegment.segment_key == campaign.segment_key
                    )
                )
            )
            found.append((campaign, members))
    return found


def _campaign_fires(trigger: str, kinds: set[str], born_today: bool) -> bool:
    """A campaign's trigger: SEGMENT fires for every member; the others when the rule of the
    same name has found something for the customer today."""
    if trigger == "SEGMENT":
        return True
    if trigger == BIRTHDAY:
        return born_today
    return trigger in kinds


def _fired(
    campaigns: list[m.Campaign],
    kinds: set[str],
    born_today: bool,
    now: datetime,
    *,
    only_unconditional: bool = False,
) -> list[OfferIssue]:
    fired = []
    for c in campaigns:
        unconditional = c.trigger in ("SEGMENT", BIRTHDAY)
        if unconditional != only_unconditional:
            continue
        if _campaign_fires(c.trigger, kinds, born_today):
            fired.append(campaign_offer(c.id, c.title, c.message, c.segment_key, now))
    return fired


async def push(
    store: Store,
    customer_id: str,
    records: list[OfferRecord],
    *,
    channels: list[str],
    now: datetime,
    cap: int,
    report: DispatchReport,
    discounts: dict[str, str] | None = None,
) -> list[str]:
    """Queue the offers not yet pushed today, most valuable first, up to the daily cap.
    Answers the ids of the deliveries queued."""
    day = now.date().isoformat()
    ranked = sorted(records, key=lambda r: (-priority_of(r.kind), r.issued_at, r.key))
    queued: list[str] = []
    async with store.write() as session:
        # One dispatcher at a time per customer, so the count and the inserts below agree: a
        # no-op update locks the consent row on PostgreSQL and, being a write, opens SQLite's
        # write transaction before the reads.
        await session.execute(
            update(m.Consent)
            .where(m.Consent.customer_id == customer_id)
            .values(customer_id=m.Consent.customer_id)
        )
        rows = await session.execute(
            select(m.OfferDispatch.offer_key, m.OfferDispatch.offer_id, m.OfferDispatch.day).where(
                m.OfferDispatch.customer_id == customer_id,
                or_(
                    m.OfferDispatch.day == day,
                    m.OfferDispatch.offer_id.in_([r.id for r in ranked]),
                ),
            )
        )
        done_keys, done_ids, sent = set(), set(), 0
        for key, offer_id, on in rows:
            done_ids.add(offer_id)
            if on == day:
                done_keys.add(key)
                sent += 1
        for record in ranked:
            # once per offer and day, and an offer already pushed is not pushed again later
            if record.key in done_keys or record.id in done_ids:
                report.already_pushed += 1
                continue
            if sent >= cap:
                report.over_cap += 1
                continue
            delivery_id = f"dlv_{uuid.uuid4().hex}"
            inserted: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
                _insert(session, m.OfferDispatch)
                .values(
                    customer_id=customer_id,
                    offer_key=record.key,
                    day=day,
                    offer_id=record.id,
                    delivery_id=delivery_id,
                    kind=record.kind,
                    priority=priority_of(record.kind),
                    dispatched_at=now,
                )
                .on_conflict_do_nothing(index_elements=["customer_id", "offer_key", "day"])
            )
            if inserted.rowcount != 1:
                report.already_pushed += 1
                continue
            payload = {
                **offer_payload(record),
                "priority": priority_of(record.kind),
                "channels": channels,
                "marketing": True,  # a pushed offer is a marketing message, whatever its kind
                "dispatchKey": f"{customer_id}:{record.key}:{day}",
            }
            if discounts and record.key in discounts:
                payload["pricingRuleId"] = discounts[record.key]
            session.add(
                m.WebhookDelivery(
                    id=delivery_id,
                    event_type=OFFER_DISPATCHED,
                    payload=payload,
                    status="PENDING",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            sent += 1
            queued.append(delivery_id)
            report.pushed += 1
            report.by_kind[record.kind] += 1
    return queued


async def dispatch_offers(
    registry: AdapterRegistry,
    settings: Settings,
    store: Store,
    *,
    now: datetime,
    customer_ids: set[str] | None = None,
) -> DispatchReport:
    """Push the day's offers to every consenting customer (or only to ``customer_ids``)."""
    report = DispatchReport()
    today = now.date()
    campaigns = await _campaigns(store)
    discounts = {f"{CAMPAIGN}:{c.id}": c.pricing_rule_id for c, _ in campaigns if c.pricing_rule_id}
    for customer_id, born, channels in await _audience(store):
        if customer_ids is not None and customer_id not in customer_ids:
            continue
        report.customers += 1
        # each customer's reads start afresh, as each request's do
        ports = PersonalPorts.of(registry, settings)
        extra: list[OfferIssue] = birthday(born, today)
        mine = [c for c, members in campaigns if customer_id in members]
        records = await offers(
            ports,
            customer_id,
            now=now,
            near=None,
            radius_km=None,
            trigger=DISPATCH,
            extra=[*extra, *_fired(mine, set(), bool(extra), now, only_unconditional=True)],
        )
        # campaigns on a rule's trigger fire once that rule has found something today
        conditional = _fired(mine, {r.kind for r in records}, bool(extra), now)
        if conditional:
            records = await offers(
                ports,
                customer_id,
                now=now,
                near=None,
                radius_km=None,
                trigger=DISPATCH,
                extra=conditional,
            )
        pushable = [r for r in records if r.kind in PUSHED_KINDS and r.expires_at > now]
        if pushable:
            await push(
                store,
                customer_id,
                pushable,
                channels=channels,
                now=now,
                cap=settings.offers_max_pushed_per_day,
                report=report,
                discounts=discounts,
            )
    return report


async def pushed_today(store: Store, customer_id: str, day: date) -> int:
    async with store.read() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(m.OfferDispatch)
            .where(
                m.OfferDispatch.customer_id == customer_id,
                m.OfferDispatch.day == day.isoformat(),
            )
        )
    return int(count or 0)
