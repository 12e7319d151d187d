"""Pricing in the graph: quotes, and the staff's rules with their version history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import Page, PricingRuleRecord, PricingRuleVersionRecord
from commercegraph.context import Context
from commercegraph.ids import expect_global_id, to_global_id
from commercegraph.resolvers import pricing as resolve
from commercegraph.schema.common import After, Channel, First, FulfillmentMethod, Node, PageInfo
from commercegraph.schema.enums import PricingRuleChange, Stacking
from commercegraph.schema.quote import PriceQuote


@strawberry.input(description="A line of a basket to price.")
class LineInput:
    sku: str = strawberry.field(description="The product's sku.")
    quantity: int = strawberry.field(description="Units, at least 1.")
    bundle_id: strawberry.ID | None = strawberry.field(
        default=None, description="The bundle the line belongs to; its discount then applies."
    )


@strawberry.input(description="A basket to price for the caller.")
class QuoteInput:
    lines: list[LineInput] = strawberry.field(description="What is in the basket.")
    channel: Channel = strawberry.field(default=Channel.WEB, description="Where it is bought.")
    store_id: strawberry.ID | None = strawberry.field(
        default=None, description="Pickup store; fulfillment is then PICKUP unless given."
    )
    currency: str | None = strawberry.field(
        default=None, description="ISO 4217 code to price in; the default currency if not given."
    )
    fulfillment: FulfillmentMethod | None = strawberry.field(
        default=None, description="Ship or pick up; rules may depend on it."
    )


@strawberry.type(description="A saved version of a pricing rule, as it was then.")
class PricingRuleVersion:
    version: int = strawberry.field(description="1 for the first save, then one more per change.")
    change: PricingRuleChange = strawberry.field(description="CREATED, UPDATED or DELETED.")
    changed_by: str = strawberry.field(description="The staff subject who saved it.")
    changed_at: datetime | None = strawberry.field(description="When it was saved.")
    name: str = strawberry.field(description="The rule's name then.")
    condition: str = strawberry.field(description="The condition then (CEL).")
    effect: str = strawberry.field(description="The effect then (JSON).")
    priority: int = strawberry.field(description="The priority then.")
    stacking: Stacking = strawberry.field(description="The stacking then.")
    active: bool = strawberry.field(description="Whether it was active then.")

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


@strawberry.type(description="A rule of the pricing engine: when it applies and what it does.")
class PricingRule(Node):
    id: strawberry.ID = strawberry.field(description="The rule's global ID.")
    name: str = strawberry.field(description="Shown to shoppers with what it took off.")
    condition: str = strawberry.field(description="A CEL expression over the pricing context.")
    effect: str = strawberry.field(
        description="The effect as a JSON document (open-ended, so a string, not an enum)."
    )
    priority: int = strawberry.field(description="Rules apply in priority order, highest first.")
    stacking: Stacking = strawberry.field(description="STACK, EXCLUSIVE or STOP_AFTER.")
    active: bool = strawberry.field(description="Inactive rules are kept but never apply.")
    valid_from: datetime | None = strawberry.field(description="Applies from then; null: always.")
    valid_until: datetime | None = strawberry.field(description="Applies until then; null: open.")
    max_redemptions: int | None = strawberry.field(
        description="How many orders may use it in all; null: no limit."
    )
    max_redemptions_per_customer: int | None = strawberry.field(
        description="How many orders of one customer may use it; null: no limit."
    )
    channels: list[Channel] = strawberry.field(description="Where it applies; empty: everywhere.")
    currency: str | None = strawberry.field(description="Only prices in this currency; null: any.")
    version: int = strawberry.field(description="How many times it was saved.")
    created_by: str = strawberry.field(description="The staff subject who created it.")
    created_at: datetime | None = strawberry.field(description="When it was created.")
    updated_by: str = strawberry.field(description="The staff subject who saved it last.")
    updated_at: datetime | None = strawberry.field(description="When it was saved last.")

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


@strawberry.type(description="A pricing rule in a page, with its cursor.")
class PricingRuleEdge:
    node: PricingRule = strawberry.field(description="The rule.")
    cursor: str = strawberry.field(description="Pass as `after` to page on from here.")


@strawberry.type(description="A page of pricing rules, by id (Relay connection).")
class PricingRuleConnection:
    edges: list[PricingRuleEdge] = strawberry.field(description="This page.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    total_count: int | None = strawberry.field(description="Rules in all, on every page.")

    @classmethod
    def of(cls, page: Page[PricingRuleRecord]) -> PricingRuleConnection:
        return cls(
            edges=[
                PricingRuleEdge(node=PricingRule.of(r), cursor=c)
                for r, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.of(page),
            total_count=page.total_count,
        )


@strawberry.input(description="A pricing rule to create (no `id`) or replace (with `id`).")
class PricingRuleInput:
    id: strawberry.ID | None = strawberry.field(
        default=None, description="The rule to replace; a new rule when not given."
    )
    name: str = strawberry.field(description="Shown to shoppers with what it took off.")
    condition: str = strawberry.field(description="A CEL expression over the pricing context.")
    effect: str = strawberry.field(description="The effect as a JSON document.")
    priority: int = strawberry.field(default=0, description="Higher applies first.")
    stacking: Stacking = strawberry.field(
        default=Stacking.STACK, description="How it combines with the other rules."
    )
    active: bool = strawberry.field(default=True, description="Whether it applies at all.")
    valid_from: datetime | None = strawberry.field(default=None, description="Applies from then.")
    valid_until: datetime | None = strawberry.field(default=None, description="Applies until then.")
    max_redemptions: int | None = strawberry.field(
        default=None, description="How many orders may use it in all."
    )
    max_redemptions_per_customer: int | None = strawberry.field(
        default=None, description="How many orders of one customer may use it."
    )
    channels: list[Channel] | None = strawberry.field(
        default=None, description="Where it applies; everywhere when not given."
    )
    currency: str | None = strawberry.field(
        default=None, description="Only prices in this ISO 4217 currency; any when not given."
    )

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
    async def quote(
        self,
        info: Info[Context, None],
        input: Annotated[QuoteInput, strawberry.argument(description="The basket to price.")],
    ) -> PriceQuote:
        store_id = expect_global_id(input.store_id, "Store", "storeId") if input.store_id else None
        quote = await resolve.quote(
            info.context,
            [(ln.sku, ln.quantity, ln.bundle_id) for ln in input.lines],
            channel=input.channel.value,
            store_id=store_id,
            currency=input.currency,
            fulfillment=input.fulfillment.value if input.fulfillment else None,
        )
        return PriceQuote.of(quote)

    @strawberry.field(description="Every pricing rule, by id (staff scope).")
    async def pricing_rules(
        self, info: Info[Context, None], first: First = 50, after: After = None
    ) -> PricingRuleConnection:
        return PricingRuleConnection.of(await resolve.list_rules(info.context, first, after))


@strawberry.type
class PricingMutation:
    @strawberry.mutation(description="Create or replace a rule; checked before saving (staff).")
    async def upsert_pricing_rule(
        self,
        info: Info[Context, None],
        input: Annotated[PricingRuleInput, strawberry.argument(description="The rule to save.")],
    ) -> PricingRule:
        return PricingRule.of(await resolve.upsert_rule(info.context, input.record()))

    @strawberry.mutation(description="Delete a rule; its history is kept (staff scope).")
    async def delete_pricing_rule(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The rule's global ID.")],
    ) -> bool:
        return await resolve.delete_rule(info.context, expect_global_id(id, "PricingRule"))
