"""The inventory port in memory: locations, stock, and holds taken once per reference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from commercegraph.adapters.base import (
    LocationRecord,
    ReservationLine,
    ReservationRecord,
    StockRecord,
)
from commercegraph.contract.fixture import ContractFixture
from commercegraph.errors import BadUserInput, OutOfStock


class FakeInventory:
    capabilities = frozenset({"inventory.locations", "inventory.stock", "inventory.reservations"})

    def __init__(self, locations: Sequence[LocationRecord], stock: Sequence[StockRecord]) -> None:
        self.by_id = {loc.id: loc for loc in locations}
        self.levels = {(s.sku, s.location_id): s for s in stock}
        self.holds: dict[str, ReservationRecord] = {}

    @classmethod
    def sample(cls, fx: ContractFixture = ContractFixture()) -> FakeInventory:
        store = LocationRecord(fx.store_id, "Downtown", "STORE", 45.52, -122.68, "US-OR",
                               "1 Main St, Portland", False, True)  # fmt: skip
        warehouse = LocationRecord(fx.stock_location_id, "Warehouse", "WAREHOUSE", 45.6,
                                   -122.6, "US-OR", "9 Dock Rd, Portland", True, False)  # fmt: skip
        return cls(
            [store, warehouse],
            [
                StockRecord(fx.sku, fx.store_id, 3, 0, 1),
                StockRecord(fx.sku, warehouse.id, 40, 0, 2),
            ],
        )

    async def locations(self) -> list[LocationRecord]:
        return list(self.by_id.values())

    async def locations_by_id(self, ids: Sequence[str]) -> list[LocationRecord | None]:
        return [self.by_id.get(i) for i in ids]

    async def stock(self, skus: Sequence[str]) -> list[list[StockRecord]]:
        return [[s for (sku, _), s in self.levels.items() if sku == wanted] for wanted in skus]

    def _move(self, lines: Sequence[ReservationLine], on_hand: int, reserved: int) -> None:
        for line in lines:
            row = self.levels[(line.sku, line.location_id)]
            self.levels[(line.sku, line.location_id)] = replace(
                row,
                on_hand=row.on_hand + on_hand * line.quantity,
                reserved=row.reserved + reserved * line.quantity,
            )

    async def reserve(
        self, reference: str, lines: Sequence[ReservationLine], expires_at: datetime
    ) -> ReservationRecord:
        if reference in self.holds:
            return self.holds[reference]
        for line in lines:
            if line.quantity <= 0:
                raise BadUserInput("`quantity` must be positive", argument="quantity")
            row = self.levels.get((line.sku, line.location_id))
            if row is None or row.on_hand - row.reserved < line.quantity:
                raise OutOfStock(f"{line.sku} is out of stock at {line.location_id}")
        self._move(lines, 0, 1)
        self.holds[reference] = ReservationRecord(reference, "HELD", tuple(lines), expires_at)
        return self.holds[reference]

    def _settle(self, reference: str, status: str, on_hand: int) -> ReservationRecord | None:
        hold = self.holds.get(reference)
        if hold is None or hold.status != "HELD":
            return hold
        self._move(hold.lines, on_hand, -1)
        self.holds[reference] = replace(hold, status=status)
        return self.holds[reference]

    async def commit_reservation(self, reference: str) -> ReservationRecord | None:
        return self._settle(reference, "COMMITTED", -1)

    async def release_reservation(self, reference: str) -> ReservationRecord | None:
        return self._settle(reference, "RELEASED", 0)

    async def release_expired(self, now: datetime, limit: int = 1000) -> int:
        expired = [h for h in self.holds.values() if h.status == "HELD" and h.expires_at <= now]
        lines = 0
        for hold in expired[:limit]:
            self._settle(hold.reference, "EXPIRED", 0)
            lines += len(hold.lines)
        return lines

    async def reservations(self, references: Sequence[str]) -> list[ReservationRecord | None]:
        return [self.holds.get(r) for r in references]
