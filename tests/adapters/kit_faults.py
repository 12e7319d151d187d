"""Pointing a hosted-vendor adapter at the contract kit's loopback fault server.

The kit's error checks need an adapter built as the gateway builds it (through the
entry-point registry, settings from ``CG_<NAME>__*``) whose base URL is the fault server
on 127.0.0.1; no vendor is reached.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from commercegraph.contract import MISSING
from commercegraph.contract.faults import LoopbackServer
from commercegraph.contract.kit import PointAt
from commercegraph.contract.pytest_plugin import built

# the registry builds a store too; the hosted adapters never use it
STORE_ENV = {"CG_DATABASE_URL": "sqlite+aiosqlite:///:memory:"}


def point_at(name: str, domain: str, missing_as: str | None = None) -> PointAt:
    """Built adapters of ``name`` at the fault server's URL; with ``missing_as``, the kit's
    missing key reaches them as that key instead (see ``MissingAs``)."""

    @asynccontextmanager
    async def pointed(env: Mapping[str, str]) -> AsyncIterator[Any]:
        async with built(name, domain, {**STORE_ENV, **env}) as adapter:
            yield adapter if missing_as is None else MissingAs(adapter, missing_as)

    return pointed


class MissingAs:
    """The adapter, with the kit's missing key given to it as ``stand_in``.

    The kit's missing key is no id of some vendors' shape (commercetools ids are UUIDs), and
    their adapters answer such a key without asking the vendor, so the error checks would
    never reach the fault server; an unknown id of the vendor's own shape does.
    """

    def __init__(self, adapter: Any, stand_in: str) -> None:
        self._adapter = adapter
        self._stand_in = stand_in

    def _swap(self, value: Any) -> Any:
        if value == MISSING:
            return self._stand_in
        if isinstance(value, list | tuple):
            return type(value)(self._swap(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {
                f.name: self._swap(getattr(value, f.name)) for f in dataclasses.fields(value)
            }
            return dataclasses.replace(value, **changes)
        return value

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._adapter, name)
        if not callable(found):
            return found

        def call(*args: Any, **kwargs: Any) -> Any:
            return found(*self._swap(args), **{k: self._swap(v) for k, v in kwargs.items()})

        return call


class TokenServer(LoopbackServer):
    """An OAuth 2.0 token endpoint on 127.0.0.1 granting every client credentials request,
    for vendors whose API calls need a token from a separate auth server first."""

    async def answer(self) -> tuple[int, Any]:
        token = {"access_token": f"token-{self.requests}", "token_type": "Bearer"}
        return 200, {**token, "expires_in": 172800}
