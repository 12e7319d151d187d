"""Clients for the security tests: the seeded demo with limits relaxed or tightened."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from commercegraph.app import create_app
from tests.conftest import GraphQLClient, SeededDatabase, settings_for


@pytest_asyncio.fixture(scope="session")
async def walker_gql(seeded_db: SeededDatabase) -> AsyncIterator[GraphQLClient]:
    """Limits out of the way, so authorisation alone decides what a walk may read."""
    settings = settings_for(seeded_db.url, limit_cost=10**9, limit_depth=100)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield GraphQLClient(http, settings)
    await app.state.store.dispose()
