"""Native inventory backend: locations and stock per sku × location."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select

from commercegraph.adapters.base import (
    LocationRecord,
    ReservationLine,
    ReservationRecord,
    StockRecord,
)
from commercegraph.adapters.native import reservations as holds
from commercegraph.adapters.native.records import RecordTable
from commercegraph.config import Settings
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.store.plain_reads import PlainRead

_STOCK = PlainRead(
    select(
        m.Stock.sku, m.Stock.location_id, m.Stock.on_hand, m.Stock.reserved, m.Stock.safety_stock
    )
    .where(m.Stock.sku.in_(bindparam("skus", expanding=True)))
    # the primary key's order: each sku's rows by location, with no sort after the look-ups
    .order_by(m.Stock.sku, m.Stock.location_id)
)
_STOCK_RECORDS = RecordTable(StockRecord)


def _location(loc: m.Location) -> LocationRecord:
    return LocationRecord(
        id=loc.id,
        name=loc.name,
        kind=loc.kind,
        lat=loc.lat,
        lon=loc.lon,
        region=loc.region,
        address=loc.address,
        can_ship=loc.can_ship,
        can_pickup=loc.can_pickup,
    )


class NativeInventory:
    name = "native"

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store

    async def locations(self) -> list[LocationRecord]:
        async with self.store.read() as session:
            rows = await session.scalars(select(m.Location).order_by(m.Location.id))
            return [_location(loc) for loc in rows]

    async def locations_by_id(self, ids: Sequence[str]) -> list[LocationRecord | None]:
        async with self.store.read() as session:
            rows = await session.scalars(select(m.Location).where(m.Location.id.in_(ids)))
            found = {loc.id: _location(loc) for loc in rows}
        return [found.get(i) for i in ids]

    async def stock(self, skus: Sequence[str]) -> list[list[StockRecord]]:
        found: dict[str, list[StockRecord]] = defaultdict(list)
        known = _STOCK_RECORDS.records.get
        for row in await self.store.plain(_STOCK, {"skus": list(skus)}):
            values = tuple(row)
            found[values[0]].append(known(values) or _STOCK_RECORDS.record(values))
        return [found.get(sku, []) for sku in skus]

    async def reserve(
        self, reference: str, lines: Sequence[ReservationLine], expires_at: datetime
    ) -> ReservationRecord:
        # Sweep expired holds on these skus first, in a transaction of its own, so the
        # hold below locks stock rows in one order only.
        async with self.store.write() as session:
            await holds.expire(session, utcnow(), skus={line.sku for line in lines})
        async with self.store.write() as session:
            return await holds.reserve(session, reference, lines, utcnow(), expires_at)

    async def commit_reservation(self, reference: str) -> ReservationRecord | None:
        async with self.store.write() as session:
            await holds.commit(session, reference, utcnow())
            (record,) = await holds.read_reservations(session, [reference])
        return record

    async def release_reservation(self, reference: str) -> ReservationRecord | None:
        async with self.store.write() as session:
            await holds.release(session, reference, utcnow())
            (record,) = await holds.read_reservations(session, [reference])
        return record

    async def release_expired(self, now: datetime, limit: int = 1000) -> int:
        async with self.store.write() as session:
            return await holds.expire(session, now, limit=limit)

    async def reservations(self, references: Sequence[str]) -> list[ReservationRecord | None]:
        async with self.store.read() as session:
            return await holds.read_reservations(session, references)
