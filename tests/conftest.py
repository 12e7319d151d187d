"""Shared fixtures: migrated, seeded stores on SQLite and PostgreSQL, and app clients.

PostgreSQL tests run against a fresh database created for this test session (so parallel
runs never collide) and dropped at the end. When PostgreSQL is not reachable they skip
with the reason, except in CI (``CI=true``) where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from commercegraph import bootstrap
from commercegraph.app import create_app
from commercegraph.auth import issue_token
from commercegraph.config import Settings
from commercegraph.store.db import Store
from commercegraph.store.migrate import upgrade

POSTGRES_ADMIN_URL = os.environ.get(
    "CG_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
SEED_CUSTOMERS = 40
SEED = 42


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _pg_execute(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _postgres_reachable() -> str | None:
    try:
        asyncio.run(_pg_execute("SELECT 1"))
    except Exception as exc:  # any failure to connect means unreachable
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc!r}"
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session."""
    problem = _postgres_reachable()
    if problem:
        if IN_CI:
            pytest.fail(f"{problem} (CI=true: PostgreSQL tests must run)")
        pytest.skip(problem)
    name = f"cg_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_execute(f'CREATE DATABASE "{name}"'))
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def make_postgres_db() -> str:
    """Create one more throw-away PostgreSQL database (caller drops it with drop_db)."""
    name = f"cg_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_execute(f'CREATE DATABASE "{name}"'))
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


@dataclass
class SeededDatabase:
    kind: str
    url: str
    now: datetime


def _seed_now() -> datetime:
    now = datetime.now(UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _migrate_and_seed(url: str) -> None:
    from commercegraph.demo import seed_demo

    upgrade(url)

    async def seed() -> None:
        async with bootstrap.open_store(Settings(database_url=url)) as store:
            await seed_demo(store, customers=SEED_CUSTOMERS, seed=SEED, now=_seed_now())

    asyncio.run(seed())


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


def settings_for(url: str, **overrides: Any) -> Settings:
    return Settings(database_url=url, **overrides)


class GraphQLClient:
    """Posts GraphQL to the app in-process and returns the decoded body."""

    def __init__(self, http: httpx.AsyncClient, settings: Settings) -> None:
        self.http = http
        self.settings = settings

    def token(self, customer_id: str | None = None, *, staff: bool = False) -> str:
        if staff:
            return issue_token(self.settings, subject="staff-tester", scope="staff")
        assert customer_id is not None
        return issue_token(self.settings, subject=customer_id, scope="customer")

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        expect_status: int = 200,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == expect_status, response.text
        body: dict[str, Any] = response.json()
        return body


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
    settings = settings_for(seeded_db.url)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield GraphQLClient(http, settings)
    await app.state.store.dispose()


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
