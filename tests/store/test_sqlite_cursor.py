"""On SQLite each statement is one round trip to aiosqlite's thread (a hot read none), and
still answers rows, row counts, new keys and errors as the driver does; transactions still
roll back."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection

from commercegraph.store import sqlite_cursor
from commercegraph.store.db import Store
from commercegraph.store.plain_reads import PlainRead
from tests.factories import store_for

metadata = MetaData()
items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
)


@pytest_asyncio.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = store_for(f"sqlite+aiosqlite:///{tmp_path / 'cursor.db'}")
    async with store.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield store
    await store.dispose()


async def _trips(conn: AsyncConnection) -> list[str]:
    """Records each call the connection hands to aiosqlite's thread."""
    driver: Any = (await conn.get_raw_connection()).driver_connection
    seen: list[str] = []
    execute: Callable[..., Any] = driver._execute

    async def counted(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await execute(fn, *args, **kwargs)

    driver._execute = counted
    return seen


async def test_a_read_is_one_trip_to_the_driver_thread(store: Store) -> None:
    async with store.engine.connect() as conn:
        await conn.execute(insert(items), [{"name": "a"}, {"name": "b"}])
        trips = await _trips(conn)
        rows = (await conn.execute(select(items.c.name).order_by(items.c.name))).all()
        assert [r.name for r in rows] == ["a", "b"]
        assert len(trips) == 1
        await conn.rollback()


async def test_writes_answer_row_counts_and_new_keys(store: Store) -> None:
    async with store.engine.begin() as conn:
        result = await conn.execute(insert(items).values(name="first"))
        assert result.inserted_primary_key == (1,)
        many = await conn.execute(insert(items), [{"name": "x"}, {"name": "y"}, {"name": "z"}])
        assert many.rowcount == 3
        renamed = await conn.execute(
            update(items).where(items.c.name.in_(["x", "y"])).values(name=items.c.name + "!")
        )
        assert renamed.rowcount == 2
    assert [r[0] for r in await store.rows(select(items.c.name).order_by(items.c.id))] == [
        "first",
        "x!",
        "y!",
        "z",
    ]


async def test_a_rolled_back_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(IntegrityError):
        async with store.write() as session:
            await session.execute(insert(items).values(name="kept?"))
            await session.execute(insert(items).values(name="kept?"))
    assert await store.rows(select(items.c.id)) == []


async def test_driver_errors_arrive_as_before(store: Store) -> None:
    with pytest.raises(OperationalError, match="no such table"):
        await store.rows(text("SELECT * FROM missing"))
    async with store.engine.connect() as conn:  # the connection is still usable after
        assert (await conn.execute(text("SELECT 1"))).scalar() == 1


class _CountedQueue:
    """Stands in front of an aiosqlite connection's queue to its thread: counts hand-offs."""

    def __init__(self, queue: Any, seen: list[str]) -> None:
        self.queue, self.seen = queue, seen

    def put_nowait(self, item: Any) -> None:
        self.seen.append(getattr(item[1], "__name__", repr(item[1])))
        self.queue.put_nowait(item)


def _count_trips(store: Store) -> list[str]:
    """Every hand-off to a pooled connection's thread from its next checkout on: statements,
    isolation-level changes, rollbacks and commits alike."""
    seen: list[str] = []

    def checkout(dbapi_connection: Any, *_: Any) -> None:
        driver = dbapi_connection.driver_connection
        if not isinstance(driver._tx, _CountedQueue):
            driver._tx = _CountedQueue(driver._tx, seen)

    event.listen(store.engine.sync_engine, "checkout", checkout)
    return seen


async def test_kept_reads_take_one_trip_each(store: Store) -> None:
    """No isolation level is switched for the connections kept for reads, and a read gives
    its connection back without a rollback's trip."""
    trips = _count_trips(store)
    await store.rows(select(items.c.id))  # opens the first kept connection
    async with store.write() as session:
        await session.execute(insert(items).values(name="seen"))
    trips.clear()
    for _ in range(3):
        assert [r.name for r in await store.rows(select(items.c.name))] == ["seen"]
    side_by_side = await asyncio.gather(*(store.rows(select(items.c.id)) for _ in range(2)))
    assert side_by_side == [[(1,)], [(1,)]]
    assert len(trips) == 5, trips
    trips.clear()
    async with store.read() as session:  # an ORM read: its statement, no rollback after
        assert (await session.execute(select(items.c.name))).scalars().all() == ["seen"]
    assert len(trips) == 1, trips


async def test_reads_leave_writes_their_transactions(store: Store) -> None:
    await asyncio.gather(*(store.rows(select(items.c.id)) for _ in range(3)))
    async with store.engine.connect() as conn:
        assert (await conn.get_raw_connection()).driver_connection.isolation_level == ""
        await conn.execute(insert(items).values(name="undone"))
        await conn.rollback()
    assert await store.rows(select(items.c.id)) == []
    with pytest.raises(IntegrityError):
        async with store.write() as session:
            await session.execute(insert(items).values(name="once"))
            await session.execute(insert(items).values(name="once"))
    assert await store.rows(select(items.c.id)) == []


_ON_THREAD = PlainRead(select(func.thread_id()))
_NAMES = PlainRead(select(items.c.name).where(items.c.id.in_(bindparam("ids", expanding=True))))


async def test_a_plain_read_runs_on_the_event_loops_thread(store: Store) -> None:
    """A hot read takes no trip to aiosqlite's thread; other reads, writes and the same
    connection's next statements still do."""

    def thread_id(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.driver_connection._conn.create_function(
            "thread_id", 0, threading.get_ident
        )

    event.listen(store.engine.sync_engine, "checkout", thread_id)
    trips = _count_trips(store)
    async with store.write() as session:
        await session.execute(insert(items), [{"name": "a"}, {"name": "b"}])
    trips.clear()
    assert await store.plain(_ON_THREAD) == [(threading.get_ident(),)]
    assert await store.plain(_NAMES, {"ids": [2, 1, 9]}) == [("a",), ("b",)]
    assert trips == []
    (elsewhere,) = await store.rows(select(func.thread_id()))
    assert elsewhere[0] != threading.get_ident()
    assert len(trips) == 1, trips
    with pytest.raises(OperationalError, match="no such function"):
        await store.plain(PlainRead(select(func.missing_function())))
    assert await store.plain(_NAMES, {"ids": [1]}) == [("a",)]  # a new connection, no trip
    assert len(trips) == 1, trips


def _with_thread_id(store: Store) -> None:
    def thread_id(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.driver_connection._conn.create_function(
            "thread_id", 0, threading.get_ident
        )

    event.listen(store.engine.sync_engine, "checkout", thread_id)


# Counts to 200,000 in SQLite: far more steps than a read may take on the event loop's thread.
_LONG = PlainRead(
    select(
        func.thread_id(),
        literal_column(
            "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)"
            " SELECT count(*) FROM n)"
        ).label("counted"),
    )
)


async def test_a_long_plain_read_is_stopped_and_run_on_the_drivers_thread(store: Store) -> None:
    _with_thread_id(store)
    trips = _count_trips(store)
    assert await store.plain(_ON_THREAD) == [(threading.get_ident(),)]  # a short one stays
    assert trips == []
    ((ran_on, counted),) = await store.plain(_LONG)
    assert counted == 200_000
    assert ran_on != threading.get_ident()
    assert len(trips) == 1, trips
    assert await store.plain(_ON_THREAD) == [(threading.get_ident(),)]  # and the next stays


def test_an_inline_statement_never_waits_for_a_lock(tmp_path: Path) -> None:
    """Where another connection holds the database, a statement run inline gives up at once
    (to run again on the driver's thread); there it waits for the lock as every statement
    does. Rollback-journal mode, where a writer's exclusive lock keeps readers out."""
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (v TEXT)")
    holder.execute("INSERT INTO t VALUES ('before')")
    reader = sqlite3.connect(path, check_same_thread=False)
    reader.execute(sqlite_cursor._NO_WAIT)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO t VALUES ('held')")
    started = time.perf_counter()
    assert sqlite_cursor._execute_inline(reader, "SELECT v FROM t", None) is None
    assert time.perf_counter() - started < 0.1
    timer = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    timer.start()
    _, _, _, rows = sqlite_cursor._execute_waiting(reader, "SELECT v FROM t", None, False)
    timer.join()
    assert rows == [("before",), ("held",)]
    assert time.perf_counter() - started >= 0.3
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        sqlite_cursor._execute_inline(reader, "SELECT v FROM missing", None)
    holder.close()
    reader.close()
