"""Migrations create exactly the models' schema on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from commercegraph.store.migrate import upgrade
from commercegraph.store.models import Base
from tests.factories import drop_postgres_db, make_postgres_db, require_postgres, store_for


def _diff(url: str) -> list[Any]:
    async def run() -> list[Any]:
        engine = store_for(url).engine
        try:
            async with engine.connect() as conn:

                def compare(sync_conn: Connection) -> list[Any]:
                    ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                    return list(compare_metadata(ctx, Base.metadata))

                return await conn.run_sync(compare)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_sqlite_migrations_match_models(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    assert _diff(url) == []
    upgrade(url)  # applying again is a no-op


@pytest.mark.postgres
def test_postgres_migrations_match_models() -> None:
    require_postgres()
    url = make_postgres_db()
    try:
        upgrade(url)
        assert _diff(url) == []
    finally:
        drop_postgres_db(url)
