"""The ``medusa`` adapter: a Medusa 2 server as commerce, inventory and pricing backend.

``CG_ADAPTERS__COMMERCE=medusa`` with ``CG_MEDUSA__URL``, ``CG_MEDUSA__PUBLISHABLE_KEY``,
``CG_MEDUSA__ADMIN_EMAIL`` and ``CG_MEDUSA__ADMIN_PASSWORD`` (see ``docs/adapters/medusa.md``);
the same for ``INVENTORY`` and ``PRICING``. Each domain gets its own pooled client.
"""

from __future__ import annotations

from typing import Any

from commercegraph.adapters.medusa.adapter import MedusaCommerce
from commercegraph.adapters.medusa.client import MedusaClient
from commercegraph.adapters.medusa.inventory import MedusaInventory, MedusaPricing
from commercegraph.adapters.medusa.regions import Regions
from commercegraph.adapters.medusa.settings import MedusaSettings
from commercegraph.config import Settings
from commercegraph.store.db import Store

DOMAINS = ("commerce", "inventory", "pricing")


def build(domain: str, medusa: MedusaSettings, default_currency: str = "USD") -> Any:
    """The domain's Medusa adapter, without the gateway around it (tests, scripts)."""
    client = MedusaClient(domain, medusa)
    if domain == "commerce":
        return MedusaCommerce(
            client, Regions(client, medusa.regions), default_currency, medusa.customer_email_domain
        )
    if domain == "inventory":
        return MedusaInventory(client)
    if domain == "pricing":
        return MedusaPricing(client, Regions(client, medusa.regions))
    raise ValueError(f"Medusa serves {', '.join(DOMAINS)}, not {domain}")


def create_adapter(domain: str, settings: Settings, store: Store, medusa: MedusaSettings) -> Any:
    """Entry point ``commercegraph.adapters: medusa``; the store is not used."""
    return build(domain, medusa, settings.default_currency)


create_adapter.settings_model = MedusaSettings  # type: ignore[attr-defined]

__all__ = [
    "MedusaClient",
    "MedusaCommerce",
    "MedusaInventory",
    "MedusaPricing",
    "MedusaSettings",
    "build",
    "create_adapter",
]
