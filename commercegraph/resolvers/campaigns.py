"""Staff's campaigns (``usecases.campaigns``), on the gateway's own store."""

from __future__ import annotations

from commercegraph.context import Context
from commercegraph.store.db import Store
from commercegraph.usecases import campaigns
from commercegraph.usecases.campaigns import CampaignRecord

__all__ = ["CampaignRecord", "create_campaign", "disable_campaign", "list_campaigns"]


def _store(ctx: Context) -> Store:
    if ctx.registry.own_store is None:
        raise RuntimeError("this registry was built without the gateway's store")
    return ctx.registry.own_store


async def create_campaign(
    ctx: Context,
    *,
    name: str,
    segment_key: str,
    trigger: str,
    title: str,
    message: str,
    pricing_rule_id: str | None,
) -> CampaignRecord:
    ctx.caller.require_staff()
    return await campaigns.create_campaign(
        _store(ctx),
        ctx.registry.pricing,
        name=name,
        segment_key=segment_key,
        trigger=trigger,
        title=title,
        message=message,
        pricing_rule_id=pricing_rule_id,
        created_by=ctx.caller.subject or "staff",
        now=ctx.now,
    )


async def list_campaigns(ctx: Context, include_disabled: bool) -> list[CampaignRecord]:
    ctx.caller.require_staff()
    return await campaigns.list_campaigns(_store(ctx), include_disabled)


async def disable_campaign(ctx: Context, campaign_id: str) -> CampaignRecord:
    ctx.caller.require_staff()
    return await campaigns.disable_campaign(_store(ctx), campaign_id, ctx.now)
