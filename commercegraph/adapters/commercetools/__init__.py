"""The ``commercetools`` adapter: catalogue, search, carts, orders, prices and stock.

``CG_ADAPTERS__COMMERCE=commercetools`` (also ``PRICING`` and ``INVENTORY``) with
``CG_COMMERCETOOLS__PROJECT_KEY``, ``CG_COMMERCETOOLS__CLIENT_ID`` and
``CG_COMMERCETOOLS__CLIENT_SECRET``. See ``docs/adapters/commercetools.md``.
"""

from __future__ import annotations

from typing import Any

from commercegraph.adapters.commercetools.adapter import CommercetoolsCommerce
from commercegraph.adapters.commercetools.client import CommercetoolsClient
from commercegraph.adapters.commercetools.inventory import CommercetoolsInventory
from commercegraph.adapters.commercetools.pricing import CommercetoolsPricing
from commercegraph.adapters.commercetools.settings import CommercetoolsSettings
from commercegraph.adapters.registry import AdapterConfigError
from commercegraph.config import Settings
from commercegraph.store.db import Store

ADAPTERS: dict[str, Any] = {
    "commerce": CommercetoolsCommerce,
    "pricing": CommercetoolsPricing,
    "inventory": CommercetoolsInventory,
}


def create_adapter(
    domain: str, settings: Settings, store: Store, own: CommercetoolsSettings
) -> Any:
    """Entry point ``commercegraph.adapters: commercetools``; the store is not used."""
    adapter = ADAPTERS.get(domain)
    if adapter is None:
        raise AdapterConfigError(
            f"the commercetools adapter serves {', '.join(ADAPTERS)}, not {domain}"
        )
    return adapter(CommercetoolsClient(own))


create_adapter.settings_model = CommercetoolsSettings  # type: ignore[attr-defined]

__all__ = [
    "CommercetoolsClient",
    "CommercetoolsCommerce",
    "CommercetoolsInventory",
    "CommercetoolsPricing",
    "CommercetoolsSettings",
    "create_adapter",
]
