"""A freshly seeded store per test module, on SQLite and PostgreSQL, for tests that move
stock and place orders (the session's shared demo databases stay untouched)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from commercegraph.store.db import Store
from tests.conftest import GraphQLClient, SeededDatabase, SigningUpClient
from tests.factories import open_gateway, open_store, seeded_database

FRESH_CUSTOMERS = 5

FRESH_SEED = 3

fresh_db = seeded_database("fresh_db", customers=FRESH_CUSTOMERS, seed=FRESH_SEED)


@pytest_asyncio.fixture(scope="module")
async def fresh_gql(fresh_db: SeededDatabase) -> AsyncIterator[GraphQLClient]:
    async with open_gateway(fresh_db, client=SigningUpClient) as client:
        yield client


@pytest_asyncio.fixture(scope="module")
async def fresh_store(fresh_db: SeededDatabase) -> AsyncIterator[Store]:
    async with open_store(fresh_db) as store:
        yield store


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
