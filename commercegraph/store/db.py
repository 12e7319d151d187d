"""Async engine and session factory; created only by the composition root."""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import sqlalchemy.ext.asyncio
from sqlalchemy import Executable, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, NullPool, QueuePool

from commercegraph.store import sqlite_cursor
from commercegraph.store.plain_reads import PlainRead
from commercegraph.store.sqlite_cursor import SQLITE_BUSY_TIMEOUT_MS


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


SQLITE_POOL_FACTOR = 3  # SQLite keeps this many times ``db_pool_size`` connections


def create_engine(url: str, pool_size: int = 10, *, pooled: bool = True) -> AsyncEngine:
    """``pooled=False`` closes each connection after use (short-lived tools and tests)."""
    kwargs: dict[str, Any] = {}
    if not pooled:
        kwargs["poolclass"] = NullPool
    elif url.startswith("postgresql"):
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
    elif ":memory:" not in url and "mode=memory" not in url:
        # A connection the pool cannot keep is closed when returned, and the next burst
        # opens another: a thread and its PRAGMAs each time. At eight journeys in flight a
        # pool of 10 (+10 overflow) opened about one a request, and a journey cost 19-23 ms
        # of CPU against 12 one at a time; three times as many kept cut the openings to a
        # tenth and the CPU to 13-19 ms (two workers: 121 -> 147 journeys/s). A file
        # connection is cheap to hold (a waiting thread and the pages it has read), unlike
        # a PostgreSQL one, a server process each.
        kept = pool_size * SQLITE_POOL_FACTOR
        kwargs.update(pool_size=kept, max_overflow=kept)
    # Looked up at call time, so the SQLAlchemy instrumentation's wrapper (installed by
    # configure_telemetry) gives every engine its db.* spans.
    engine = sqlalchemy.ext.asyncio.create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        if engine.dialect.driver == "aiosqlite":
            event.listen(engine.sync_engine, "do_connect", sqlite_cursor.connect)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


T = TypeVar("T")
Params = Mapping[str, Any] | None


def _has_spare(engine: AsyncEngine) -> bool:
    pool = engine.sync_engine.pool
    return isinstance(pool, QueuePool) and pool.checkedout() < pool.size()


def _kept_at_most(engine: AsyncEngine) -> int:
    """Half the pool, so that sessions (writes, ORM reads) always find the other half."""
    pool = engine.sync_engine.pool
    return pool.size() // 2 if isinstance(pool, QueuePool) else 0


async def _autocommit(engine: AsyncEngine) -> AsyncConnection:
    """A connection on which no transaction stays open between statements, so every read
    sees what was committed just before it, as a read on its own connection did, and
    handing the connection to the next read needs no rollback.

    SQLite's driver is that already: Python's ``sqlite3`` opens a transaction only before a
    write, never for a ``SELECT``. Switching it to autocommit and back would cost three
    trips to aiosqlite's thread per connection (the level, then on return the level and a
    ``PRAGMA``) for nothing. PostgreSQL needs the switch (else every read opens a
    transaction with ``BEGIN`` and ends it with a rollback); there it is a flag on the
    driver's connection, with no round trip."""
    conn = await engine.connect()
    if engine.dialect.name == "sqlite":
        return conn
    return await conn.execution_options(isolation_level="AUTOCOMMIT")


class _Readers:
    """Connections the store keeps checked out for ``Store.rows``, shared by every request.

    A read takes a free one and gives it back as soon as its rows are in, so the process
    needs as many as it has reads running at once, not as many as requests each hold. A
    checkout and its return cost 120 us of CPU on aiosqlite (the SQLAlchemy
    instrumentation's pool metrics included) and about 250 us on PostgreSQL (its pre-ping
    is a round trip); a journey made six. Kept per request instead (four each), eight
    journeys in flight wanted more than the pool keeps, and it opened and closed
    connections 13-45 times per 200 journeys on SQLite (a thread and four PRAGMAs each),
    63-87 times on PostgreSQL.

    When all kept ones are busy, a read opens one more while the pool has connections to
    spare, up to half the pool (sessions, writes among them, always find the other half);
    past that it waits for the next one given back (on PostgreSQL's default pool, five kept
    connections served eight journeys in flight at 81 a second, where checkouts of their
    own gave 26-35). Connections belong to the event loop that opened
    them: on another loop, reads take and return pooled ones of their own."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.free: list[AsyncConnection] = []
        self.waiting: collections.deque[asyncio.Future[AsyncConnection | None]] = (
            collections.deque()
        )
        self.kept = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.closed = False

    async def run(self, read: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        conn = await self._take()
        if conn is None:
            return await _own(self.engine, read)
        try:
            answer = await read(conn)
        except BaseException as exc:
            # a failed or cancelled statement may leave the connection mid-result: drop it
            self._dropped()
            await _close(conn)
            if isinstance(exc, DBAPIError) and exc.connection_invalidated:
                # a kept connection is not pinged: one the server dropped while it sat here
                # gets the read again on a pooled connection, which the pool pings first
                return await _own(self.engine, read)
            raise
        if self.closed:  # the store was disposed of while this read ran
            self.kept -= 1
            await _close(conn)
        else:
            self._give(conn)
        return answer

    async def _take(self) -> AsyncConnection | None:
        """A kept connection, or None for a read that takes a pooled one of its own."""
        loop = asyncio.get_running_loop()
        while not self.closed:
            if self.loop is not loop:
                if self.kept:
                    return None
                self.loop = loop
            if self.free:
                return self.free.pop()
            if self.kept < _kept_at_most(self.engine) and _has_spare(self.engine):
                self.kept += 1
                try:
                    return await _autocommit(self.engine)
                except BaseException:
                    self._dropped()
                    raise
            if not self.kept:
                return None
            waiter: asyncio.Future[AsyncConnection | None] = loop.create_future()
            self.waiting.append(waiter)
            try:
                conn = await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled() and waiter.result() is not None:
                    self._give(waiter.result())  # handed over as this read was cancelled
                raise
            if conn is not None:
                return conn
        return None

    def _give(self, conn: AsyncConnection | None) -> None:
        """To the read waiting longest, else back to the free ones; None tells a waiting
        read that a kept connection was dropped, so it may open another."""
        while self.waiting:
            waiter = self.waiting.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        if conn is not None:
            self.free.append(conn)

    def _dropped(self) -> None:
        self.kept -= 1
        self._give(None)

    async def aclose(self) -> None:
        self.closed = True
        conns, self.free = self.free, []
        self.kept -= len(conns)
        while self.waiting:
            self._give(None)
        for conn in conns:
            await _close(conn)


async def _own(engine: AsyncEngine, read: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    async with engine.connect() as conn:
        return await read(conn)


async def _close(conn: AsyncConnection) -> None:
    try:
        await conn.close()
    except Exception:  # a broken connection is dropped from the pool instead
        await conn.invalidate()


class Store:
    """The engine plus a session factory, shared by the native adapters."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._readers = _Readers(engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session, session.begin():
            yield session

    async def rows(self, statement: Executable, params: Params = None) -> Sequence[Any]:
        """A read's rows straight off a connection the store keeps for reads: no session,
        no identity map, no entity objects, for hot reads whose records are built from a
        few columns. Each read sees what was committed before it. ``params`` fill the
        statement's ``bindparam``s, so a hot read's statement can be built once and
        reused."""

        async def read(conn: AsyncConnection) -> Sequence[Any]:
            return (await conn.execute(statement, params)).all()

        return await self._readers.run(read)

    async def plain(self, read: PlainRead, params: Params = None) -> list[Any]:
        """A hot read's rows as the driver's tuples, through the same kept connections as
        ``rows``: its statement compiled once, no ``Row`` objects (see ``plain_reads``)."""
        compiled = read.compiled(self.engine.dialect)
        text, values = compiled.bind(params or {})

        async def run(conn: AsyncConnection) -> list[Any]:
            with sqlite_cursor.run_inline(conn):
                return compiled.rows(await conn.exec_driver_sql(text, values))

        return await self._readers.run(run)

    async def ping(self) -> None:
        from sqlalchemy import text

        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def release(self) -> None:
        """Give back the connections kept for reads, leaving the engine open: for a second
        store over another's engine, whose connections would otherwise be dropped
        unreturned when it is collected."""
        await self._readers.aclose()

    async def dispose(self) -> None:
        await self.release()
        await self.engine.dispose()
