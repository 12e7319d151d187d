"""Customer 360 reads and staff writes, each checked against the caller."""

from __future__ import annotations

from commercegraph.adapters.base import CustomerMetricsRecord, CustomerRecord, Page
from commercegraph.context import Context
from commercegraph.errors import NotFound
from commercegraph.ids import expect_global_id
from commercegraph.usecases import customer360
from commercegraph.usecases.merge import MergeOutcome, MergePorts, merge_customers


async def metrics(ctx: Context, customer_id: str) -> CustomerMetricsRecord | None:
    record: CustomerMetricsRecord | None = await ctx.loaders.customer_metrics.load(customer_id)
    return record


async def customers_in_segment(
    ctx: Context, key: str, first: int, after: str | None
) -> tuple[list[CustomerRecord], Page[str]]:
    ctx.caller.require_staff()
    return await customer360.customers_in_segment(
        ctx.loaders, key, first, after, max_page_size=ctx.settings.max_page_size
    )


async def link_identity(ctx: Context, customer_gid: str, kind: str, value: str) -> CustomerRecord:
    ctx.caller.require_staff()
    customer_id = expect_global_id(customer_gid, "Customer", "customerId")
    return await customer360.link_identity(
        ctx.loaders, ctx.registry.customer, customer_id, kind, value
    )


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
