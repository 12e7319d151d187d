"""The seeded demo database the benchmarks run on: migrated, then the demo retailer with
``customers`` customers (seed 42, so every run sees the same data)."""

from __future__ import annotations

import asyncio

from commercegraph.demo import seed_demo
from commercegraph.store.db import Store, create_engine
from commercegraph.store.migrate import upgrade


def migrate_and_seed(url: str, customers: int) -> None:
    upgrade(url)

    async def seed() -> None:
        store = Store(create_engine(url))
        try:
            await seed_demo(store, customers=customers, seed=42)
        finally:
            await store.dispose()

    asyncio.run(seed())
