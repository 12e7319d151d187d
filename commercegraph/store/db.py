"""Async engine and session factory; created only by the composition root."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy.ext.asyncio
from sqlalchemy import Executable, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, NullPool

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
        entity objects, for hot reads whose records are built from a few columns."""
        async with self.engine.connect() as conn:
            result = await conn.execute(statement)
            return result.all()

    async def ping(self) -> None:
        from sqlalchemy import text

        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
