"""The ports a shopper's cart, checkout, payment and points go through: the request's
loaders for reads (batched), the guarded backends for writes, the gateway's own tenders
and checkout records, and the settings that bound them."""

from __future__ import annotations

from dataclasses import dataclass

from commercegraph.adapters.base import (
    CommerceBackend,
    CustomerBackend,
    InventoryBackend,
    PricingBackend,
    WalletBackend,
)
from commercegraph.adapters.native.tenders import NativeTenders
from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.config import Settings
from commercegraph.loaders import Loaders
from commercegraph.usecases.checkout_log import CheckoutLog
from commercegraph.usecases.pricing import PricingPorts


@dataclass(frozen=True, slots=True)
class ShoppingPorts:
    reads: Loaders
    commerce: CommerceBackend
    customer: CustomerBackend
    inventory: InventoryBackend
    pricing: PricingBackend
    wallet: WalletBackend
    settings: Settings
    tenders: NativeTenders | None = None  # gift cards and exchange rates
    checkouts: CheckoutLog | None = None  # the gateway's checkout records

    @classmethod
    def of(
        cls, registry: AdapterRegistry, settings: Settings, reads: Loaders | None = None
    ) -> ShoppingPorts:
        return cls(
            reads or Loaders(registry),
            registry.commerce,
            registry.customer,
            registry.inventory,
            registry.pricing,
            registry.wallet,
            settings,
            registry.tenders,
            registry.checkouts,
        )

    @property
    def prices(self) -> PricingPorts:
        return PricingPorts(self.reads, self.pricing, self.settings)

    def native_tenders(self) -> NativeTenders:
        if self.tenders is None:
            raise RuntimeError("this registry was built without gift cards and exchange rates")
        return self.tenders

    def checkout_log(self) -> CheckoutLog:
        if self.checkouts is None:
            raise RuntimeError("this registry was built without checkout records")
        return self.checkouts
