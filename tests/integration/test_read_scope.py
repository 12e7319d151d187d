"""A request's native reads share one pooled connection: on SQLite and PostgreSQL, through
the store directly and through a GraphQL request."""

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
from commercegraph.store.db import Store, read_scope
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


async def test_reads_in_a_scope_reuse_the_connections_they_took(store: Store) -> None:
    count = select(func.count()).select_from(m.Product)
    alone = (await store.rows(count))[0][0]
    pool = store.engine.sync_engine.pool
    before = _checkouts(store)
    async with read_scope():
        one_by_one = [await store.rows(count) for _ in range(5)]
        assert _checkouts(store) - before == 1
        side_by_side = await asyncio.gather(*(store.rows(count) for _ in range(3)))
        taken = _checkouts(store) - before
        assert 1 < taken <= 3  # concurrent reads still run side by side
        again = await asyncio.gather(*(store.rows(count) for _ in range(3)))
        assert _checkouts(store) - before == taken  # and the request keeps them
        assert pool.checkedout() == taken  # type: ignore[attr-defined]
    assert [r[0][0] for r in one_by_one + side_by_side + again] == [alone] * 11
    assert pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_reads_in_a_scope_see_what_was_committed_between_them(store: Store) -> None:
    count = select(func.count()).select_from(m.Brand)
    async with read_scope():
        first = (await store.rows(count))[0][0]
        async with store.write() as session:  # another connection commits meanwhile
            await session.execute(insert(m.Brand).values(id="scope-brand", name="Scope"))
        second = (await store.rows(count))[0][0]
    async with store.write() as session:
        await session.execute(m.Brand.__table__.delete().where(m.Brand.id == "scope-brand"))
    assert second == first + 1


async def test_a_failed_read_does_not_spoil_the_next(store: Store) -> None:
    async with read_scope():
        with pytest.raises(DBAPIError, match="no_such_table"):
            await store.rows(text("SELECT * FROM no_such_table"))
        good = await store.rows(select(func.count()).select_from(m.Product))
    assert good[0][0] > 0
    assert store.engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_busy_pool_is_not_held_from(store: Store) -> None:
    pool = store.engine.sync_engine.pool
    held = [await store.engine.connect() for _ in range(pool.size())]  # type: ignore[attr-defined]
    try:
        before = _checkouts(store)
        async with read_scope():
            await asyncio.gather(*(store.rows(select(1)) for _ in range(3)))
        assert _checkouts(store) - before == 3  # each read took and returned its own
    finally:
        for conn in held:
            await conn.close()


async def test_a_graphql_request_reads_through_one_connection(seeded_db: SeededDatabase) -> None:
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
        first = (await http.post("/graphql", json={"query": JOURNEY}, headers=headers)).json()
        statements.clear()
        checkouts.clear()
        second = (await http.post("/graphql", json={"query": JOURNEY}, headers=headers)).json()
    await store.dispose()
    assert "errors" not in second, second
    assert second == first
    # Every read of the journey goes through the request's connections, which the reads after
    # them reuse; reads that find all of them busy take one of their own. The journey's reads
    # come in waves of up to nine at once (the customer beside its order statistics, then the
    # views, segments, loyalty and rules...), so about half the reads need a checkout.
    assert len(checkouts) < len(statements) * 2 / 3, (len(checkouts), len(statements))
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
