"""``commercegraph segments write-back``: send each customer's segments, RFM scores and
lifetime value from the gateway's store to the CRM the registry routes
``customer.write_back`` to (the customer adapter declaring it, or ``CG_CAPABILITIES``).

Customers go in id order, ``--batch-size`` at a time. After each batch the last customer id
is saved to ``--checkpoint`` (when given), so a run that stops resumes after the last batch
the CRM accepted; a run that completes removes the file. Writing the same values twice
changes nothing in the CRM, so resuming or re-running is safe.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import select

from commercegraph.adapters.base import CustomerPropertyUpdate
from commercegraph.cli_support import CommandError
from commercegraph.config import Settings
from commercegraph.ports.customer import CrmWriteBackPort
from commercegraph.progress import progress
from commercegraph.store import models as m
from commercegraph.store.db import Store

WriteBack = Callable[[Sequence[CustomerPropertyUpdate]], Awaitable[int]]

WRITE_BACK = "customer.write_back"
DEFAULT_BATCH = 100  # HubSpot's batch upsert takes at most 100 contacts


class NoWriteBack(CommandError):
    """The configured customer adapter cannot write properties back."""

    exit_code = 2


@dataclass
class WriteBackSummary:
    customers: int = 0
    written: int = 0
    refused: int = 0
    batches: int = 0
    resumed_after: str | None = None
    last_customer_id: str | None = None


def rfm_score(metrics: m.CustomerMetrics | None) -> str | None:
    if metrics is None:
        return None
    scores = (metrics.recency_score, metrics.frequency_score, metrics.monetary_score)
    if any(score is None for score in scores):
        return None
    return "".join(str(score) for score in scores)


def property_update(
    customer: m.Customer, metrics: m.CustomerMetrics | None, segment_keys: Sequence[str]
) -> CustomerPropertyUpdate:
    """What the gateway knows of one customer, under the canonical write-back keys."""
    return CustomerPropertyUpdate(
        customer_id=customer.id,
        email=customer.email,
        properties={
            "segments": ";".join(sorted(segment_keys)) or None,
            "rfm_segment": metrics.rfm_segment if metrics else None,
            "rfm_score": rfm_score(metrics),
            "lifetime_value": metrics.revenue if metrics else None,
            "lifetime_value_currency": metrics.currency if metrics else None,
            "predicted_12m": metrics.predicted_12m if metrics else None,
        },
    )


async def updates_after(
    store: Store, after: str | None, limit: int
) -> list[CustomerPropertyUpdate]:
    """The next ``limit`` customers (not erased) by id after ``after``, with their figures."""
    async with store.read() as session:
        query = select(m.Customer).where(m.Customer.erased_at.is_(None))
        if after is not None:
            query = query.where(m.Customer.id > after)
        customers = list(await session.scalars(query.order_by(m.Customer.id).limit(limit)))
        ids = [c.id for c in customers]
        if not ids:
            return []
        metrics = {
            row.customer_id: row
            for row in await session.scalars(
                select(m.CustomerMetrics).where(m.CustomerMetrics.customer_id.in_(ids))
            )
        }
        segments: dict[str, list[str]] = {}
        rows = await session.execute(
            select(m.CustomerSegment.customer_id, m.CustomerSegment.segment_key).where(
                m.CustomerSegment.customer_id.in_(ids)
            )
        )
        for customer_id, key in rows:
            segments.setdefault(customer_id, []).append(key)
    return [property_update(c, metrics.get(c.id), segments.get(c.id, ())) for c in customers]


def read_checkpoint(path: Path | None) -> str | None:
    if path is None or not path.exists():
        return None
    after = json.loads(path.read_text()).get("after")
    return str(after) if after else None


def save_checkpoint(path: Path | None, summary: WriteBackSummary) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".tmp")
    partial.write_text(json.dumps({"after": summary.last_customer_id, **asdict(summary)}))
    partial.replace(path)  # a crash mid-write leaves the previous checkpoint whole


def remove_checkpoint(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)


async def write_back_all(
    store: Store,
    write_back: WriteBack,
    *,
    batch_size: int = DEFAULT_BATCH,
    checkpoint: Path | None = None,
    total: int | None = None,
) -> WriteBackSummary:
    after = read_checkpoint(checkpoint)
    summary = WriteBackSummary(resumed_after=after, last_customer_id=after)
    while True:
        updates = await updates_after(store, summary.last_customer_id, batch_size)
        if not updates:
            break
        written = await write_back(updates)
        summary.customers += len(updates)
        summary.written += written
        summary.refused += len(updates) - written
        summary.batches += 1
        summary.last_customer_id = updates[-1].customer_id
        save_checkpoint(checkpoint, summary)
        progress("customers", summary.customers, total)
    remove_checkpoint(checkpoint)
    return summary


async def customer_writer(settings: Settings, store: Store, stack: AsyncExitStack) -> WriteBack:
    """The guarded ``write_back`` of the adapter the registry routes ``customer.write_back``
    to; ``NoWriteBack`` when no configured adapter declares it."""
    from commercegraph import bootstrap

    container = bootstrap.compose(settings, store=store)
    stack.push_async_callback(container.registry.aclose)
    serving = container.registry.routes.get("customer", {}).get(WRITE_BACK)
    if serving is None:
        name = settings.adapters.for_domain("customer")
        raise NoWriteBack(
            f"CG_ADAPTERS__CUSTOMER={name}: no configured adapter serves {WRITE_BACK}; "
            "configure a CRM adapter that declares it (e.g. hubspot), or route it with "
            f'CG_CAPABILITIES=\'{{"{WRITE_BACK}": "hubspot"}}\''
        )
    crm: CrmWriteBackPort = container.registry.customer  # type: ignore[assignment]
    return crm.write_back


async def run_write_back(
    settings: Settings, batch_size: int, checkpoint: Path | None
) -> WriteBackSummary:
    from sqlalchemy import func

    from commercegraph import bootstrap

    async with bootstrap.open_store(settings) as store, AsyncExitStack() as stack:
        writer = await customer_writer(settings, store, stack)
        async with store.read() as session:
            total = await session.scalar(
                select(func.count()).select_from(m.Customer).where(m.Customer.erased_at.is_(None))
            )
        return await write_back_all(
            store, writer, batch_size=batch_size, checkpoint=checkpoint, total=total
        )
