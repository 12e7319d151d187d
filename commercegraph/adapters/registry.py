"""The adapter registry: one adapter per domain, chosen by configuration.

Adapters are discovered through the entry-point group ``commercegraph.adapters``: an entry
point's name is the adapter name used in ``CG_ADAPTERS__<DOMAIN>`` and its object is a
factory ``(domain, settings, store) -> adapter``. A third party ships an adapter in its own
package by declaring such an entry point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from commercegraph.adapters.base import (
    PORTS,
    CommerceBackend,
    ContentBackend,
    CustomerBackend,
    InventoryBackend,
    PricingBackend,
    WalletBackend,
)
from commercegraph.adapters.native.instore import NativeInStore
from commercegraph.config import DOMAINS, Settings
from commercegraph.store.db import Store
from commercegraph.usecases.checkout_log import CheckoutLog

if TYPE_CHECKING:
    from commercegraph.adapters.native.privacy import NativePrivacy
    from commercegraph.adapters.native.tenders import NativeTenders

ENTRY_POINT_GROUP = "commercegraph.adapters"

AdapterFactory = Callable[[str, Settings, Store], Any]


class AdapterConfigError(ValueError):
    """The configuration names an adapter that does not exist or does not fit its port."""


@dataclass
class AdapterRegistry:
    commerce: CommerceBackend
    content: ContentBackend
    customer: CustomerBackend
    pricing: PricingBackend
    inventory: InventoryBackend
    wallet: WalletBackend
    names: dict[str, str] = field(default_factory=dict)
    # the gateway's own checkout records (never a vendor's), on the native store
    checkouts: CheckoutLog | None = None
    # gift cards and exchange rates, on the native store's ledger
    tenders: NativeTenders | None = None

    # the gateway's own in-store payment codes and scan-and-go carts
    in_store: NativeInStore | None = None

    def in_store_state(self) -> NativeInStore:
        if self.in_store is None:
            raise RuntimeError("this registry was built without in-store state")
        return self.in_store

    # the gateway's own record of consent changes, erasures and their audit
    privacy: NativePrivacy | None = None
    # the gateway's own store (campaigns and other records no backend holds)
    own_store: Store | None = None

    def checkout_log(self) -> CheckoutLog:
        if self.checkouts is None:
            raise RuntimeError("this registry was built without checkout records")
        return self.checkouts

    def privacy_log(self) -> NativePrivacy:
        if self.privacy is None:
            raise RuntimeError("this registry was built without a privacy log")
        return self.privacy

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        for domain in DOMAINS:
            yield domain, getattr(self, domain)

    async def aclose(self) -> None:
        for _, adapter in self:
            close = getattr(adapter, "aclose", None)
            if close is not None:
                await close()


def available_factories() -> dict[str, AdapterFactory]:
    from commercegraph.adapters.native import create_adapter

    factories: dict[str, AdapterFactory] = {"native": create_adapter}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in factories:
            factories[ep.name] = ep.load()
    return factories


def build_registry(settings: Settings, store: Store) -> AdapterRegistry:
    factories = available_factories()
    adapters: dict[str, Any] = {}
    names: dict[str, str] = {}
    for domain in DOMAINS:
        name = settings.adapters.for_domain(domain)
        factory = factories.get(name)
        if factory is None:
            known = ", ".join(sorted(factories))
            raise AdapterConfigError(
                f"CG_ADAPTERS__{domain.upper()}={name!r} names no adapter (known: {known})"
            )
        adapter = factory(domain, settings, store)
        if not isinstance(adapter, PORTS[domain]):
            raise AdapterConfigError(
                f"adapter {name!r} for {domain} does not implement {PORTS[domain].__name__}"
            )
        adapters[domain] = adapter
        names[domain] = name
    # Telemetry, cache, resilience and faults around each adapter
    from commercegraph.adapters.native.checkouts import NativeCheckoutLog
    from commercegraph.adapters.native.privacy import NativePrivacy
    from commercegraph.adapters.native.tenders import NativeTenders
    from commercegraph.gateway.guard import guard_adapters

    return AdapterRegistry(
        **guard_adapters(adapters, names, settings),
        names=names,
        checkouts=NativeCheckoutLog(store),
        in_store=NativeInStore(store),
        tenders=NativeTenders(store),
        privacy=NativePrivacy(store),
        own_store=store,
    )
