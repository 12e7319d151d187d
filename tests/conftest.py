"""Shared fixtures: migrated, seeded stores on SQLite and PostgreSQL, and app clients.

PostgreSQL tests run against a fresh database created for this test session (so parallel
runs never collide) and dropped at the end. When PostgreSQL is not reachable they skip
with the reason, except in CI (``CI=true``) where that is a failure. Everything is built
by ``tests/factories.py`` through the composition root; a test that needs a database of
its own asks that module too.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from commercegraph.config import Settings
from commercegraph.store.db import Store
from tests.factories import (
    IN_CI,
    POSTGRES_ADMIN_URL,
    SEED,
    SEED_CUSTOMERS,
    GraphQLClient,
    SeededDatabase,
    make_postgres_db,
    migrate_and_seed,
    open_gateway,
    require_postgres,
    settings_for,
)
from tests.factories import asyncpg_dsn as _asyncpg_dsn
from tests.factories import pg_execute as _pg_execute
from tests.factories import postgres_reachable as _postgres_reachable
from tests.factories import seed_now as _seed_now


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session."""
    require_postgres()
    url = make_postgres_db()
    try:
        yield url
    finally:
        asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)'))


def _migrate_and_seed(url: str) -> None:
    migrate_and_seed(url, customers=SEED_CUSTOMERS, seed=SEED, now=_seed_now())


@pytest.fixture(scope="session")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> SeededDatabase:
    path = tmp_path_factory.mktemp("sqlite") / "demo.db"
    url = f"sqlite+aiosqlite:///{path}"
    _migrate_and_seed(url)
    return SeededDatabase("sqlite", url, _seed_now())


@pytest.fixture(scope="session")
def postgres_db(postgres_url: str) -> SeededDatabase:
    _migrate_and_seed(postgres_url)
    return SeededDatabase("postgresql", postgres_url, _seed_now())


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def seeded_db(request: pytest.FixtureRequest) -> SeededDatabase:
    """The demo retailer, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_db")  # type: ignore[no-any-return]
    return request.getfixturevalue("postgres_db")  # type: ignore[no-any-return]


class SigningUpClient(GraphQLClient):
    """A client whose customer tokens name customers that exist, as a real sign-up would
    make them: an id first seen by ``token()`` gets its customer row before the next
    request (the gateway refuses mutations for a token whose customer does not exist)."""

    def __init__(self, http: httpx.AsyncClient, settings: Settings, store: Store) -> None:
        super().__init__(http, settings)
        self.store = store
        self.pending: set[str] = set()
        self.lock = asyncio.Lock()

    def token(self, customer_id: str | None = None, *, staff: bool = False) -> str:
        if customer_id is not None and not staff:
            self.pending.add(customer_id)
        return super().token(customer_id, staff=staff)

    async def post(self, query: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        async with self.lock:
            if self.pending:
                await sign_up(self.store, sorted(self.pending))
                self.pending.clear()
        return await super().post(query, *args, **kwargs)


async def sign_up(store: Store, customer_ids: list[str]) -> None:
    """Customer rows for the ids not yet in the store."""
    from sqlalchemy import select

    from commercegraph.store import models as m

    async with store.write() as session:
        existing = set(
            await session.scalars(select(m.Customer.id).where(m.Customer.id.in_(customer_ids)))
        )
        for cid in customer_ids:
            if cid not in existing:
                session.add(m.Customer(id=cid, display_name=cid, created_at=datetime.now(UTC)))


@pytest_asyncio.fixture(scope="session")
async def gql(seeded_db: SeededDatabase) -> AsyncIterator[GraphQLClient]:
    async with open_gateway(seeded_db) as client:
        yield client


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


__all__ = [
    "IN_CI",
    "POSTGRES_ADMIN_URL",
    "GraphQLClient",
    "SeededDatabase",
    "Settings",
    "_asyncpg_dsn",
    "_pg_execute",
    "_postgres_reachable",
    "make_postgres_db",
    "settings_for",
]
