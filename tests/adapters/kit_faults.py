"""Pointing a hosted-vendor adapter at the contract kit's loopback fault server.

The kit's error checks need an adapter built as the gateway builds it (through the
entry-point registry, settings from ``CG_<NAME>__*``) whose base URL is the fault server
on 127.0.0.1; no vendor is reached.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from commercegraph.contract.kit import PointAt
from commercegraph.contract.pytest_plugin import built

# the registry builds a store too; the hosted adapters never use it
STORE_ENV = {"CG_DATABASE_URL": "sqlite+aiosqlite:///:memory:"}


def point_at(name: str, domain: str) -> PointAt:
    @asynccontextmanager
    async def pointed(env: Mapping[str, str]) -> AsyncIterator[Any]:
        async with built(name, domain, {**STORE_ENV, **env}) as adapter:
            yield adapter

    return pointed
