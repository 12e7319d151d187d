"""Campaigns staff define without code: a segment, a trigger and an offer, with an optional
discount through a pricing rule. ``offers dispatch`` pushes them to the segment's members."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from commercegraph.adapters.base import PricingBackend
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.services.pricing_engine.language import RFM_KEYS
from commercegraph.store import models as m
from commercegraph.store.db import Store

TRIGGERS = ("SEGMENT", "BIRTHDAY", "ABANDONED_CART", "REWARD_LEVEL", "REPLENISHMENT_REMINDER")
LIMITS = {"name": 200, "title": 200, "message": 1000}


@dataclass(frozen=True, slots=True)
class CampaignRecord:
    id: str
    name: str
    segment_key: str
    trigger: str
    title: str
    message: str
    pricing_rule_id: str | None
    active: bool
    created_by: str
    created_at: datetime
    disabled_at: datetime | None


def _record(c: m.Campaign) -> CampaignRecord:
    return CampaignRecord(
        c.id,
        c.name,
        c.segment_key,
        c.trigger,
        c.title,
        c.message,
        c.pricing_rule_id,
        c.active,
        c.created_by,
        c.created_at,
        c.disabled_at,
    )


async def _segment_exists(store: Store, key: str) -> bool:
    if key in RFM_KEYS:
        return True
    async with store.read() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(m.CustomerSegment)
            .where(m.CustomerSegment.segment_key == key)
        )
    return bool(found)


async def create_campaign(
    store: Store,
    pricing: PricingBackend,
    *,
    name: str,
    segment_key: str,
    trigger: str,
    title: str,
    message: str,
    pricing_rule_id: str | None,
    created_by: str,
    now: datetime,
) -> CampaignRecord:
    texts = {"name": name.strip(), "title": title.strip(), "message": message.strip()}
    for field, text in texts.items():
        if not text:
            raise BadUserInput(f"The campaign's {field} is empty", argument=f"input.{field}")
        if len(text) > LIMITS[field]:
            raise BadUserInput(
                f"The campaign's {field} is longer than {LIMITS[field]} characters",
                argument=f"input.{field}",
            )
    if trigger not in TRIGGERS:
        raise BadUserInput(f"Unknown trigger {trigger!r}", argument="input.trigger")
    if not await _segment_exists(store, segment_key):
        raise BadUserInput(
            f"No segment {segment_key!r} (keys look like 'rfm:champions' or 'abc:A')",
            argument="input.segmentKey",
        )
    if pricing_rule_id is not None:
        (rule,) = await pricing.rules_by_id([pricing_rule_id])
        if rule is None:
            raise BadUserInput(
                f"No pricing rule {pricing_rule_id!r}", argument="input.pricingRuleId"
            )
    campaign = m.Campaign(
        id=f"cmp_{uuid.uuid4().hex[:16]}",
        name=texts["name"],
        segment_key=segment_key,
        trigger=trigger,
        title=texts["title"],
        message=texts["message"],
        pricing_rule_id=pricing_rule_id,
        active=True,
        created_by=created_by,
        created_at=now,
        disabled_at=None,
    )
    async with store.write() as session:
        session.add(campaign)
    return _record(campaign)


async def list_campaigns(store: Store, include_disabled: bool) -> list[CampaignRecord]:
    query = select(m.Campaign).order_by(m.Campaign.created_at, m.Campaign.id)
    if not include_disabled:
        query = query.where(m.Campaign.active.is_(True))
    async with store.read() as session:
        return [_record(c) for c in await session.scalars(query)]


async def disable_campaign(store: Store, campaign_id: str, now: datetime) -> CampaignRecord:
    """Stop a campaign; disabling one already disabled changes nothing."""
    async with store.write() as session:
        campaign = await session.get(m.Campaign, campaign_id, with_for_update=True)
        if campaign is None:
            raise NotFound(f"No campaign {campaign_id!r}")
        if campaign.active:
            campaign.active = False
            campaign.disabled_at = now
        return _record(campaign)
