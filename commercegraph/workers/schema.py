"""The job engine's tables, created by ``commercegraph migrate`` beside the gateway's own."""

from __future__ import annotations

import asyncio

from commercegraph.workers.app import WorkerConfigError, conninfo


def migrate_job_tables(database_url: str) -> bool:
    """Create procrastinate's tables on PostgreSQL when absent (SQLite has no job engine);
    True when created. Blocking, like the gateway's own migrations."""
    try:
        conninfo(database_url)
    except WorkerConfigError:
        return False
    return asyncio.run(_migrate(database_url))


async def _migrate(database_url: str) -> bool:
    from commercegraph.config import Settings
    from commercegraph.workers.app import build_app, ensure_schema

    app = build_app(Settings(database_url=database_url))
    async with app.open_async():
        return await ensure_schema(app)
