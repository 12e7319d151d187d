"""A freshly seeded store per test module, on SQLite and PostgreSQL, for tests that move
stock and place orders (the session's shared demo databases stay untouched)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from commercegraph.app import create_app
from commercegraph.store.db import Store, create_engine
from commercegraph.store.migrate import upgrade
from tests.conftest import (
    IN_CI,
    GraphQLClient,
    SeededDatabase,
    SigningUpClient,
    _pg_execute,
    _postgres_reachable,
    make_postgres_db,
    settings_for,
)

FRESH_CUSTOMERS = 5


def _seed(url: str) -> None:
    from commercegraph.demo import seed_demo

    upgrade(url)

    async def seed() -> None:
        store = Store(create_engine(url))
        try:
            now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            await seed_demo(store, customers=FRESH_CUSTOMERS, seed=3, now=now)
        finally:
            await store.dispose()

    asyncio.run(seed())


def postgres_or_skip() -> None:
    problem = _postgres_reachable()
    if problem:
        if IN_CI:
            pytest.fail(problem)
        pytest.skip(problem)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fresh_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SeededDatabase]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("fresh") / "fresh.db"
        url = f"sqlite+aiosqlite:///{path}"
        _seed(url)
        yield SeededDatabase("sqlite", url, datetime.now(UTC))
        return
    postgres_or_skip()
    url = make_postgres_db()
    try:
        _seed(url)
        yield SeededDatabase("postgresql", url, datetime.now(UTC))
    finally:
        asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))


@pytest_asyncio.fixture(scope="module")
async def fresh_gql(fresh_db: SeededDatabase) -> AsyncIterator[GraphQLClient]:
    settings = settings_for(fresh_db.url)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield SigningUpClient(http, settings, app.state.store)
    await app.state.store.dispose()


@pytest_asyncio.fixture(scope="module")
async def fresh_store(fresh_db: SeededDatabase) -> AsyncIterator[Store]:
    store = Store(create_engine(fresh_db.url))
    yield store
    await store.dispose()


async def stock_of(store: Store, sku: str, location_id: str) -> tuple[int, int, int]:
    """``(on_hand, reserved, safety_stock)`` as stored now."""
    from commercegraph.store import models as m

    async with store.read() as session:
        row = await session.get(m.Stock, (sku, location_id), populate_existing=True)
        assert row is not None
        return row.on_hand, row.reserved, row.safety_stock


async def set_stock(
    store: Store, sku: str, location_id: str, on_hand: int, reserved: int = 0, safety: int = 0
) -> None:
    from sqlalchemy import update

    from commercegraph.store import models as m

    async with store.write() as session:
        await session.execute(
            update(m.Stock)
            .where(m.Stock.sku == sku, m.Stock.location_id == location_id)
            .values(on_hand=on_hand, reserved=reserved, safety_stock=safety)
        )
