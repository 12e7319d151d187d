"""The ``shopify`` adapter: catalogue, search, carts, market prices and inventory of a shop.

``CG_ADAPTERS__COMMERCE=shopify`` (also ``PRICING`` and ``INVENTORY``) with
``CG_SHOPIFY__SHOP_DOMAIN=example.myshopify.com``, ``CG_SHOPIFY__STOREFRONT_TOKEN`` and
``CG_SHOPIFY__ADMIN_TOKEN``. See ``docs/adapters/shopify.md``.
"""

from __future__ import annotations

from typing import Any

from commercegraph.adapters.registry import AdapterConfigError
from commercegraph.adapters.shopify.adapter import ShopifyCommerce
from commercegraph.adapters.shopify.client import ShopifyClient
from commercegraph.adapters.shopify.inventory import ShopifyInventory
from commercegraph.adapters.shopify.pricing import ShopifyPricing
from commercegraph.adapters.shopify.settings import ShopifySettings
from commercegraph.config import Settings
from commercegraph.store.db import Store

ADAPTERS: dict[str, type[ShopifyCommerce] | type[ShopifyPricing] | type[ShopifyInventory]] = {
    "commerce": ShopifyCommerce,
    "pricing": ShopifyPricing,
    "inventory": ShopifyInventory,
}


def create_adapter(domain: str, settings: Settings, store: Store, own: ShopifySettings) -> Any:
    """Entry point ``commercegraph.adapters: shopify``; the store is not used."""
    adapter = ADAPTERS.get(domain)
    if adapter is None:
        raise AdapterConfigError(f"the shopify adapter serves {', '.join(ADAPTERS)}, not {domain}")
    return adapter(ShopifyClient(own))


create_adapter.settings_model = ShopifySettings  # type: ignore[attr-defined]

__all__ = [
    "ShopifyClient",
    "ShopifyCommerce",
    "ShopifyInventory",
    "ShopifyPricing",
    "ShopifySettings",
    "create_adapter",
]
