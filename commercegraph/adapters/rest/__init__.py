"""The ``rest`` adapter: every port over the REST contract in ``openapi/``.

``CG_ADAPTERS__CONTENT=rest`` with ``CG_REST__CONTENT__URL=http://127.0.0.1:9101``.
"""

from __future__ import annotations

from typing import Any

from commercegraph.adapters.rest.adapter import RestAdapter
from commercegraph.adapters.rest.client import RestClient
from commercegraph.config import Settings
from commercegraph.contract.fixture import ContractFixture
from commercegraph.store.db import Store


def create_adapter(domain: str, settings: Settings, store: Store) -> Any:
    """Entry point ``commercegraph.adapters: rest``; the store is not used."""
    client = RestClient(
        domain, settings.rest.for_domain(domain), settings.resilience.for_domain(domain)
    )
    return RestAdapter(domain, client, erasure=settings.rest.for_domain(domain).erasure)


KIT_TIMEOUT_MS = "300"  # below the contract kit's slow answer, so its timeout check is quick


def contract_fixture(domain: str) -> ContractFixture:
    """The demo retailer's keys; the kit's fault server reached as the domain's backend."""
    upper = domain.upper()
    return ContractFixture(
        fault_env=lambda url: {
            f"CG_REST__{upper}__URL": url,
            f"CG_RESILIENCE__{upper}__TIMEOUT_MS": KIT_TIMEOUT_MS,
            f"CG_RESILIENCE__{upper}__WRITE_TIMEOUT_MS": KIT_TIMEOUT_MS,
        }
    )


create_adapter.contract_fixture = contract_fixture  # type: ignore[attr-defined]

__all__ = ["RestAdapter", "RestClient", "create_adapter"]
