"""Pricing in the graph: quotes, and the staff's rules with their version history."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import Page, PricingRuleRecord, PricingRuleVersionRecord
from commercegraph.context import Context
from commercegraph.ids import expect_global_id, to_global_id
from commercegraph.resolvers import pricing as resolve
from commercegraph.schema.common import Channel, FulfillmentMethod, Node, PageInfo
from commercegraph.schema.enums import PricingRuleChange, Stacking
from commercegraph.schema.quote import PriceQuote


@strawberry.input
class LineInput:
    sku: str
    quantity: int
    bundle_id: strawberry.ID | None = None


@strawberry.input
class QuoteInput:
    lines: list[LineInput]
    channel: Channel = Channel.WEB
    store_id: strawberry.ID | None = strawberry.field(
        default=None, description="Pickup store; fulfillment is then PICKUP unless given."
    )
    currency: str | None = None
    fulfillment: FulfillmentMethod | None = None


@strawberry.type
class PricingRuleVersion:
    version: int
    change: PricingRuleChange = strawberry.field(description="CREATED, UPDATED or DELETED.")
    changed_by: str
    changed_at: datetime | None
    name: str
    condition: str
    effect: str
    priority: int
    stacking: Stacking
    active: bool

    @classmethod
    def of(cls, v: PricingRuleVersionRecord) -> PricingRuleVersion:
        r = v.rule
        return cls(
            version=r.version,
            change=PricingRuleChange(v.change),
            changed_by=r.updated_by,
            changed_at=r.updated_at,
            name=r.name,
            condition=r.condition,
            effect=r.effect,
            priority=r.priority,
            stacking=Stacking(r.stacking),
            active=r.active,
        )


@strawberry.type
class PricingRule(Node):
    id: strawberry.ID
    name: str
    condition: str = strawberry.field(description="A CEL expression over the pricing context.")
    effect: str = strawberry.field(description="The effect as a JSON document.")
    priority: int
    stacking: Stacking = strawberry.field(description="STACK, EXCLUSIVE or STOP_AFTER.")
    active: bool
    valid_from: datetime | None
    valid_until: datetime | None
    max_redemptions: int | None
    max_redemptions_per_customer: int | None
    channels: list[Channel]
    currency: str | None
    version: int
    created_by: str
    created_at: datetime | None
    updated_by: str
    updated_at: datetime | None

    @strawberry.field(description="Every saved version, newest first.")
    async def versions(self, info: Info[Context, None]) -> list[PricingRuleVersion]:
        rule_id = expect_global_id(self.id, "PricingRule")
        found = await info.context.loaders.pricing_rule_versions.load(rule_id)
        return [PricingRuleVersion.of(v) for v in found]

    @classmethod
    def of(cls, r: PricingRuleRecord) -> PricingRule:
        return cls(
            id=strawberry.ID(to_global_id("PricingRule", r.id)),
            name=r.name,
            condition=r.condition,
            effect=r.effect,
            priority=r.priority,
            stacking=Stacking(r.stacking),
            active=r.active,
            valid_from=r.valid_from,
            valid_until=r.valid_until,
            max_redemptions=r.max_redemptions,
            max_redemptions_per_customer=r.max_redemptions_per_customer,
            channels=[Channel(c) for c in r.channels],
            currency=r.currency,
            version=r.version,
            created_by=r.created_by,
            created_at=r.created_at,
            updated_by=r.updated_by,
            updated_at=r.updated_at,
        )


@strawberry.type
class PricingRuleEdge:
    node: PricingRule
    cursor: str


@strawberry.type
class PricingRuleConnection:
    edges: list[PricingRuleEdge]
    page_info: PageInfo
    total_count: int | None

    @classmethod
    def of(cls, page: Page[PricingRuleRecord]) -> PricingRuleConnection:
        return cls(
            edges=[
                PricingRuleEdge(node=PricingRule.of(r), cursor=c)
                for r, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )


@strawberry.input
class PricingRuleInput:
    id: strawberry.ID | None = None
    name: str
    condition: str
    effect: str
    priority: int = 0
    stacking: Stacking = Stacking.STACK
    active: bool = True
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_redemptions: int | None = None
    max_redemptions_per_customer: int | None = None
    channels: list[Channel] | None = None
    currency: str | None = None

    def record(self) -> PricingRuleRecord:
        return PricingRuleRecord(
            id=expect_global_id(self.id, "PricingRule", "input.id") if self.id else "",
            name=self.name,
            condition=self.condition,
            effect=self.effect,
            priority=self.priority,
            stacking=self.stacking.value,
            active=self.active,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            max_redemptions=self.max_redemptions,
            max_redemptions_per_customer=self.max_redemptions_per_customer,
            channels=tuple(c.value for c in self.channels or ()),
            currency=self.currency,
        )


@strawberry.type
class PricingQuery:
    @strawberry.field(description="Price a basket for the caller, every rule explained.")
    async def quote(self, info: Info[Context, None], input: QuoteInput) -> PriceQuote:
        store_id = expect_global_id(input.store_id, "Store", "storeId") if input.store_id else None
        result = await resolve.quote_lines(
            info.context,
            [(ln.sku, ln.quantity, ln.bundle_id) for ln in input.lines],
            channel=input.channel.value,
            store_id=store_id,
            currency=input.currency,
            fulfillment=input.fulfillment.value if input.fulfillment else None,
        )
        return PriceQuote.of(resolve.as_cart_quote(result))

    @strawberry.field(description="Every pricing rule, by id (staff scope).")
    async def pricing_rules(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> PricingRuleConnection:
        return PricingRuleConnection.of(await resolve.list_rules(info.context, first, after))


@strawberry.type
class PricingMutation:
    @strawberry.mutation(description="Create or replace a rule; checked before saving (staff).")
    async def upsert_pricing_rule(
        self, info: Info[Context, None], input: PricingRuleInput
    ) -> PricingRule:
        return PricingRule.of(await resolve.upsert_rule(info.context, input.record()))

    @strawberry.mutation(description="Delete a rule; its history is kept (staff scope).")
    async def delete_pricing_rule(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        return await resolve.delete_rule(info.context, expect_global_id(id, "PricingRule"))
