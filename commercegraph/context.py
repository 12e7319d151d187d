"""The per-request context: the caller, the loaders, the adapters and the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.auth import Caller
from commercegraph.config import Settings
from commercegraph.loaders import Loaders
from commercegraph.store.models.base import utcnow


@dataclass
class Context:
    caller: Caller
    registry: AdapterRegistry
    settings: Settings
    loaders: Loaders
    now: datetime = field(default_factory=utcnow)

    @classmethod
    def build(cls, caller: Caller, registry: AdapterRegistry, settings: Settings) -> Context:
        return cls(caller=caller, registry=registry, settings=settings, loaders=Loaders(registry))
