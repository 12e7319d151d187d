"""The adapter registry: one adapter per domain, chosen by configuration.

Adapters are discovered through the entry-point group ``commercegraph.adapters``: an entry
point's name is the adapter name used in ``CG_ADAPTERS__<DOMAIN>`` and its object is a
factory ``(domain, settings, store) -> adapter``. A third party ships an adapter in its own
package by declaring such an entry point.

A factory may declare its own settings as a pydantic-settings model in a ``settings_model``
attribute; they are read from ``CG_<NAME>__*`` (``CG_VENDURE__URL``), validated before any
adapter is built, and handed to the factory as a fourth argument::

    class VendureSettings(BaseSettings):
        url: str
        token: SecretStr

    def create_adapter(domain, settings, store, vendure: VendureSettings): ...

    create_adapter.settings_model = VendureSettings
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from pydantic_settings import BaseSettings

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

AdapterFactory = Callable[..., Any]  # (domain, settings, store[, own settings]) -> adapter


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


def adapter_env_prefix(name: str) -> str:
    """``CG_<NAME>__``: where an adapter's own settings are read from."""
    return f"CG_{name.upper().replace('-', '_')}__"


def _variable(prefix: str, loc: tuple[int | str, ...]) -> str:
    return prefix + "__".join(str(part).upper() for part in loc)


def adapter_settings(name: str, factory: AdapterFactory) -> BaseSettings | None:
    """The adapter's own settings from ``CG_<NAME>__*``, validated; None when it has none.

    Raises ``AdapterConfigError`` with one line naming the first variable that is wrong.
    """
    model: type[BaseSettings] | None = getattr(factory, "settings_model", None)
    if model is None:
        return None
    prefix = adapter_env_prefix(name)
    try:
        return model(_env_prefix=prefix, _env_nested_delimiter="__")
    except ValidationError as exc:
        first = exc.errors()[0]
        raise AdapterConfigError(
            f"{_variable(prefix, first['loc'])}: {first['msg']} (settings of the {name!r} adapter)"
        ) from None


def chosen_factories(
    settings: Settings,
) -> dict[str, tuple[str, AdapterFactory, BaseSettings | None]]:
    """Each domain's adapter name, factory and validated own settings; nothing is built."""
    factories = available_factories()
    chosen: dict[str, tuple[str, AdapterFactory, BaseSettings | None]] = {}
    validated: dict[str, BaseSettings | None] = {}
    for domain in DOMAINS:
        name = settings.adapters.for_domain(domain)
        factory = factories.get(name)
        if factory is None:
            known = ", ".join(sorted(factories))
            raise AdapterConfigError(
                f"CG_ADAPTERS__{domain.upper()}={name!r} names no adapter (known: {known})"
            )
        if name not in validated:
            validated[name] = adapter_settings(name, factory)
        chosen[domain] = (name, factory, validated[name])
    return chosen


def build_adapters(settings: Settings, store: Store) -> tuple[dict[str, Any], dict[str, str]]:
    """Each domain's adapter as configured, unguarded, and the adapter names."""
    adapters: dict[str, Any] = {}
    names: dict[str, str] = {}
    for domain, (name, factory, own) in chosen_factories(settings).items():
        adapter = (
            factory(domain, settings, store)
            if own is None
            else factory(domain, settings, store, own)
        )
        if not isinstance(adapter, PORTS[domain]):
            raise AdapterConfigError(
                f"adapter {name!r} for {domain} does not implement {PORTS[domain].__name__}"
            )
        adapters[domain] = adapter
        names[domain] = name
    return adapters, names


def guarded_registry(
    adapters: dict[str, Any], names: dict[str, str], settings: Settings, store: Store
) -> AdapterRegistry:
    """Telemetry, cache, resilience and faults around each adapter, plus the gateway's own
    checkout records on the native store."""
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


def build_registry(settings: Settings, store: Store) -> AdapterRegistry:
    adapters, names = build_adapters(settings, store)
    return guarded_registry(adapters, names, settings, store)
