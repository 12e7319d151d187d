"""The ``rest`` adapter: every port over the REST contract in ``openapi/``.

``CG_ADAPTERS__CONTENT=rest`` with ``CG_REST__CONTENT__URL=http://127.0.0.1:9101``.
"""

from __future__ import annotations

from typing import Any

from commercegraph.adapters.rest.adapter import RestAdapter
from commercegraph.adapters.rest.client import RestClient
from commercegraph.config import Settings
from commercegraph.store.db import Store


def create_adapter(domain: str, settings: Settings, store: Store) -> Any:
    """Entry point ``commercegraph.adapters: rest``; the store is not used."""
    client = RestClient(
        domain, settings.rest.for_domain(domain), settings.resilience.for_domain(domain)
    )
    return RestAdapter(domain, client, erasure=settings.rest.for_domain(domain).erasure)


__all__ = ["RestAdapter", "RestClient", "create_adapter"]
