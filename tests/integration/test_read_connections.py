"""The store's native reads share the few connections it keeps for them, across requests:
on SQLite and PostgreSQL, through the store directly and through GraphQL requests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from commercegraph.app import create_app
from commercegraph.auth import issue_token
from commercegraph.demo import DEVI_ID
from commercegraph.store import models as m
from commercegraph.store.db import Store
from tests.conftest import SeededDatabase, settings_for
from tests.factories import store_for

JOURNEY = """{ me { displayName wallet { balance { amount } paymentMethods { label } }
  loyalty { points } orders(first: 3) { totalCount edges { node { total { amount } } } }
  recentlyViewed(first: 3) { name price { final { amount } } } } }"""


@pytest_asyncio.fixture
async def store(seeded_db: SeededDatabase) -> AsyncIterator[Store]:
    store = store_for(seeded_db.url, db_pool_size=4)
    checkouts: list[int] = []
    event.listen(store.engine.sync_engine, "checkout", lambda *_: checkouts.append(1))
    store.checkouts = checkouts  # type: ignore[attr-defined]
    yield store
    await store.dispose()


def _checkouts(store: Store) -> int:
    return len(store.checkouts)  # type: ignore[attr-defined]


def _size(store: Store) -> int:
    return store.engine.sync_engine.pool.size()  # type: ignore[attr-defined, no-any-return]


async def test_reads_reuse_the_connections_kept_for_them(store: Store) -> None:
    count = select(func.count()).select_from(m.Product)
    pool = store.engine.sync_engine.pool
    one_by_one = [await store.rows(count) for _ in range(5)]
    assert _checkouts(store) == 1
    side_by_side = await asyncio.gather(*(store.rows(count) for _ in range(3)))
    taken = _checkouts(store)
    assert 1 < taken <= 3  # concurrent reads still run side by side
    again = await asyncio.gather(*(store.rows(count) for _ in range(3)))
    assert _checkouts(store) == taken  # and the store keeps them for the next reads
    assert pool.checkedout() == taken  # type: ignore[attr-defined]
    answers = [r[0][0] for r in one_by_one + side_by_side + again]
    assert answers == [answers[0]] * 11 and answers[0] > 0
    await store.dispose()
    assert pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_second_store_over_one_engine_gives_back_what_it_kept(store: Store) -> None:
    count = select(func.count()).select_from(m.Product)
    pool = store.engine.sync_engine.pool
    second = Store(store.engine)
    await asyncio.gather(*(second.rows(count) for _ in range(2)))
    assert pool.checkedout() >= 1  # type: ignore[attr-defined]
    await second.release()
    assert pool.checkedout() == 0  # type: ignore[attr-defined]
    assert (await store.rows(count))[0][0] > 0  # the engine stays open for the first store


async def test_at_most_half_the_pool_is_kept_and_more_reads_wait(store: Store) -> None:
    count = select(func.count()).select_from(m.Product)
    answers = await asyncio.gather(*(store.rows(count) for _ in range(4 * _size(store))))
    assert _checkouts(store) == _size(store) // 2
    assert len({a[0][0] for a in answers}) == 1


async def test_reads_see_what_was_committed_between_them(store: Store) -> None:
    count = select(func.count()).select_from(m.Brand)
    first = (await store.rows(count))[0][0]
    async with store.write() as session:  # another connection commits meanwhile
        await session.execute(insert(m.Brand).values(id="kept-brand", name="Kept"))
    second = (await store.rows(count))[0][0]
    async with store.write() as session:
        await session.execute(m.Brand.__table__.delete().where(m.Brand.id == "kept-brand"))
    assert second == first + 1


async def test_a_failed_read_does_not_spoil_the_next(store: Store) -> None:
    with pytest.raises(DBAPIError, match="no_such_table"):
        await store.rows(text("SELECT * FROM no_such_table"))
    good = await store.rows(select(func.count()).select_from(m.Product))
    assert good[0][0] > 0
    # the failed read's connection went back to the pool; the next read kept a fresh one
    assert store.engine.sync_engine.pool.checkedout() == 1  # type: ignore[attr-defined]


async def test_a_cancelled_read_gives_its_place_to_the_next(store: Store) -> None:
    count = select(func.count()).select_from(m.Product)
    reads = [asyncio.ensure_future(store.rows(count)) for _ in range(4 * _size(store))]
    await asyncio.sleep(0)
    for read in reads[1::2]:
        read.cancel()
    done = await asyncio.gather(*reads, return_exceptions=True)
    assert all(isinstance(d, asyncio.CancelledError) for d in done[1::2])
    assert len({d[0][0] for d in done[::2]}) == 1  # type: ignore[index]
    assert (await store.rows(count))[0][0] == done[0][0][0]  # type: ignore[index]
    assert store.engine.sync_engine.pool.checkedout() <= _size(store) // 2  # type: ignore[attr-defined]


async def test_a_busy_pool_is_not_held_from(store: Store) -> None:
    pool = store.engine.sync_engine.pool
    held = [await store.engine.connect() for _ in range(pool.size())]  # type: ignore[attr-defined]
    try:
        before = _checkouts(store)
        await asyncio.gather(*(store.rows(select(1)) for _ in range(3)))
        assert _checkouts(store) - before == 3  # each read took and returned its own
        assert pool.checkedout() == pool.size()  # type: ignore[attr-defined]
    finally:
        for conn in held:
            await conn.close()


async def test_journeys_in_flight_reuse_the_kept_connections(seeded_db: SeededDatabase) -> None:
    settings = settings_for(seeded_db.url)
    app = create_app(settings)
    store: Store = app.state.store
    statements: list[int] = []
    checkouts: list[int] = []
    engine = store.engine.sync_engine
    event.listen(engine, "before_cursor_execute", lambda *_: statements.append(1))
    event.listen(engine, "checkout", lambda *_: checkouts.append(1))
    token = issue_token(settings, subject=DEVI_ID, scope="customer")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        headers = {"Authorization": f"Bearer {token}"}

        async def journey() -> object:
            return (await http.post("/graphql", json={"query": JOURNEY}, headers=headers)).json()

        first = await journey()  # with the reads cached for the process (an ORM session)
        statements.clear()
        checkouts.clear()
        kept_before = engine.pool.checkedout()  # type: ignore[attr-defined]
        second = await journey()
        in_flight = [await asyncio.gather(*(journey() for _ in range(8))) for _ in range(3)]
    pool = engine.pool
    kept = pool.checkedout()  # type: ignore[attr-defined]
    await store.dispose()
    assert "errors" not in second, second
    assert second == first
    assert all(answer == first for answers in in_flight for answer in answers)
    assert len(statements) > 10
    # Every checkout after the first journey opened a connection the store kept: no read
    # took one of its own, however many journeys ran at once.
    assert len(checkouts) == kept - kept_before
    assert kept <= pool.size() // 2  # type: ignore[attr-defined]
    assert pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_kept_connection_the_server_dropped_reads_again(
    postgres_db: SeededDatabase,
) -> None:
    """Only a database server drops connections, so this runs on PostgreSQL alone."""
    store = store_for(postgres_db.url, db_pool_size=4)
    try:
        await _read_after_the_server_dropped_a_kept_connection(store)
    finally:
        await store.dispose()


async def _read_after_the_server_dropped_a_kept_connection(store: Store) -> None:
    count = select(func.count()).select_from(m.Product)
    pid = (await store.rows(text("SELECT pg_backend_pid()")))[0][0]
    async with store.engine.connect() as other:
        await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    assert (await store.rows(count))[0][0] > 0  # on a pooled connection, pinged first
    assert (await store.rows(text("SELECT pg_backend_pid()")))[0][0] != pid
