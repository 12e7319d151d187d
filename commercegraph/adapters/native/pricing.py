"""Native pricing backend: base price rows by sku and currency."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select, tuple_

from commercegraph.adapters.base import PriceRow
from commercegraph.config import Settings
from commercegraph.store import models as m
from commercegraph.store.db import Store


class NativePricing:
    name = "native"

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store

    async def price_rows(self, keys: Sequence[tuple[str, str]]) -> list[list[PriceRow]]:
        found: dict[tuple[str, str], list[PriceRow]] = defaultdict(list)
        async with self.store.read() as session:
            rows = await session.scalars(
                select(m.Price)
                .where(tuple_(m.Price.sku, m.Price.currency).in_(set(keys)))
                .order_by(m.Price.id)
            )
            for p in rows:
                found[(p.sku, p.currency)].append(
                    PriceRow(
                        sku=p.sku,
                        currency=p.currency,
                        amount=p.amount,
                        channel=p.channel,
                        customer_group=p.customer_group,
                        min_quantity=p.min_quantity,
                        valid_from=p.valid_from,
                        valid_until=p.valid_until,
                    )
                )
        return [found.get(k, []) for k in keys]
