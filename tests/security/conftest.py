"""Clients for the security tests: the seeded demo with limits relaxed or tightened."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.conftest import GraphQLClient, SeededDatabase
from tests.factories import open_gateway


@pytest_asyncio.fixture(scope="session")
async def walker_gql(seeded_db: SeededDatabase) -> AsyncIterator[GraphQLClient]:
    """Limits out of the way, so authorisation alone decides what a walk may read."""
    async with open_gateway(seeded_db, limit_cost=10**9, limit_depth=100) as client:
        yield client
