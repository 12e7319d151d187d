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
from commercegraph.ports.capabilities import CAPABILITIES, capabilities_of, methods_of
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
    # domain -> capability -> adapter name, and every guarded adapter (one per domain and
    # adapter serving it), for health, faults and cache invalidation
    routes: dict[str, dict[str, str]] = field(default_factory=dict)
    guards: list[Any] = field(default_factory=list)
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

    def guarded(self) -> list[tuple[str, Any]]:
        """(domain, guarded adapter) for every adapter serving a capability; a registry
        assembled by hand without guards gives its domain adapters."""
        if self.guards:
            return [(guard.domain, guard) for guard in self.guards]
        return list(self)

    async def aclose(self) -> None:
        for _, adapter in self.guarded():
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


def declared_capabilities(adapter: Any, domain: str, name: str) -> dict[str, bool]:
    """The capabilities of ``domain`` that ``adapter`` serves, each with whether it is
    complete (every method present).

    An adapter with a ``capabilities`` attribute serves exactly those (a vendor adapter);
    one without it serves every capability of the domain it implements, the gateway's own
    state included (the native store, and the REST contract over it).
    """
    declared: frozenset[str] | None = getattr(adapter, "capabilities", None)
    if declared is None:
        return {
            capability: all(callable(getattr(adapter, m, None)) for m in methods_of(capability))
            for capability in capabilities_of(domain)
        }
    unknown = sorted(c for c in declared if c not in CAPABILITIES)
    if unknown:
        raise AdapterConfigError(
            f"adapter {name!r} declares unknown capabilities {', '.join(unknown)} "
            f"(known: {', '.join(capabilities_of_all_vendors())})"
        )
    gateway_state = sorted(c for c in declared if c.startswith("gateway."))
    if gateway_state:
        raise AdapterConfigError(
            f"adapter {name!r} declares {', '.join(gateway_state)}: the gateway's own state "
            "is served by its store, never by a vendor"
        )
    served: dict[str, bool] = {}
    for capability in sorted(declared):
        if CAPABILITIES[capability][0] != domain:
            continue
        missing = [m for m in methods_of(capability) if not callable(getattr(adapter, m, None))]
        if missing:
            raise AdapterConfigError(
                f"adapter {name!r} declares {capability} but lacks {', '.join(missing)}"
            )
        served[capability] = True
    return served


def capabilities_of_all_vendors() -> list[str]:
    return [c for c in CAPABILITIES if not c.startswith("gateway.")]


@dataclass
class Providers:
    """The adapters built for each domain and which of them serves each capability."""

    instances: dict[tuple[str, str], Any]  # (domain, adapter name) -> adapter, unguarded
    routes: dict[str, dict[str, str]]  # domain -> capability -> adapter name
    names: dict[str, str]  # domain -> the adapter configured for it

    def primary(self) -> dict[str, Any]:
        return {domain: self.instances[(domain, name)] for domain, name in self.names.items()}

    def describe(self) -> list[str]:
        """One line per domain: which system serves each capability (the start-up log)."""
        lines = []
        for domain, routes in self.routes.items():
            by_adapter: dict[str, list[str]] = {}
            for capability, name in routes.items():
                by_adapter.setdefault(name, []).append(capability)
            parts = [f"{name}: {', '.join(caps)}" for name, caps in by_adapter.items()]
            lines.append(f"{domain} -> " + "; ".join(parts))
        return lines


def _validated_overrides(settings: Settings, factories: dict[str, AdapterFactory]) -> None:
    for capability, name in settings.capabilities.items():
        if capability not in CAPABILITIES or capability.startswith("gateway."):
            raise AdapterConfigError(
                f"CG_CAPABILITIES names {capability!r}, not a vendor capability "
                f"(known: {', '.join(capabilities_of_all_vendors())})"
            )
        if name not in factories:
            raise AdapterConfigError(
                f"CG_CAPABILITIES[{capability!r}]={name!r} names no adapter "
                f"(known: {', '.join(sorted(factories))})"
            )


def build_providers(settings: Settings, store: Store) -> Providers:
    """Every adapter the configuration needs, unguarded, and the capability routes: each
    capability goes to the adapter ``CG_CAPABILITIES`` names for it, else to the domain's
    adapter when that declares it, else to the gateway's native store."""
    chosen = chosen_factories(settings)
    factories = available_factories()
    _validated_overrides(settings, factories)
    own_settings = {name: own for name, _, own in chosen.values()}
    instances: dict[tuple[str, str], Any] = {}
    served: dict[tuple[str, str], dict[str, bool]] = {}

    def instance(domain: str, name: str) -> dict[str, bool]:
        if (domain, name) not in instances:
            factory = factories[name]
            if name not in own_settings:
                own_settings[name] = adapter_settings(name, factory)
            own = own_settings[name]
            adapter = (
                factory(domain, settings, store)
                if own is None
                else factory(domain, settings, store, own)
            )
            instances[(domain, name)] = adapter
            served[(domain, name)] = declared_capabilities(adapter, domain, name)
        return served[(domain, name)]

    routes: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    for domain, (name, _, _) in chosen.items():
        names[domain] = name
        primary = instance(domain, name)
        if getattr(instances[(domain, name)], "capabilities", None) is None and not isinstance(
            instances[(domain, name)], PORTS[domain]
        ):
            raise AdapterConfigError(
                f"adapter {name!r} for {domain} neither declares capabilities nor "
                f"implements {PORTS[domain].__name__}"
            )
        if not any(primary.values()):
            declared = sorted(getattr(instances[(domain, name)], "capabilities", ()))
            raise AdapterConfigError(
                f"CG_ADAPTERS__{domain.upper()}={name!r}: adapter {name!r} serves none of "
                f"{domain}'s capabilities (it declares {', '.join(declared) or 'none'})"
            )
        domain_routes: dict[str, str] = {}
        for capability in capabilities_of(domain):
            override = settings.capabilities.get(capability)
            if override is not None:
                if not instance(domain, override).get(capability):
                    raise AdapterConfigError(
                        f"CG_CAPABILITIES[{capability!r}]={override!r}: that adapter does "
                        f"not serve {capability}"
                    )
                domain_routes[capability] = override
            elif primary.get(capability):
                domain_routes[capability] = name
            elif instance(domain, "native").get(capability):
                domain_routes[capability] = "native"
            # else: nobody serves it (an optional capability such as customer.write_back)
        routes[domain] = domain_routes
    return Providers(instances, routes, names)


def build_adapters(settings: Settings, store: Store) -> tuple[dict[str, Any], dict[str, str]]:
    """Each domain's configured adapter, unguarded, and the adapter names."""
    providers = build_providers(settings, store)
    return providers.primary(), providers.names


def guarded_registry(
    adapters: dict[str, Any] | Providers,
    names: dict[str, str] | None,
    settings: Settings,
    store: Store,
) -> AdapterRegistry:
    """Telemetry, cache, resilience and faults around each adapter, routed by capability,
    plus the gateway's own checkout records on the native store."""
    from commercegraph.adapters.native.checkouts import NativeCheckoutLog
    from commercegraph.adapters.native.privacy import NativePrivacy
    from commercegraph.adapters.native.tenders import NativeTenders
    from commercegraph.gateway.guard import guard_providers

    if isinstance(adapters, Providers):
        providers = adapters
    else:  # adapters assembled by hand: each serves its whole domain
        assert names is not None
        providers = Providers(
            {(domain, names[domain]): adapter for domain, adapter in adapters.items()},
            {domain: {c: names[domain] for c in capabilities_of(domain)} for domain in adapters},
            dict(names),
        )
    domains, guards = guard_providers(providers, settings)
    return AdapterRegistry(
        **domains,
        names=providers.names,
        routes=providers.routes,
        guards=guards,
        checkouts=NativeCheckoutLog(store),
        in_store=NativeInStore(store),
        tenders=NativeTenders(store),
        privacy=NativePrivacy(store),
        own_store=store,
    )


def build_registry(settings: Settings, store: Store) -> AdapterRegistry:
    return guarded_registry(build_providers(settings, store), None, settings, store)
