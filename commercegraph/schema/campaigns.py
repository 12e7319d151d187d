"""Staff campaigns: create, list and disable them (``offers dispatch`` pushes them)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.context import Context
from commercegraph.ids import expect_global_id, to_global_id
from commercegraph.resolvers import campaigns as resolve
from commercegraph.schema.described import described_enum


@described_enum(
    "When a campaign's offer goes to a member of its segment.",
    SEGMENT="Once to every member of the segment.",
    BIRTHDAY="On the member's birthday.",
    ABANDONED_CART="When the member has left a cart unchanged.",
    REWARD_LEVEL="When the member's points reach a reward or near the next tier.",
    REPLENISHMENT_REMINDER="When something the member buys regularly is due.",
)
class CampaignTrigger(Enum):
    SEGMENT = "SEGMENT"
    BIRTHDAY = "BIRTHDAY"
    ABANDONED_CART = "ABANDONED_CART"
    REWARD_LEVEL = "REWARD_LEVEL"
    REPLENISHMENT_REMINDER = "REPLENISHMENT_REMINDER"


@strawberry.type(description="An offer staff defined for a segment, pushed on a trigger.")
class Campaign:
    id: strawberry.ID = strawberry.field(description="The campaign's id.")
    name: str = strawberry.field(description="What staff call it.")
    segment_key: str = strawberry.field(description="Whose it is, e.g. 'rfm:at-risk'.")
    trigger: CampaignTrigger = strawberry.field(description="When a member gets it.")
    title: str = strawberry.field(description="The offer's headline.")
    message: str = strawberry.field(description="The offer's text.")
    pricing_rule_id: strawberry.ID | None = strawberry.field(
        description="The pricing rule that gives its discount, if any (a PricingRule ID)."
    )
    active: bool = strawberry.field(description="False once disabled.")
    created_by: str = strawberry.field(description="Who created it.")
    created_at: datetime = strawberry.field(description="When it was created.")
    disabled_at: datetime | None = strawberry.field(description="When it was disabled, if it was.")

    @classmethod
    def of(cls, r: resolve.CampaignRecord) -> Campaign:
        return cls(
            id=strawberry.ID(r.id),
            name=r.name,
            segment_key=r.segment_key,
            trigger=CampaignTrigger(r.trigger),
            title=r.title,
            message=r.message,
            pricing_rule_id=(
                strawberry.ID(to_global_id("PricingRule", r.pricing_rule_id))
                if r.pricing_rule_id
                else None
            ),
            active=r.active,
            created_by=r.created_by,
            created_at=r.created_at,
            disabled_at=r.disabled_at,
        )


@strawberry.input(description="A new campaign.")
class CampaignInput:
    name: str = strawberry.field(description="What staff call it (at most 200 characters).")
    segment_key: str = strawberry.field(description="The segment's key, e.g. 'rfm:at-risk'.")
    trigger: CampaignTrigger = strawberry.field(description="When a member gets the offer.")
    title: str = strawberry.field(description="The offer's headline (at most 200 characters).")
    message: str = strawberry.field(description="The offer's text (at most 1000 characters).")
    pricing_rule_id: strawberry.ID | None = strawberry.field(
        default=None, description="A pricing rule that gives the discount (a PricingRule ID)."
    )


@strawberry.type
class CampaignQuery:
    @strawberry.field(description="Campaigns, oldest first (staff scope).")
    async def campaigns(
        self,
        info: Info[Context, None],
        include_disabled: Annotated[
            bool, strawberry.argument(description="Also the disabled ones.")
        ] = False,
    ) -> list[Campaign]:
        return [
            Campaign.of(c) for c in await resolve.list_campaigns(info.context, include_disabled)
        ]


@strawberry.type
class CampaignMutation:
    @strawberry.mutation(description="Define a campaign; checked before saving (staff scope).")
    async def create_campaign(
        self,
        info: Info[Context, None],
        input: Annotated[CampaignInput, strawberry.argument(description="The campaign.")],
    ) -> Campaign:
        rule_id = (
            expect_global_id(input.pricing_rule_id, "PricingRule", "input.pricingRuleId")
            if input.pricing_rule_id
            else None
        )
        return Campaign.of(
            await resolve.create_campaign(
                info.context,
                name=input.name,
                segment_key=input.segment_key,
                trigger=input.trigger.value,
                title=input.title,
                message=input.message,
                pricing_rule_id=rule_id,
            )
        )

    @strawberry.mutation(description="Stop a campaign; its history is kept (staff scope).")
    async def disable_campaign(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The campaign's id.")],
    ) -> Campaign:
        return Campaign.of(await resolve.disable_campaign(info.context, str(id)))
