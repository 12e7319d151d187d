"""Async engine and session factory; created only by the composition root."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy.ext.asyncio
from sqlalchemy import Executable, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, NullPool, QueuePool

from commercegraph.store import sqlite_cursor

SQLITE_BUSY_TIMEOUT_MS = 30_000  # concurrent writers wait for the lock rather than fail


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


Params = Mapping[str, Any] | None
Rows = Callable[[Executable, Params], Awaitable[Sequence[Any]]]  # ``Store.rows``

HELD_PER_REQUEST = 4  # connections a request keeps for its concurrent reads, at most


def _has_spare(engine: AsyncEngine) -> bool:
    pool = engine.sync_engine.pool
    return isinstance(pool, QueuePool) and pool.checkedout() < pool.size()


async def _autocommit(engine: AsyncEngine) -> AsyncConnection:
    """A connection on which no transaction stays open between statements, so every read
    sees what the request (or anyone) committed just before, as a read on its own connection
    did, and handing the connection to the next read needs no rollback.

    SQLite's driver is that already: Python's ``sqlite3`` opens a transaction only before a
    write, never for a ``SELECT``. Switching it to autocommit and back would cost three
    trips to aiosqlite's thread per connection held (the level, then on return the level
    and a ``PRAGMA``) for nothing. PostgreSQL needs the switch (else every read opens a
    transaction with ``BEGIN`` and ends it with a rollback); there it is a flag on the
    driver's connection, with no round trip."""
    conn = await engine.connect()
    if engine.dialect.name == "sqlite":
        return conn
    return await conn.execution_options(isolation_level="AUTOCOMMIT")


class _Held:
    """One engine's connections kept for a request's reads. A read takes a free one, or
    opens one more while the request holds fewer than ``HELD_PER_REQUEST`` and the pool has
    connections to spare; otherwise it takes and returns a pooled one of its own, as every
    read did before. Concurrent reads thus still run side by side."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.free: list[AsyncConnection] = []
        self.held = 0
        self.closed = False

    async def rows(self, statement: Executable, params: Params = None) -> Sequence[Any]:
        if self.free:
            conn = self.free.pop()
        elif self.held < HELD_PER_REQUEST and _has_spare(self.engine):
            self.held += 1
            try:
                conn = await _autocommit(self.engine)
            except BaseException:
                self.held -= 1
                raise
        else:
            async with self.engine.connect() as own:
                return (await own.execute(statement, params)).all()
        try:
            rows = (await conn.execute(statement, params)).all()
        except BaseException:
            # a failed or cancelled statement may leave the connection mid-result: drop it
            self.held -= 1
            await _close(conn)
            raise
        if self.closed:  # the request ended while this read ran
            await _close(conn)
        else:
            self.free.append(conn)
        return rows

    async def aclose(self) -> None:
        self.closed = True
        conns, self.free = self.free, []
        for conn in conns:
            await _close(conn)


async def _close(conn: AsyncConnection) -> None:
    try:
        await conn.close()
    except Exception:  # a broken connection is dropped from the pool instead
        await conn.invalidate()


class ReadScope:
    """A request's native reads (``Store.rows``) share a few pooled connections per engine,
    taken as its reads first need them and returned when the request ends, instead of
    checking one out and back in (a rollback, and with aiosqlite a round trip to its thread
    each way) for every read. Only a queue pool with connections to spare is held from, so a
    request never takes the last ones and requests that also open sessions cannot starve
    each other."""

    def __init__(self) -> None:
        self._held: dict[AsyncEngine, _Held | None] = {}
        self.closed = False

    def held(self, engine: AsyncEngine) -> _Held | None:
        if self.closed:
            return None
        if engine not in self._held:
            pool = engine.sync_engine.pool
            self._held[engine] = _Held(engine) if isinstance(pool, QueuePool) else None
        return self._held[engine]

    async def aclose(self) -> None:
        self.closed = True
        for held in self._held.values():
            if held is not None:
                await held.aclose()


_READ_SCOPE: ContextVar[ReadScope | None] = ContextVar("commercegraph_read_scope", default=None)


@asynccontextmanager
async def read_scope() -> AsyncIterator[ReadScope]:
    """Around one request: its ``Store.rows`` reads (in this task and the tasks it starts,
    such as DataLoader batches) share one connection per engine until it ends."""
    scope = ReadScope()
    token = _READ_SCOPE.set(scope)
    try:
        yield scope
    finally:
        _READ_SCOPE.reset(token)
        await scope.aclose()


class Store:
    """The engine plus a session factory, shared by the native adapters."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)

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
        """A read's rows straight off a pooled connection: no session, no identity map, no
        entity objects, for hot reads whose records are built from a few columns. Inside a
        ``read_scope`` the request's connection serves it. ``params`` fill the statement's
        ``bindparam``s, so a hot read's statement can be built once and reused."""
        scope = _READ_SCOPE.get()
        held = scope.held(self.engine) if scope is not None else None
        if held is not None:
            return await held.rows(statement, params)
        async with self.engine.connect() as conn:
            result = await conn.execute(statement, params)
            return result.all()

    async def ping(self) -> None:
        from sqlalchemy import text

        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
