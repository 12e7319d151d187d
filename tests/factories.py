"""Seeded demo gateways on SQLite or PostgreSQL, built only through ``bootstrap``.

Every test that needs a database of its own gets it here: ``demo_database`` migrates a
fresh SQLite file or PostgreSQL database, seeds the demo retailer into it (or leaves it
empty) and drops it afterwards; ``seeded_database`` turns that into a pytest fixture run
once on each database kind; ``store_for``/``open_store`` and ``open_gateway`` open the
store and the in-process app on it through the composition root.

    fresh_db = seeded_database("fresh_db", customers=5, seed=3)

    async def test_x(fresh_db: SeededDatabase) -> None:
        async with open_gateway(fresh_db, checkout_max_line_quantity=2) as gql:
            ...

PostgreSQL databases are created next to ``CG_TEST_POSTGRES_URL``'s; when PostgreSQL is
not reachable a test skips with the reason, except in CI (``CI=true``) where it fails.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

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
KINDS = ("sqlite", "postgresql")
SEED_CUSTOMERS = 40
SEED = 42


@dataclass
class SeededDatabase:
    kind: str
    url: str
    now: datetime


def seed_now() -> datetime:
    """Today's midnight UTC: the date every demo row is anchored on."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def settings_for(url: str, **overrides: Any) -> Settings:
    return Settings(database_url=url, **overrides)


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def pg_execute(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(asyncpg_dsn(POSTGRES_ADMIN_URL), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def postgres_reachable() -> str | None:
    """``None`` when PostgreSQL answers, else why not."""
    try:
        asyncio.run(pg_execute("SELECT 1"))
    except Exception as exc:  # any failure to connect means unreachable
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc!r}"
    return None


def require_postgres() -> None:
    """Skip the test when PostgreSQL is unreachable; fail instead under ``CI=true``."""
    problem = postgres_reachable()
    if problem:
        if IN_CI:
            pytest.fail(f"{problem} (CI=true: PostgreSQL tests must run)")
        pytest.skip(problem)


def make_postgres_db() -> str:
    """Create one throw-away PostgreSQL database (the caller drops it with ``drop_postgres_db``)."""
    name = f"cg_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(pg_execute(f'CREATE DATABASE "{name}"'))
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


def drop_postgres_db(url: str) -> None:
    name = url.rpartition("/")[2]
    asyncio.run(pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def seed_store(
    url: str,
    *,
    customers: int = SEED_CUSTOMERS,
    seed: int = SEED,
    now: datetime | None = None,
    **settings: Any,
) -> None:
    """Write the demo retailer into the migrated, empty store at ``url``."""
    from commercegraph.demo import seed_demo

    async def run() -> None:
        async with bootstrap.open_store(settings_for(url, **settings)) as store:
            await seed_demo(store, customers=customers, seed=seed, now=now or seed_now())

    asyncio.run(run())


def migrate_and_seed(url: str, **demo: Any) -> None:
    upgrade(url)
    seed_store(url, **demo)


@contextmanager
def demo_database(
    kind: str,
    directory: Path,
    *,
    customers: int | None = SEED_CUSTOMERS,
    seed: int = SEED,
    now: datetime | None = None,
) -> Iterator[SeededDatabase]:
    """A migrated database of its own on ``kind``, holding the demo retailer.

    ``customers=None`` leaves it migrated and empty. SQLite lives in ``directory``; a
    PostgreSQL database is dropped on exit.
    """
    anchor = now or seed_now()
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / 'demo.db'}"
    else:
        require_postgres()
        url = make_postgres_db()
    try:
        upgrade(url)
        if customers is not None:
            seed_store(url, customers=customers, seed=seed, now=anchor)
        yield SeededDatabase(kind, url, anchor)
    finally:
        if kind == "postgresql":
            drop_postgres_db(url)


def seeded_database(
    name: str,
    *,
    scope: str = "module",
    kinds: tuple[str, ...] = KINDS,
    customers: int | None = SEED_CUSTOMERS,
    seed: int = SEED,
    now: Callable[[], datetime] | None = None,
) -> Any:
    """A pytest fixture ``name``: a ``demo_database`` of its own per ``scope``, once per kind."""

    @pytest.fixture(name=name, scope=scope, params=kinds)  # type: ignore[call-overload]
    def fixture(
        request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[SeededDatabase]:
        directory = tmp_path_factory.mktemp(name)
        anchor = now() if now else None
        with demo_database(
            request.param, directory, customers=customers, seed=seed, now=anchor
        ) as db:
            yield db

    return fixture


def _url(db: SeededDatabase | str) -> str:
    return db if isinstance(db, str) else db.url


def store_for(db: SeededDatabase | str, *, pooled: bool = True, **settings: Any) -> Store:
    """The store on ``db`` as the composition root makes it; the caller disposes of it.

    ``pooled=False`` closes each connection after use, for callers that run each call on
    an event loop of its own.
    """
    return bootstrap.create_store(settings_for(_url(db), **settings), pooled=pooled)


@asynccontextmanager
async def open_store(
    db: SeededDatabase | str, *, pooled: bool = True, **settings: Any
) -> AsyncIterator[Store]:
    async with bootstrap.open_store(settings_for(_url(db), **settings), pooled=pooled) as store:
        yield store


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


@asynccontextmanager
async def open_gateway(
    db: SeededDatabase | str | Settings,
    *,
    client: Callable[[httpx.AsyncClient, Settings, Store], Any] | None = None,
    **settings: Any,
) -> AsyncIterator[Any]:
    """The gateway app in-process on ``db`` (or on ``Settings`` as given), with a client.

    ``settings`` are extra ``Settings`` fields (adapters, limits, keys); ``client`` builds
    the client from the HTTP client, the settings and the app's store (default:
    ``GraphQLClient``). The app's adapters and store are closed on exit.
    """
    chosen = db if isinstance(db, Settings) else settings_for(_url(db), **settings)
    app = create_app(chosen)
    transport = httpx.ASGITransport(app=app)
    make = client or (lambda http, s, _store: GraphQLClient(http, s))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            made = make(http, chosen, app.state.store)
            made.app = app  # type: ignore[attr-defined]
            yield made
    finally:
        await app.state.registry.aclose()
        await app.state.store.dispose()
