"""Throw-away seeded stores for tests that write (events, links, merges): the
session-wide seeded databases stay untouched for everyone else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from commercegraph.app import create_app
from tests.conftest import (
    SEED,
    GraphQLClient,
    SeededDatabase,
    _migrate_and_seed,
    _pg_execute,
    _postgres_reachable,
    _seed_now,
    make_postgres_db,
    settings_for,
)

POS_KEY = "test-pos-key"
WEB_KEY = "test-web-key"
API_KEYS = {POS_KEY: "STORE", WEB_KEY: "WEB"}
FRESH_CUSTOMERS = 30


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fresh_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SeededDatabase]:
    """A demo store of this module's own, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("c360") / "fresh.db"
        url = f"sqlite+aiosqlite:///{path}"
        _migrate_and_seed(url)
        yield SeededDatabase("sqlite", url, _seed_now())
        return
    problem = _postgres_reachable()
    if problem:
        pytest.skip(problem)
    url = make_postgres_db()
    try:
        _migrate_and_seed(url)
        yield SeededDatabase("postgresql", url, _seed_now())
    finally:
        name = url.rsplit("/", 1)[1]
        asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class Client(GraphQLClient):
    async def events(
        self, body: Any, *, key: str | None = POS_KEY, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {}
        if key:
            headers["X-API-Key"] = key
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return await self.http.post("/events", json=body, headers=headers, **kwargs)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def client(fresh_db: SeededDatabase) -> AsyncIterator[Client]:
    settings = settings_for(fresh_db.url, events_api_keys=API_KEYS)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield Client(http, settings)
    await app.state.store.dispose()


__all__ = ["SEED"]
