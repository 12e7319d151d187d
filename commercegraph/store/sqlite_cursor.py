"""aiosqlite connections whose statements each take one round trip to the driver's thread.

aiosqlite runs every call on the connection's own thread; SQLAlchemy's adapter makes four
such calls per statement (open a cursor, execute, fetch, close), each a hand-off through a
queue and a wake-up of the event loop. This cursor does the four in one call on that thread
and answers ``description``, ``rowcount`` and ``lastrowid`` from what it saw there. Server-side
cursors keep the adapter's own. A hot read's statement takes no trip at all (``run_inline``),
as long as it stays short and meets no lock.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.connectors.asyncio import (
    AsyncAdapt_dbapi_connection,
    AsyncIODBAPIConnection,
    AsyncIODBAPICursor,
)
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.pool import ConnectionPoolEntry

_Outcome = tuple[Any, int, int | None, list[Any]]

SQLITE_BUSY_TIMEOUT_MS = 30_000  # concurrent writers wait for the lock rather than fail
# SQLite virtual-machine steps a statement may take on the event loop's thread before it is
# stopped and run again on the driver's: about 0.5 ms at 36 M steps a second; a hot read
# (a few index look-ups) takes hundreds.
INLINE_STEPS = 20_000
_NO_WAIT = "PRAGMA busy_timeout=0"
_WAIT = f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"
# What an inline statement meets when it ran out of steps or found the database locked:
# nothing was read or changed, so it runs again on the driver's thread, where it may wait.
_HAND_OVER = frozenset({sqlite3.SQLITE_INTERRUPT, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def _execute(conn: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _stop() -> int:
    return 1  # called once ``INLINE_STEPS`` have run: interrupt the statement


def _execute_waiting(
    conn: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> _Outcome:
    """On the driver's thread, after an inline read left the connection not waiting for
    locks: wait again, as every other statement does."""
    conn.execute(_WAIT)
    return _execute(conn, operation, parameters, many)


def _execute_inline(conn: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome | None:
    """One read on the event loop's thread, bounded: None when it should run on the
    driver's thread instead (too long, or the database was locked)."""
    conn.set_progress_handler(_stop, INLINE_STEPS)
    try:
        return _execute(conn, operation, parameters, False)
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode in _HAND_OVER:
            return None
        raise
    finally:
        conn.set_progress_handler(None, 0)


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        super().__init__(adapt_connection)
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    def _make_new_cursor(self, connection: AsyncIODBAPIConnection) -> AsyncIODBAPICursor:
        return None  # type: ignore[return-value]  # opened on the driver's thread per statement

    def _aenter_cursor(self, cursor: AsyncIODBAPICursor) -> AsyncIODBAPICursor:
        return cursor

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        """Nothing to close: the driver's cursor was closed on its thread."""

    async def _run(self, operation: Any, parameters: Any, many: bool) -> None:
        adapted: Any = self._adapt_connection
        driver: Any = self._connection  # aiosqlite.Connection: its queue and sqlite3 handle
        outcome: _Outcome | None = None
        if adapted.inline and not many and not adapted._execute_mutex.locked():
            if adapted.waits_for_locks:  # the event loop never waits for another's lock
                driver._conn.execute(_NO_WAIT)
                adapted.waits_for_locks = False
            outcome = _execute_inline(driver._conn, operation, parameters)
        if outcome is None:
            run = _execute
            if not adapted.waits_for_locks:
                run = _execute_waiting
                adapted.waits_for_locks = True
            async with adapted._execute_mutex:
                outcome = await driver._execute(run, driver._conn, operation, parameters, many)
        self._description, self._rowcount, self._lastrowid, rows = outcome
        self._rows = collections.deque(rows)

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._run(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Sequence[Any]) -> None:
        await self._run(operation, seq_of_parameters, many=True)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """Ending a transaction that SQLite never opened takes no trip to the driver's thread.

    ``sqlite3`` opens one only before a write, so a connection that only read (a pooled
    connection going back to the pool, a read-only session closing) has nothing to roll back
    or commit; the driver would do nothing there either. ``in_transaction`` is read from the
    loop's thread while no statement runs on the connection: SQLAlchemy ends a transaction
    only after its statements have been awaited."""

    __slots__ = ("inline", "waits_for_locks")
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        # Set by ``Store.plain`` around a hot read: its statement runs on the event loop's
        # own thread (see ``run_inline``).
        self.inline = False
        # Whether SQLite waits for another connection's lock (``SQLITE_BUSY_TIMEOUT_MS``):
        # not while reads run inline, again before any statement on the driver's thread.
        self.waits_for_locks = True

    def _in_transaction(self) -> bool:
        conn: sqlite3.Connection | None = self._connection._connection
        return conn is None or conn.in_transaction  # closed: the adapter's own answer

    def rollback(self) -> None:
        if self._in_transaction():
            super().rollback()

    def commit(self) -> None:
        if self._in_transaction():
            super().commit()


def connect(
    dialect: Dialect, _: ConnectionPoolEntry, cargs: tuple[Any, ...], cparams: dict[str, Any]
) -> OneTripConnection:
    """A ``do_connect`` listener: the adapter's own connection, with the one-trip cursor."""
    dbapi = dialect.loaded_dbapi
    adapted: AsyncAdapt_aiosqlite_connection = dbapi.connect(*cargs, **cparams)
    return OneTripConnection(dbapi, adapted._connection)


@contextmanager
def run_inline(conn: AsyncConnection) -> Iterator[None]:
    """Statements run meanwhile on ``conn`` (one read's, holding the connection alone) go
    to SQLite from the event loop's thread instead of aiosqlite's.

    A hot read is a few index look-ups: SQLite answers it in 5-10 us, where the trip to the
    driver's thread and back (a queue, a wake-up of that thread, then of the event loop
    through its self-pipe) costs about 60 us of CPU more. The connection is opened with
    ``check_same_thread=False``; the statement starts only when no other call runs on it.
    The event loop is never held long: a statement that takes more than ``INLINE_STEPS``
    steps, or finds the database locked (it does not wait for the lock there), is stopped
    and run again on the driver's thread, waiting there as any statement does. Any other
    connection, or driver, is left as it is."""
    raw = conn.sync_connection.connection.dbapi_connection if conn.sync_connection else None
    if not isinstance(raw, OneTripConnection):
        yield
        return
    raw.inline = True
    try:
        yield
    finally:
        raw.inline = False
