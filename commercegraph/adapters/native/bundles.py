"""Bundles on the gateway's store: reads by id and by product, paging, mining input."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import BundleComponentRecord, BundleQuery, BundleRecord, Page
from commercegraph.services.pagination import decode_cursor, encode_cursor
from commercegraph.store import models as m

KIND_ORDER = case(
    {"FIXED": 0, "MIX_AND_MATCH": 1, "FREQUENTLY_BOUGHT_TOGETHER": 2}, value=m.Bundle.kind, else_=3
)


async def _components(
    session: AsyncSession, bundle_ids: Sequence[str]
) -> dict[str, list[BundleComponentRecord]]:
    found: dict[str, list[BundleComponentRecord]] = defaultdict(list)
    if bundle_ids:
        rows = await session.execute(
            select(m.BundleComponent, m.Product.sku)
            .join(m.Product, m.Product.id == m.BundleComponent.product_id)
            .where(m.BundleComponent.bundle_id.in_(bundle_ids))
            .order_by(m.BundleComponent.bundle_id, m.BundleComponent.position)
        )
        for component, sku in rows:
            found[component.bundle_id].append(
                BundleComponentRecord(component.product_id, sku, component.quantity)
            )
    return found


async def _records(session: AsyncSession, bundles: Sequence[m.Bundle]) -> list[BundleRecord]:
    components = await _components(session, [b.id for b in bundles])
    return [
        BundleRecord(
            id=b.id,
            name=b.name,
            kind=b.kind,
            components=tuple(components[b.id]),
            discount_percent=b.discount_percent,
            pick_count=b.pick_count,
            support=b.support,
            lift=b.lift,
        )
        for b in bundles
    ]


async def bundles_by_id(session: AsyncSession, ids: Sequence[str]) -> list[BundleRecord | None]:
    rows = list(await session.scalars(select(m.Bundle).where(m.Bundle.id.in_(ids))))
    found = {r.id: r for r in await _records(session, rows)}
    return [found.get(i) for i in ids]


async def bundles_for_products(
    session: AsyncSession, product_ids: Sequence[str]
) -> list[list[BundleRecord]]:
    links = (
        await session.execute(
            select(m.BundleComponent.product_id, m.BundleComponent.bundle_id).where(
                m.BundleComponent.product_id.in_(product_ids)
            )
        )
    ).all()
    bundle_ids = {bundle_id for _, bundle_id in links}
    rows = list(
        await session.scalars(
            select(m.Bundle)
            .where(m.Bundle.id.in_(bundle_ids))
            .order_by(KIND_ORDER, m.Bundle.lift.desc().nulls_last(), m.Bundle.id)
        )
    )
    records = await _records(session, rows)
    rank = {r.id: n for n, r in enumerate(records)}
    by_product: dict[str, list[BundleRecord]] = defaultdict(list)
    by_id = {r.id: r for r in records}
    for product_id, bundle_id in sorted(links, key=lambda link: rank[link[1]]):
        by_product[product_id].append(by_id[bundle_id])
    return [by_product.get(p, []) for p in product_ids]


async def search_bundles(session: AsyncSession, query: BundleQuery) -> Page[BundleRecord]:
    stmt = select(m.Bundle)
    if query.product_id is not None:
        stmt = stmt.where(
            m.Bundle.id.in_(
                select(m.BundleComponent.bundle_id).where(
                    m.BundleComponent.product_id == query.product_id
                )
            )
        )
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    if query.after:
        (after_id,) = decode_cursor(query.after, 1)
        stmt = stmt.where(m.Bundle.id > str(after_id))
    rows = list(await session.scalars(stmt.order_by(m.Bundle.id).limit(query.first + 1)))
    items = await _records(session, rows[: query.first])
    cursors = tuple(encode_cursor(b.id) for b in items)
    return Page(
        items=tuple(items),
        has_next_page=len(rows) > query.first,
        end_cursor=cursors[-1] if cursors else None,
        total_count=total or 0,
        cursors=cursors,
    )


async def order_baskets(session: AsyncSession, since: datetime | None) -> list[tuple[str, ...]]:
    stmt = select(m.OrderLine.order_id, m.OrderLine.sku).join(
        m.Order, m.Order.id == m.OrderLine.order_id
    )
    if since is not None:
        stmt = stmt.where(m.Order.placed_at >= since)
    baskets: dict[str, set[str]] = defaultdict(set)
    for order_id, sku in await session.execute(stmt):
        baskets[order_id].add(sku)
    return [tuple(sorted(skus)) for _, skus in sorted(baskets.items())]


async def replace_bundles(
    session: AsyncSession, kind: str, bundles: Sequence[BundleRecord], now: datetime
) -> int:
    old = select(m.Bundle.id).where(m.Bundle.kind == kind)
    await session.execute(delete(m.BundleComponent).where(m.BundleComponent.bundle_id.in_(old)))
    await session.execute(delete(m.Bundle).where(m.Bundle.kind == kind))
    await insert_bundles(session, bundles, now)
    return len(bundles)


async def insert_bundles(
    session: AsyncSession, bundles: Sequence[BundleRecord], now: datetime
) -> None:
    if not bundles:
        return
    await session.execute(
        insert(m.Bundle),
        [
            {
                "id": b.id,
                "name": b.name,
                "kind": b.kind,
                "pick_count": b.pick_count,
                "discount_percent": b.discount_percent,
                "support": b.support,
                "lift": b.lift,
                "created_at": now,
            }
            for b in bundles
        ],
    )
    await session.execute(
        insert(m.BundleComponent),
        [
            {"bundle_id": b.id, "product_id": c.product_id, "quantity": c.quantity, "position": n}
            for b in bundles
            for n, c in enumerate(b.components)
        ],
    )
