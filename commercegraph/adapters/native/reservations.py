"""Stock reservations on the gateway's store, safe under concurrent checkouts.

Every change to ``stock`` is a conditional UPDATE: a hold only succeeds while
``on_hand - reserved - safety_stock >= quantity`` for that row, which PostgreSQL
re-checks after taking the row lock, so concurrent checkouts can never oversell.
Reservation status changes are conditional too (``WHERE status = 'HELD'``), so a commit,
a release and an expiry sweep racing for the same hold move the stock exactly once.
Rows are always touched in (location, sku) order so two checkouts cannot deadlock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import ReservationLine, ReservationRecord
from commercegraph.errors import BadUserInput, Conflict, OutOfStock
from commercegraph.store import models as m

HELD, COMMITTED, RELEASED, EXPIRED = "HELD", "COMMITTED", "RELEASED", "EXPIRED"
LAPSED = (RELEASED, EXPIRED)

_reservations = m.Base.metadata.tables["stock_reservations"]
_checkouts = m.Base.metadata.tables["checkouts"]
_fulfillments = m.Base.metadata.tables["order_fulfillments"]
_stock = m.Base.metadata.tables["stock"]
_atp = _stock.c.on_hand - _stock.c.reserved - _stock.c.safety_stock


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(_reservations)


def merged_lines(lines: Sequence[ReservationLine]) -> list[ReservationLine]:
    """One line per (location, sku), in lock order."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for line in lines:
        if line.quantity <= 0:
            raise BadUserInput(f"Cannot reserve {line.quantity} of {line.sku}", argument="quantity")
        totals[(line.location_id, line.sku)] += line.quantity
    return [ReservationLine(sku, loc, q) for (loc, sku), q in sorted(totals.items())]


async def _move_stock(
    session: AsyncSession, moved: Iterable[Row[Any]], *, reserved: int, on_hand: int
) -> None:
    """Apply ``reserved``/``on_hand`` (each -1, 0 or +1) times each moved quantity."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for row in moved:
        totals[(row.location_id, row.sku)] += row.quantity
    for (loc, sku), quantity in sorted(totals.items()):
        await session.execute(
            update(_stock)
            .where(_stock.c.sku == sku, _stock.c.location_id == loc)
            .values(
                reserved=_stock.c.reserved + reserved * quantity,
                on_hand=_stock.c.on_hand + on_hand * quantity,
            )
        )


async def _hold_stock(session: AsyncSession, line: ReservationLine) -> None:
    held = await session.execute(
        update(_stock)
        .where(
            _stock.c.sku == line.sku,
            _stock.c.location_id == line.location_id,
            _atp >= line.quantity,
        )
        .values(reserved=_stock.c.reserved + line.quantity)
        .returning(_stock.c.sku)
    )
    if held.first() is None:
        available = await session.scalar(
            select(_atp).where(_stock.c.sku == line.sku, _stock.c.location_id == line.location_id)
        )
        raise OutOfStock(
            f"Only {max(0, available or 0)} of {line.sku} available at {line.location_id}, "
            f"{line.quantity} wanted",
            sku=line.sku,
            locationId=line.location_id,
            available=max(0, available or 0),
        )


async def _hold_line(
    session: AsyncSession, reference: str, line: ReservationLine, now: datetime, expires: datetime
) -> None:
    inserted = await session.execute(
        _insert(session)
        .values(
            reference=reference,
            sku=line.sku,
            location_id=line.location_id,
            quantity=line.quantity,
            status=HELD,
            created_at=now,
            expires_at=expires,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["reference", "sku", "location_id"])
        .returning(_reservations.c.id)
    )
    if inserted.first() is None:
        # This reference already has the line: held or taken means this is a retry of
        # the same checkout (nothing to do); released or expired means hold it again.
        revived = await session.execute(
            update(_reservations)
            .where(
                _reservations.c.reference == reference,
                _reservations.c.sku == line.sku,
                _reservations.c.location_id == line.location_id,
                _reservations.c.status.in_(LAPSED),
            )
            .values(status=HELD, quantity=line.quantity, expires_at=expires, updated_at=now)
            .returning(_reservations.c.id)
        )
        if revived.first() is None:
            return
    await _hold_stock(session, line)


async def read_reservations(
    session: AsyncSession, references: Sequence[str]
) -> list[ReservationRecord | None]:
    rows = (
        await session.execute(
            select(_reservations)
            .where(_reservations.c.reference.in_(references))
            .order_by(_reservations.c.location_id, _reservations.c.sku)
        )
    ).all()
    grouped: dict[str, list[Row[Any]]] = defaultdict(list)
    for row in rows:
        grouped[row.reference].append(row)
    return [_record(ref, grouped[ref]) if grouped.get(ref) else None for ref in references]


def _record(reference: str, rows: Sequence[Row[Any]]) -> ReservationRecord:
    statuses = {r.status for r in rows}
    # A partly revived hold reports the least advanced status of its lines.
    status = next(s for s in (HELD, COMMITTED, RELEASED, EXPIRED) if s in statuses)
    return ReservationRecord(
        reference=reference,
        status=status,
        lines=tuple(ReservationLine(r.sku, r.location_id, r.quantity) for r in rows),
        expires_at=max(r.expires_at for r in rows),
    )


async def reserve(
    session: AsyncSession,
    reference: str,
    lines: Sequence[ReservationLine],
    now: datetime,
    expires_at: datetime,
) -> ReservationRecord:
    wanted = merged_lines(lines)
    if not wanted:
        raise BadUserInput("Nothing to reserve", argument="lines")
    for line in wanted:
        await _hold_line(session, reference, line, now, expires_at)
    # Lines of an earlier, given-back attempt that this one no longer wants are dropped,
    # so committing this hold can never take them.
    keep = {(line.location_id, line.sku) for line in wanted}
    stale = [
        row.id
        for row in await session.execute(
            select(_reservations.c.id, _reservations.c.location_id, _reservations.c.sku).where(
                _reservations.c.reference == reference, _reservations.c.status.in_(LAPSED)
            )
        )
        if (row.location_id, row.sku) not in keep
    ]
    if stale:
        await session.execute(delete(_reservations).where(_reservations.c.id.in_(stale)))
    (record,) = await read_reservations(session, [reference])
    assert record is not None
    return record


async def _transition(
    session: AsyncSession, condition: Any, status: str, now: datetime
) -> list[Row[Any]]:
    result = await session.execute(
        update(_reservations)
        .where(condition)
        .values(status=status, updated_at=now)
        .returning(_reservations.c.sku, _reservations.c.location_id, _reservations.c.quantity)
    )
    return list(result.all())


async def commit(session: AsyncSession, reference: str, now: datetime) -> None:
    held = await _transition(
        session,
        and_(_reservations.c.reference == reference, _reservations.c.status == HELD),
        COMMITTED,
        now,
    )
    await _move_stock(session, held, reserved=-1, on_hand=-1)
    if held:
        return
    lapsed = await _transition(
        session,
        and_(_reservations.c.reference == reference, _reservations.c.status.in_(LAPSED)),
        COMMITTED,
        now,
    )
    for row in sorted(lapsed, key=lambda r: (r.location_id, r.sku)):
        # The hold ran out before the commit: take the units only if they are still free.
        taken = await session.execute(
            update(_stock)
            .where(
                _stock.c.sku == row.sku,
                _stock.c.location_id == row.location_id,
                _atp >= row.quantity,
            )
            .values(on_hand=_stock.c.on_hand - row.quantity)
            .returning(_stock.c.sku)
        )
        if taken.first() is None:
            raise Conflict(
                f"The hold on {row.sku} at {row.location_id} expired and the stock is gone",
                sku=row.sku,
            )


async def release(session: AsyncSession, reference: str, now: datetime) -> None:
    held = await _transition(
        session,
        and_(_reservations.c.reference == reference, _reservations.c.status == HELD),
        RELEASED,
        now,
    )
    await _move_stock(session, held, reserved=-1, on_hand=0)


async def expire(
    session: AsyncSession,
    now: datetime,
    *,
    skus: set[str] | None = None,
    limit: int = 1000,
) -> int:
    """Expire holds past their time, all of them or only those of ``skus``.

    A hold whose checkout has taken payment, or whose order is placed, never expires: its
    units are sold, and the checkout's recovery commits it. The holds are locked first,
    skipping any another sweep or checkout is moving, so concurrent sweeps never wait on
    each other.
    """
    paid = exists().where(
        _checkouts.c.reservation_reference == _reservations.c.reference,
        _checkouts.c.status == "PENDING",
        _checkouts.c.step.in_(("PAID", "PLACED")),
    )
    placed = exists().where(_fulfillments.c.reservation_reference == _reservations.c.reference)
    stmt = select(_reservations.c.id).where(
        _reservations.c.status == HELD,
        _reservations.c.expires_at <= now,
        ~paid,
        ~placed,
    )
    if skus is not None:
        stmt = stmt.where(_reservations.c.sku.in_(skus))
    stmt = stmt.order_by(_reservations.c.id).limit(limit).with_for_update(skip_locked=True)
    ids = list(await session.scalars(stmt))
    if not ids:
        return 0
    expired = await _transition(
        session,
        and_(_reservations.c.id.in_(ids), _reservations.c.status == HELD),
        EXPIRED,
        now,
    )
    await _move_stock(session, expired, reserved=-1, on_hand=0)
    return len(expired)
