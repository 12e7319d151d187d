"""Throw-away seeded stores for tests that write (events, links, merges): the
session-wide seeded databases stay untouched for everyone else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from tests.conftest import SEED, SEED_CUSTOMERS, GraphQLClient, SeededDatabase
from tests.factories import open_gateway, seeded_database

POS_KEY = "test-pos-key"
WEB_KEY = "test-web-key"
API_KEYS = {POS_KEY: "STORE", WEB_KEY: "WEB"}


# a demo store of each module's own, on SQLite and on PostgreSQL
fresh_db = seeded_database("fresh_db", customers=SEED_CUSTOMERS, seed=SEED)


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
    async with open_gateway(
        fresh_db, client=lambda http, settings, _: Client(http, settings), events_api_keys=API_KEYS
    ) as made:
        yield made


__all__ = ["SEED"]
