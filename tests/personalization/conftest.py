"""A small demo retailer of our own, on SQLite and PostgreSQL, that these tests may change
freely (segments, carts, lists, offers) without touching the shared seeded databases."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from commercegraph.store.db import Store
from tests.conftest import GraphQLClient, SeededDatabase
from tests.factories import open_gateway, open_store, seeded_database

CUSTOMERS = 8

p8_db = seeded_database("p8_db", scope="session", customers=CUSTOMERS, seed=7)


@pytest_asyncio.fixture(scope="session")
async def p8_store(p8_db: SeededDatabase) -> AsyncIterator[Store]:
    async with open_store(p8_db) as store:
        yield store


@pytest_asyncio.fixture(scope="session")
async def p8_gql(p8_db: SeededDatabase) -> AsyncIterator[GraphQLClient]:
    async with open_gateway(p8_db) as client:
        yield client
