"""The composition root: settings → store → adapters → guard → container.

The app, every command, the background jobs and the tests build what they run on here, and
nowhere else: this module is the only one that opens a database engine or picks adapters.

    async with bootstrap.open(settings) as container:
        await container.registry.wallet.expire_points(now)

    result = bootstrap.run(settings, lambda container: job(container.registry))

``open_store`` gives the store alone, for work on the gateway's own state (the demo seed,
the webhook outbox, segment figures). A command that reads a domain's tables directly
rather than through its port calls ``require_native`` first, so that with
``CG_ADAPTERS__<DOMAIN>=rest`` it refuses in one line instead of reading the wrong data.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError

from commercegraph.adapters.registry import (
    AdapterConfigError,
    AdapterRegistry,
    build_providers,
    chosen_factories,
    guarded_registry,
)
from commercegraph.cli_support import CommandError
from commercegraph.config import Settings
from commercegraph.store.db import Store, create_engine

T = TypeVar("T")
logger = logging.getLogger("commercegraph.bootstrap")


class SettingsError(AdapterConfigError):
    """A ``CG_*`` variable does not parse; the message names it in one line."""


class NativeStoreRequired(CommandError):
    """A command works on the gateway's own store for a domain another adapter serves."""

    exit_code = 2


@dataclass
class Container:
    """What one process runs on: its settings, the store and the guarded adapters."""

    settings: Settings
    store: Store
    registry: AdapterRegistry

    async def aclose(self) -> None:
        await self.registry.aclose()
        await self.store.dispose()


def load_settings(**overrides: Any) -> Settings:
    """``Settings`` from the environment; a bad value is one line naming its variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = "CG_" + "__".join(str(part).upper() for part in first["loc"])
        raise SettingsError(f"{variable}: {first['msg']}") from None


def check(settings: Settings) -> None:
    """Validate the adapter choice and each chosen adapter's own settings, opening nothing.

    Raises ``AdapterConfigError`` with one line naming the variable at fault.
    """
    chosen_factories(settings)


def create_store(settings: Settings, *, pooled: bool = True) -> Store:
    """The gateway's SQL store; ``pooled=False`` closes each connection after use."""
    return Store(create_engine(settings.database_url, settings.db_pool_size, pooled=pooled))


def compose(
    settings: Settings,
    *,
    store: Store | None = None,
    registry: AdapterRegistry | None = None,
    pooled: bool = True,
) -> Container:
    """Build the container; its owner calls ``aclose()`` (``open`` does that for you)."""
    store = store or create_store(settings, pooled=pooled)
    if registry is None:
        providers = build_providers(settings, store)
        for line in providers.describe():
            logger.info("capabilities %s", line)
        registry = guarded_registry(providers, None, settings, store)
    return Container(settings, store, registry)


@asynccontextmanager
async def open(settings: Settings, *, pooled: bool = True) -> AsyncIterator[Container]:
    container = compose(settings, pooled=pooled)
    try:
        yield container
    finally:
        await container.aclose()


@asynccontextmanager
async def open_store(settings: Settings, *, pooled: bool = True) -> AsyncIterator[Store]:
    """The store alone, for the gateway's own state; no adapter is built."""
    store = create_store(settings, pooled=pooled)
    try:
        yield store
    finally:
        await store.dispose()


def run(settings: Settings, body: Callable[[Container], Awaitable[T]]) -> T:
    """``body(container)`` on a fresh event loop: the synchronous entry for commands."""

    async def main() -> T:
        async with open(settings) as container:
            return await body(container)

    return asyncio.run(main())


def require_native(settings: Settings, *domains: str, command: str) -> None:
    """Refuse ``command`` unless every domain in ``domains`` is served by the native store."""
    foreign = [d for d in domains if settings.adapters.for_domain(d) != "native"]
    if foreign:
        chosen = ", ".join(
            f"CG_ADAPTERS__{d.upper()}={settings.adapters.for_domain(d)}" for d in foreign
        )
        raise NativeStoreRequired(
            f"`{command}` works on the gateway's own store, but {chosen}: "
            "run it where that backend's data lives"
        )


__all__ = [
    "Container",
    "NativeStoreRequired",
    "SettingsError",
    "check",
    "compose",
    "create_store",
    "load_settings",
    "open",
    "open_store",
    "require_native",
    "run",
]
