"""A small demo retailer of our own, on SQLite and PostgreSQL, that these tests may change
freely (segments, carts, lists, offers) without touching the shared seeded databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

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
    _pg_execute,
    _postgres_reachable,
    make_postgres_db,
    settings_for,
)

CUSTOMERS = 8


def _seed(url: str, now: datetime) -> None:
    from commercegraph.demo import seed_demo

    upgrade(url)

    async def seed() -> None:
        store = Store(create_engine(url))
        try:
            await seed_demo(store, customers=CUSTOMERS, seed=7, now=now)
        finally:
            await store.dispose()

    asyncio.run(seed())


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def p8_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> SeededDatabase:
    now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('p8') / 'p8.db'}"
    else:
        problem = _postgres_reachable()
        if problem:
            if IN_CI:
                pytest.fail(problem)
            pytest.skip(problem)
        url = make_postgres_db()
        name = url.rpartition("/")[2]
        request.addfinalizer(
            lambda: asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        )
    _seed(url, now)
    return SeededDatabase(request.param, url, now)


@pytest_asyncio.fixture(scope="session")
async def p8_store(p8_db: SeededDatabase) -> AsyncIterator[Store]:
    store = Store(create_engine(p8_db.url))
    yield store
    await store.dispose()


@pytest_asyncio.fixture(scope="session")
async def p8_gql(p8_db: SeededDatabase) -> AsyncIterator[GraphQLClient]:
    settings = settings_for(p8_db.url)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield GraphQLClient(http, settings)
    await app.state.store.dispose()
