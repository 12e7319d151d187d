"""The per-request context: the caller, the loaders, the adapters and the settings."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from aiodataloader import DataLoader

from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.auth import Caller
from commercegraph.config import Settings
from commercegraph.loaders import Loaders, RequestLoader
from commercegraph.store.models.base import utcnow


@dataclass
class Context:
    caller: Caller
    registry: AdapterRegistry
    settings: Settings
    loaders: Loaders
    now: datetime = field(default_factory=utcnow)
    locale: str | None = None  # the shopper's, from Accept-Language; None: the default

    @classmethod
    def build(cls, caller: Caller, registry: AdapterRegistry, settings: Settings) -> Context:
        return cls(caller=caller, registry=registry, settings=settings, loaders=Loaders(registry))

    @cached_property
    def product_prices(self) -> DataLoader[Any, Any]:  # PriceKey -> LineResult
        """Every product price a request asks for, priced in one engine pass per tick.

        It lives and dies with this context; the batch holds the context weakly so that the
        pair is freed by reference counting alone, without waiting for a cycle collection."""
        from commercegraph.resolvers.pricing import price_products

        ref = weakref.ref(self)

        async def batch(keys: list[Any]) -> list[Any]:
            ctx = ref()
            if ctx is None:  # the request is over: nobody is waiting for these prices
                return [RuntimeError("request finished") for _ in keys]
            return await price_products(ctx, keys)

        return RequestLoader(batch)
