"""Customer 360 reads and staff writes, each checked against the caller."""

from __future__ import annotations

from commercegraph.adapters.base import (
    CustomerMetricsRecord,
    CustomerRecord,
    IdentityRecord,
    Page,
    SegmentMembersQuery,
)
from commercegraph.context import Context
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.ids import expect_global_id
from commercegraph.services.identity import normalise_identifier
from commercegraph.services.pagination import check_first
from commercegraph.services.segmentation import SEGMENT_KEYS
from commercegraph.usecases.merge import MergeOutcome, MergePorts, merge_customers


async def metrics(ctx: Context, customer_id: str) -> CustomerMetricsRecord | None:
    record: CustomerMetricsRecord | None = await ctx.loaders.customer_metrics.load(customer_id)
    return record


async def customers_in_segment(
    ctx: Context, key: str, first: int, after: str | None
) -> tuple[list[CustomerRecord], Page[str]]:
    ctx.caller.require_staff()
    check_first(first, ctx.settings.max_page_size)
    prefix = key.partition(":")[0]
    if prefix in ("rfm", "abc", "behaviour") and key not in SEGMENT_KEYS:
        raise BadUserInput(f"Unknown segment {key!r}", argument="key")
    page: Page[str] = await ctx.loaders.segment_members.load(SegmentMembersQuery(key, first, after))
    customers = await ctx.loaders.customer_by_id.load_many(list(page.items))
    return [c for c in customers if c is not None], page


async def link_identity(ctx: Context, customer_gid: str, kind: str, value: str) -> CustomerRecord:
    ctx.caller.require_staff()
    customer_id = expect_global_id(customer_gid, "Customer", "customerId")
    normalised = normalise_identifier(kind, value)
    customer: CustomerRecord | None = await ctx.loaders.customer_by_id.load(customer_id)
    if customer is None:
        raise NotFound(f"Customer {customer_id!r} not found", argument="customerId")
    record: IdentityRecord = await ctx.registry.customer.link_identifier(
        customer_id, kind, normalised, "staff"
    )
    assert record.value == normalised
    ctx.loaders.identities.clear(customer_id)
    return customer


async def merge(ctx: Context, source_gid: str, target_gid: str, key: str) -> MergeOutcome:
    ctx.caller.require_staff()
    source = expect_global_id(source_gid, "Customer", "sourceId")
    target = expect_global_id(target_gid, "Customer", "targetId")
    return await merge_customers(
        MergePorts.of(ctx.registry),
        source,
        target,
        ctx.caller.subject or "staff",
        key,
        ctx.registry.customer.refresh_segments,
    )


async def load_target(ctx: Context, customer_id: str) -> CustomerRecord:
    found: CustomerRecord | None = await ctx.loaders.customer_by_id.load(customer_id)
    if found is None:
        raise NotFound(f"Customer {customer_id!r} not found")
    return found
