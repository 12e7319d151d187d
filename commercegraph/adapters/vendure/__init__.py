"""The ``vendure`` adapter: Vendure 3 as the commerce, pricing and inventory backend.

``CG_ADAPTERS__COMMERCE=vendure`` (and/or ``PRICING``, ``INVENTORY``) with
``CG_VENDURE__URL=http://127.0.0.1:3000``, ``CG_VENDURE__ADMIN_USERNAME`` and
``CG_VENDURE__ADMIN_PASSWORD``. Catalogue, search, carts and orders go through the Shop
API; prices per currency, stock locations and stock levels through the Admin API. See
``docs/adapters/vendure.md``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, SecretStr, StringConstraints
from pydantic_settings import BaseSettings

from commercegraph.adapters.vendure.adapter import (
    VendureCommerce,
    VendureInventory,
    VendurePricing,
)
from commercegraph.adapters.vendure.client import VendureClient
from commercegraph.config import Settings
from commercegraph.store.db import Store

GRAPHQL_NAME = r"^[_A-Za-z][_0-9A-Za-z]*$"


class VendureSettings(BaseSettings):
    url: str = Field(description="Base URL of the Vendure server (its /shop-api and /admin-api).")
    admin_username: str = Field(
        "superadmin", description="Administrator the Admin API calls log in as."
    )
    admin_password: SecretStr = Field(description="That administrator's password.")
    channel_token: str | None = Field(
        None, description="Vendure channel token sent on every call; None is the default channel."
    )
    channel_tokens: dict[str, str] = Field(
        default_factory=dict,
        description="Vendure channel token per gateway channel (e.g. MOBILE_APP) whose own "
        "variant prices `price_rows` returns as that channel's rows.",
    )
    timeout_ms: int = Field(5000, gt=0, description="Read budget of one HTTP call to Vendure.")
    connect_timeout_ms: int = Field(1000, gt=0, description="Time allowed to open a connection.")
    max_connections: int = Field(20, gt=0, description="Pooled HTTP connections to Vendure.")
    shipping_method: str | None = Field(
        None,
        description="Code of the Vendure shipping method orders are placed with; None takes "
        "the first one Vendure offers for the order.",
    )
    relation_fields: dict[str, Annotated[str, StringConstraints(pattern=GRAPHQL_NAME)]] = Field(
        default_factory=lambda: {"ACCESSORY": "cgAccessories"},
        description="Product custom field (a list relation to Product) per relation kind "
        "that `related_products` reads; a kind not named here has no related products.",
    )
    payment_method: str | None = Field(
        None,
        description="Code of the Vendure payment method orders are paid with; None takes the "
        "first eligible one.",
    )


DOMAINS = {"commerce": VendureCommerce, "pricing": VendurePricing, "inventory": VendureInventory}


def create_adapter(domain: str, settings: Settings, store: Store, own: VendureSettings) -> Any:
    """Entry point ``commercegraph.adapters: vendure``; the gateway's store is not used."""
    adapter = DOMAINS.get(domain)
    if adapter is None:
        raise ValueError(f"the vendure adapter serves {', '.join(sorted(DOMAINS))}, not {domain}")
    return adapter(VendureClient(domain, own), own)


create_adapter.settings_model = VendureSettings  # type: ignore[attr-defined]

__all__ = [
    "VendureClient",
    "VendureCommerce",
    "VendureInventory",
    "VendurePricing",
    "VendureSettings",
    "create_adapter",
]
