"""Inventory: locations, stock levels and reservations.

Records first, then one Protocol per vendor capability (see
``commercegraph.ports.capabilities``). An adapter implements the Protocols of the
capabilities it declares; reads are batch-shaped (one result per key, in key order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class LocationRecord:
    id: str
    name: str
    kind: str  # WAREHOUSE | STORE
    lat: float
    lon: float
    region: str
    address: str
    can_ship: bool
    can_pickup: bool


@dataclass(frozen=True, slots=True)
class StockRecord:
    sku: str
    location_id: str
    on_hand: int
    reserved: int
    safety_stock: int


@dataclass(frozen=True, slots=True)
class ReservationLine:
    sku: str
    location_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class ReservationRecord:
    reference: str
    status: str  # HELD | COMMITTED | RELEASED | EXPIRED
    lines: tuple[ReservationLine, ...]
    expires_at: datetime


@runtime_checkable
class LocationsPort(Protocol):
    """``inventory.locations``: Warehouses and stores."""

    async def locations(self) -> list[LocationRecord]: ...

    async def locations_by_id(self, ids: Sequence[str]) -> list[LocationRecord | None]: ...


@runtime_checkable
class StockPort(Protocol):
    """``inventory.stock``: Stock levels per sku and location."""

    async def stock(self, skus: Sequence[str]) -> list[list[StockRecord]]:
        """Every location's stock row for each sku."""
        ...


@runtime_checkable
class ReservationsPort(Protocol):
    """``inventory.reservations``.

    Holds on stock, where the system has them; the gateway holds them otherwise.
    """

    async def reserve(
        self, reference: str, lines: Sequence[ReservationLine], expires_at: datetime
    ) -> ReservationRecord:
        """Hold every line or none (``OutOfStock``). A reference already held is
        returned as it is, so a retried checkout never takes the stock twice."""
        ...

    async def commit_reservation(self, reference: str) -> ReservationRecord | None:
        """Take the held units off hand; committing twice changes nothing."""
        ...

    async def release_reservation(self, reference: str) -> ReservationRecord | None:
        """Give held units back; releasing twice changes nothing."""
        ...

    async def release_expired(self, now: datetime, limit: int = 1000) -> int:
        """Give back holds whose expiry has passed; returns how many lines expired."""
        ...

    async def reservations(self, references: Sequence[str]) -> list[ReservationRecord | None]: ...
