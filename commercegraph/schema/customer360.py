"""Customer 360 root fields: staff segment listings, identity links and merges."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.context import Context
from commercegraph.ids import to_global_id
from commercegraph.resolvers import customer360
from commercegraph.schema.common import (
    After,
    First,
    IdempotencyKey,
    IdentifierKind,
    Money,
    PageInfo,
)
from commercegraph.schema.customer import Customer


@strawberry.type(description="A customer in a page, with its cursor.")
class CustomerEdge:
    node: Customer = strawberry.field(description="The customer.")
    cursor: str = strawberry.field(description="Pass as `after` to page on from here.")


@strawberry.type(description="A page of customers, by id (Relay connection).")
class CustomerConnection:
    edges: list[CustomerEdge] = strawberry.field(description="This page.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    total_count: int | None = strawberry.field(description="Customers matching, on every page.")


@strawberry.type(description="The audit record of a merge of two customers.")
class CustomerMerge:
    id: strawberry.ID = strawberry.field(description="The merge's id.")
    source_id: strawberry.ID = strawberry.field(
        description="The global ID of the customer merged away (it no longer resolves)."
    )
    target: Customer = strawberry.field(description="The customer that remains.")
    actor: str = strawberry.field(description="The staff subject who merged them.")
    merged_at: datetime = strawberry.field(description="When.")
    identifiers_moved: int = strawberry.field(description="Identifiers moved to the target.")
    events_moved: int = strawberry.field(description="Behaviour events moved to the target.")
    orders_moved: int = strawberry.field(description="Orders moved to the target.")
    balances_moved: list[Money] = strawberry.field(
        description="Wallet and points balances moved, one per account and unit."
    )


@strawberry.type
class Customer360Query:
    @strawberry.field(
        description="Customers in a segment (e.g. 'rfm:champions', 'abc:A'), by id (staff scope)."
    )
    async def customers_in_segment(
        self,
        info: Info[Context, None],
        key: Annotated[str, strawberry.argument(description="The segment's key.")],
        first: First = 20,
        after: After = None,
    ) -> CustomerConnection:
        customers, page = await customer360.customers_in_segment(info.context, key, first, after)
        by_id = {c.id: c for c in customers}
        return CustomerConnection(
            edges=[
                CustomerEdge(node=Customer.of(by_id[cid]), cursor=cursor)
                for cid, cursor in zip(page.items, page.cursors, strict=True)
                if cid in by_id
            ],
            page_info=PageInfo.of(page),
            total_count=page.total_count,
        )


@strawberry.type
class Customer360Mutation:
    @strawberry.mutation(
        description="Link an identifier to a customer (staff scope); CONFLICT if another holds it."
    )
    async def link_identity(
        self,
        info: Info[Context, None],
        customer_id: Annotated[strawberry.ID, strawberry.argument(description="The customer.")],
        kind: Annotated[IdentifierKind, strawberry.argument(description="The identifier's kind.")],
        value: Annotated[str, strawberry.argument(description="The identifier itself.")],
    ) -> Customer:
        record = await customer360.link_identity(info.context, customer_id, kind.value, value)
        return Customer.of(record)

    @strawberry.mutation(
        description="Merge the source customer into the target (staff scope): identifiers, "
        "orders, events and wallet balances move; the merge is recorded. Idempotent."
    )
    async def merge_customers(
        self,
        info: Info[Context, None],
        source_id: Annotated[
            strawberry.ID, strawberry.argument(description="The customer to merge away.")
        ],
        target_id: Annotated[
            strawberry.ID, strawberry.argument(description="The customer that remains.")
        ],
        idempotency_key: IdempotencyKey,
    ) -> CustomerMerge:
        ctx = info.context
        outcome = await customer360.merge(ctx, source_id, target_id, idempotency_key)
        record = outcome.record
        target = await customer360.load_target(ctx, record.target_customer_id)
        return CustomerMerge(
            id=strawberry.ID(record.id),
            source_id=strawberry.ID(to_global_id("Customer", record.source_customer_id)),
            target=Customer.of(target),
            actor=record.actor,
            merged_at=record.merged_at,
            identifiers_moved=int(record.summary.get("identifiers", 0)),
            events_moved=int(record.summary.get("events", 0)),
            orders_moved=outcome.orders_moved,
            balances_moved=[Money.of(b) for b in outcome.balances_moved],
        )
