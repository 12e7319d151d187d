"""The embedded default: every port on the gateway's own SQL store."""

from __future__ import annotations

from typing import Any

from commercegraph.adapters.native.commerce import NativeCommerce
from commercegraph.adapters.native.content import NativeContent
from commercegraph.adapters.native.customer import NativeCustomer
from commercegraph.adapters.native.inventory import NativeInventory
from commercegraph.adapters.native.pricing import NativePricing
from commercegraph.adapters.native.wallet import NativeWallet
from commercegraph.config import Settings
from commercegraph.store.db import Store

NATIVE_ADAPTERS: dict[str, type[Any]] = {
    "commerce": NativeCommerce,
    "content": NativeContent,
    "customer": NativeCustomer,
    "pricing": NativePricing,
    "inventory": NativeInventory,
    "wallet": NativeWallet,
}


def create_adapter(domain: str, settings: Settings, store: Store) -> Any:
    """Entry point ``commercegraph.adapters: native``."""
    return NATIVE_ADAPTERS[domain](store, settings)


__all__ = [
    "NativeCommerce",
    "NativeContent",
    "NativeCustomer",
    "NativeInventory",
    "NativePricing",
    "NativeWallet",
    "create_adapter",
]
