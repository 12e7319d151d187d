"""Customer 360 root fields: staff segment listings, identity links and merges."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from commercegraph.context import Context
from commercegraph.ids import to_global_id
from commercegraph.resolvers import customer360
from commercegraph.schema.common import IdentifierKind, Money, PageInfo
from commercegraph.schema.customer import Customer


@strawberry.type
class CustomerEdge:
    node: Customer
    cursor: str


@strawberry.type
class CustomerConnection:
    edges: list[CustomerEdge]
    page_info: PageInfo


@strawberry.type(description="The audit record of a merge of two customers.")
class CustomerMerge:
    id: strawberry.ID
    source_id: strawberry.ID
    target: Customer
    actor: str
    merged_at: datetime
    identifiers_moved: int
    events_moved: int
    orders_moved: int
    balances_moved: list[Money]


@strawberry.type
class Customer360Query:
    @strawberry.field(
        description="Customers in a segment (e.g. 'rfm:champions', 'abc:A'), by id (staff scope)."
    )
    async def customers_in_segment(
        self, info: Info[Context, None], key: str, first: int = 20, after: str | None = None
    ) -> CustomerConnection:
        customers, page = await customer360.customers_in_segment(info.context, key, first, after)
        by_id = {c.id: c for c in customers}
        return CustomerConnection(
            edges=[
                CustomerEdge(node=Customer.of(by_id[cid]), cursor=cursor)
                for cid, cursor in zip(page.items, page.cursors, strict=True)
                if cid in by_id
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        )


@strawberry.type
class Customer360Mutation:
    @strawberry.mutation(
        description="Link an identifier to a customer (staff scope); CONFLICT if another holds it."
    )
    async def link_identity(
        self,
        info: Info[Context, None],
        customer_id: strawberry.ID,
        kind: IdentifierKind,
        value: str,
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
        source_id: strawberry.ID,
        target_id: strawberry.ID,
        idempotency_key: str,
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
