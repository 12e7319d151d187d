"""Migration 0008: events stored before keep their ids under the source ``legacy``, and the
way back keeps one row per id."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from commercegraph.store.migrate import alembic_config, upgrade
from tests.factories import drop_postgres_db, make_postgres_db, require_postgres, store_for

BEFORE = "0007_gateway"


async def _sql(url: str, *statements: str) -> list[tuple[object, ...]]:
    engine = store_for(url).engine
    rows: list[tuple[object, ...]] = []
    try:
        async with engine.begin() as conn:
            for statement in statements:
                result = await conn.execute(text(statement), {"t": datetime.now(UTC)})
                if result.returns_rows:
                    rows = [tuple(r) for r in result]
    finally:
        await engine.dispose()
    return rows


def _round_trip(url: str) -> None:
    upgrade(url, BEFORE)
    asyncio.run(
        _sql(
            url,
            "INSERT INTO events (id, type, customer_id, channel, sku, occurred_at,"
            " received_at, payload) VALUES ('ev-1', 'product_viewed', NULL, 'WEB', NULL,"
            " :t, :t, '{}')",
        )
    )
    upgrade(url)
    assert asyncio.run(_sql(url, "SELECT source, id FROM events")) == [("legacy", "ev-1")]
    asyncio.run(
        _sql(
            url,
            "INSERT INTO events (source, id, type, customer_id, channel, sku, occurred_at,"
            " received_at, payload) VALUES ('customer:cus_sam', 'ev-1', 'product_viewed',"
            " NULL, 'WEB', NULL, :t, :t, '{}')",
        )
    )
    command.downgrade(alembic_config(url), BEFORE)
    assert asyncio.run(_sql(url, "SELECT id FROM events")) == [("ev-1",)]
    upgrade(url)


def test_event_sources_migrate_both_ways_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
def test_event_sources_migrate_both_ways_on_postgres() -> None:
    require_postgres()
    url = make_postgres_db()
    try:
        _round_trip(url)
    finally:
        drop_postgres_db(url)
