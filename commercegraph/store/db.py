"""Async engine and session factory; created only by the composition root."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy.ext.asyncio
from sqlalchemy import Executable, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, NullPool, QueuePool

SQLITE_BUSY_TIMEOUT_MS = 30_000  # concurrent writers wait for the lock rather than fail


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, pool_size: int = 10, *, pooled: bool = True) -> AsyncEngine:
    """``pooled=False`` closes each connection after use (short-lived tools and tests)."""
    kwargs: dict[str, Any] = {}
    if not pooled:
        kwargs["poolclass"] = NullPool
    elif url.startswith("postgresql"):
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
    elif ":memory:" not in url and "mode=memory" not in url:
        # SQLite's default pool keeps 5: a request with more reads in flight opened (and
        # closed) overflow connections, each a thread and its PRAGMAs. Keep as many as
        # PostgreSQL would; a file connection is cheap to hold.
        kwargs.update(pool_size=pool_size, max_overflow=pool_size)
    # Looked up at call time, so the SQLAlchemy instrumentation's wrapper (installed by
    # configure_telemetry) gives every engine its db.* spans.
    engine = sqlalchemy.ext.asyncio.create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


class _Held:
    """One engine's connection held for a request's reads, and the lock that takes turns on it
    (a connection runs one statement at a time; the request's loaders run concurrently)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.lock = asyncio.Lock()
        self.conn: AsyncConnection | None = None
        self.spoilt: list[AsyncConnection] = []

    async def rows(self, statement: Executable) -> Sequence[Any]:
        async with self.lock:
            if self.conn is None:
                conn = await self.engine.connect()
                # Autocommit: no transaction stays open between statements, so every read
                # sees what the request (or anyone) committed just before, as a read on its
                # own connection did, and returning the connection needs no rollback.
                self.conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            conn = self.conn
            try:
                result = await conn.execute(statement)
                return result.all()
            except BaseException:
                # a failed or cancelled statement may leave the connection mid-result: the
                # next read takes a fresh one, this one is closed with the scope
                self.conn = None
                self.spoilt.append(conn)
                raise

    async def aclose(self) -> None:
        async with self.lock:
            conns = [*self.spoilt, *([self.conn] if self.conn is not None else [])]
            self.conn, self.spoilt = None, []
        for conn in conns:
            try:
                await conn.close()
            except Exception:  # a broken connection is dropped from the pool instead
                await conn.invalidate()


class ReadScope:
    """A request's native reads (``Store.rows``) share one pooled connection per engine,
    taken at the first read and returned when the request ends, instead of checking one out
    and back in (a rollback, and with aiosqlite a round trip to its thread each way) for
    every read. Only a queue pool with a connection to spare is held from: a request never
    takes the last ones, so requests that also open sessions cannot starve each other."""

    def __init__(self) -> None:
        self._held: dict[AsyncEngine, _Held | None] = {}
        self.closed = False

    def held(self, engine: AsyncEngine) -> _Held | None:
        if self.closed:
            return None
        if engine in self._held:
            return self._held[engine]
        pool = engine.sync_engine.pool
        spare = isinstance(pool, QueuePool) and pool.checkedout() < pool.size()
        held = _Held(engine) if spare else None
        self._held[engine] = held
        return held

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

    async def rows(self, statement: Executable) -> Sequence[Any]:
        """A read's rows straight off a pooled connection: no session, no identity map, no
        entity objects, for hot reads whose records are built from a few columns. Inside a
        ``read_scope`` the request's connection serves it."""
        scope = _READ_SCOPE.get()
        held = scope.held(self.engine) if scope is not None else None
        if held is not None:
            return await held.rows(statement)
        async with self.engine.connect() as conn:
            result = await conn.execute(statement)
            return result.all()

    async def ping(self) -> None:
        from sqlalchemy import text

        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
