"""The wrapper every adapter sits behind: telemetry, cache, resilience and injected faults.

``guard_providers`` is applied by the registry to every adapter serving a capability (one
guard per domain and adapter, so a failing vendor catalog opens its own circuit, not the one
of the native carts beside it). Methods and whether each is a read come from the capability
table (``commercegraph.ports.capabilities``); only reads are retried.
"""

from __future__ import annotations

import inspect
import statistics
import time
from collections import Counter, deque
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from opentelemetry.trace import SpanKind, Status, StatusCode, get_current_span

from commercegraph.adapters.base import PORTS
from commercegraph.config import Settings
from commercegraph.gateway.cache import MISSING, Cache, build_cache
from commercegraph.gateway.circuit import CircuitState
from commercegraph.gateway.faults import Fault, FaultyAdapter, parse_faults
from commercegraph.gateway.resilience import CallRecord, Resilience
from commercegraph.ports.capabilities import operations
from commercegraph.telemetry import BACKEND_CALLS, BACKEND_ERRORS, tracer
from commercegraph.telemetry.histogram import BoundHistogram
from commercegraph.telemetry.instruments import BACKEND_DURATIONS, BATCH_SIZES

if TYPE_CHECKING:
    from commercegraph.adapters.registry import Providers

LATENCY_WINDOW = 512  # recent calls behind latencyP50Ms: enough to be stable, cheap to sort
KEY_TEXTS_KEPT = 20_000  # cache keys' texts remembered a method; past it the table starts over

# Read-mostly data, shared across requests for the cache TTL: catalog, content and stores.
CACHED_METHODS: dict[str, frozenset[str]] = {
    "commerce": frozenset(
        {"products_by_id", "products_by_sku", "categories_by_id", "related_products"}
    ),
    "content": frozenset({"entries"}),
    "inventory": frozenset({"locations", "locations_by_id"}),
}

AsyncMethod = Callable[..., Coroutine[Any, Any, Any]]


@cache
def port_methods(domain: str) -> dict[str, bool]:
    """The domain's methods, each mapped to whether it is a read (marked explicitly in
    ``commercegraph.ports.capabilities``)."""
    return {name: read for name, (read, _) in _port_signatures(domain).items()}


@cache
def _port_signatures(domain: str) -> dict[str, tuple[bool, str | None]]:
    """Each method: whether it is a read, and the name of its first parameter (so keys
    given by name batch like keys given by position)."""
    port = PORTS[domain]
    methods: dict[str, tuple[bool, str | None]] = {}
    for name, operation in operations(domain).items():
        member = getattr(port, name, None)
        first: str | None = None
        if member is not None:
            params = list(inspect.signature(member).parameters.values())[1:]
            first = params[0].name if params else None
        methods[name] = (operation.read, first)
    return methods


def _is_batch(first: Any) -> bool:
    """Whether a read's first argument is its batch of keys: a sequence, but not one id
    (a ``str`` is a sequence of characters: ``order_for_key(customer_id, ...)`` and
    ``referrer_for_code(code)`` take one)."""
    if type(first) is list or type(first) is tuple:  # what loaders pass: skip the ABC check
        return True
    return isinstance(first, Sequence) and not isinstance(first, str | bytes)


@dataclass(frozen=True, slots=True)
class _CallMeters:
    """An operation's metric labels and bound histograms for one outcome."""

    labels: dict[str, str]
    duration: BoundHistogram
    batch_size: BoundHistogram
    failed: bool


@dataclass(frozen=True)
class BackendHealth:
    name: str
    domain: str
    adapter: str
    healthy: bool
    circuit: str
    latency_p50_ms: float | None
    calls: int
    capabilities: tuple[str, ...] = ()


class GuardedAdapter:
    def __init__(
        self,
        domain: str,
        adapter_name: str,
        inner: Any,
        resilience: Resilience,
        cache: Cache | None,
        *,
        owns_cache: bool = False,
    ) -> None:
        self.domain = domain
        self.adapter_name = adapter_name
        self.inner = inner
        self.target = inner
        self.resilience = resilience
        self.cache = cache
        self.owns_cache = owns_cache
        self.methods = port_methods(domain)
        # the capabilities this adapter serves for the domain (set by guard_providers)
        self.capabilities: list[str] = []
        self.cached = CACHED_METHODS.get(domain, frozenset()) if cache is not None else frozenset()
        self.latencies: deque[float] = deque(maxlen=LATENCY_WINDOW)
        self.calls: Counter[str] = Counter()
        self.last_outcome = "ok"
        # bounded: the port's methods times the handful of outcomes
        self._label_sets: dict[tuple[str, str | None], dict[str, str]] = {}
        self._meters: dict[tuple[str, str], _CallMeters] = {}
        # cache keys of keys other than text and integers, by method (see `_cache_keys`)
        self._key_texts: dict[str, dict[Any, str]] = {}

    def __getattr__(self, name: str) -> Any:
        if name not in self.methods:
            return getattr(self.inner, name)
        guarded = self._guard(name)
        self.__dict__[name] = guarded  # later lookups skip __getattr__
        return guarded

    def set_fault(self, fault: Fault | None) -> None:
        """Inject (or with None, clear) a fault below the resilience layer."""
        if fault is None or not fault.active:
            self.target = self.inner
        else:
            self.target = FaultyAdapter(self.domain, self.inner, fault, frozenset(self.methods))

    def _guard(self, name: str) -> AsyncMethod:
        read, first_param = _port_signatures(self.domain)[name]
        span_name = f"{self.domain}.{name}"
        cached = name in self.cached

        async def call(*args: Any, **kwargs: Any) -> Any:
            if not args and first_param in kwargs:  # keys given by name: same batch as by position
                args = (kwargs.pop(first_param),)
            keys = args[0] if args and read and _is_batch(args[0]) else None
            if keys is not None and len(keys) == 0:
                return []
            size = len(keys) if keys is not None else 1
            record = CallRecord()
            started = time.perf_counter()
            current = get_current_span()
            if not current.is_recording() and current.get_span_context().is_valid:
                # The sampler decided for the whole request when its first span started, and
                # decided against recording: its backend calls start no span of their own
                # (the request's trace id still reaches logs and backends).
                hits = 0
                try:
                    result, hits = await self._run(name, cached, read, args, kwargs, record)
                finally:
                    self._finish(None, name, size, hits, record, started)
                return result
            with tracer.start_as_current_span(span_name, kind=SpanKind.CLIENT) as span:
                recording = span.is_recording()
                if recording:
                    span.set_attributes(
                        {
                            "backend.name": self.domain,
                            "backend.adapter": self.adapter_name,
                            "backend.operation": name,
                            "backend.batch_size": size,
                        }
                    )
                hits = 0
                try:
                    result, hits = await self._run(name, cached, read, args, kwargs, record)
                except BaseException as exc:
                    if recording:
                        span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                    raise
                finally:
                    self._finish(span if recording else None, name, size, hits, record, started)
            return result

        call.__name__ = name
        return call

    async def _run(
        self,
        name: str,
        cached: bool,
        read: bool,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        record: CallRecord,
    ) -> tuple[Any, int]:
        """The call through the cache (when the method is cached) and resilience: the
        result, and how many of its keys the cache answered."""
        if cached:
            return await self._cached(name, args, kwargs, record)
        method = getattr(self.target, name)
        result = await self.resilience.run(
            lambda: method(*args, **kwargs), read=read, record=record
        )
        return result, 0

    def _labels(self, name: str, outcome: str | None) -> dict[str, str]:
        """Metric labels, built once per operation and outcome rather than once per call."""
        key = (name, outcome)
        labels = self._label_sets.get(key)
        if labels is None:
            labels = {"backend": self.domain, "operation": name}
            if outcome is not None:
                labels["outcome"] = outcome
            self._label_sets[key] = labels
        return labels

    def _bind(self, name: str, outcome: str) -> _CallMeters:
        labels = self._labels(name, outcome)
        meters = _CallMeters(
            labels,
            BACKEND_DURATIONS.bind(labels),
            BATCH_SIZES.bind(self._labels(name, None)),
            failed=outcome not in ("ok", "rejected", "cache_hit"),
        )
        self._meters[(name, outcome)] = meters
        return meters

    def _finish(
        self, span: Any, name: str, size: int, hits: int, record: CallRecord, started: float
    ) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000
        outcome = record.outcome if record.attempts else "cache_hit"
        if span is not None:
            span.set_attributes(
                {
                    "backend.attempt": record.attempts,
                    "backend.cache_hit": hits == size,
                    "backend.cache_hits": hits,
                    "backend.circuit": record.circuit,
                    "backend.outcome": outcome,
                }
            )
        meters = self._meters.get((name, outcome)) or self._bind(name, outcome)
        BACKEND_CALLS.add(1, meters.labels)
        if span is None:
            meters.duration.record(elapsed_ms / 1000)
            meters.batch_size.record(size)
        else:  # a sampled call's values may carry an exemplar pointing at its trace
            meters.duration.record_now(elapsed_ms / 1000)
            meters.batch_size.record_now(size)
        if meters.failed:
            BACKEND_ERRORS.add(1, meters.labels)
        if record.reached_backend:
            self.calls[name] += 1
            self.latencies.append(elapsed_ms)
            self.last_outcome = record.outcome

    async def _cached(
        self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], record: CallRecord
    ) -> tuple[Any, int]:
        assert self.cache is not None
        method = getattr(self.target, name)
        if not args:  # a whole-collection read such as locations()
            key = f"{self.domain}:{name}:()"
            (value,) = await self.cache.get_many([key])
            if value is not MISSING:
                return _copy(value), 1
            value = await self.resilience.run(method, read=True, record=record)
            await self.cache.set_many({key: value})
            return value, 0
        keys: Sequence[Any] = args[0]
        cache_keys = self._cache_keys(name, keys)
        found = await self.cache.get_many(cache_keys)
        missing = [i for i, v in enumerate(found) if v is MISSING]
        if missing:
            wanted = [keys[i] for i in missing]
            fetched = await self.resilience.run(
                lambda: method(wanted, *args[1:], **kwargs), read=True, record=record
            )
            for i, value in zip(missing, fetched, strict=True):
                found[i] = value
            await self.cache.set_many({cache_keys[i]: found[i] for i in missing})
        return [_copy(v) for v in found], len(keys) - len(missing)

    def _cache_keys(self, name: str, keys: Sequence[Any]) -> list[str]:
        """``f"{domain}:{name}:{key!r}"`` of each key. A dataclass's ``repr`` is a few Python
        calls a key (a product page's content keys: one a product), so the text of a key
        other than text or an integer is remembered: equal keys share it, as they share an
        answer in a request's loader."""
        prefix = f"{self.domain}:{name}:"
        known = self._key_texts.get(name)
        if known is None:
            known = self._key_texts[name] = {}
        texts: list[str] = []
        for key in keys:
            if key.__class__ is str or key.__class__ is int or key.__class__ is tuple:
                texts.append(f"{prefix}{key!r}")
                continue
            try:
                text = known.get(key)
            except TypeError:  # an unhashable key: its text each time
                texts.append(f"{prefix}{key!r}")
                continue
            if text is None:
                if len(known) >= KEY_TEXTS_KEPT:
                    known.clear()
                text = known[key] = f"{prefix}{key!r}"
            texts.append(text)
        return texts

    def health(self) -> BackendHealth:
        state = self.resilience.breaker.state
        latencies = list(self.latencies)
        return BackendHealth(
            name=str(
                getattr(self.inner, "display_name", None) or f"{self.adapter_name}:{self.domain}"
            ),
            domain=self.domain,
            adapter=self.adapter_name,
            healthy=state is CircuitState.CLOSED and self.last_outcome in ("ok", "rejected"),
            circuit=state.value,
            latency_p50_ms=round(statistics.median(latencies), 3) if latencies else None,
            calls=sum(self.calls.values()),
            capabilities=tuple(self.capabilities),
        )

    async def invalidate_cache(self) -> int:
        return await self.cache.invalidate(self.domain) if self.cache is not None else 0

    async def aclose(self) -> None:
        close = getattr(self.inner, "aclose", None)
        if close is not None:
            await close()
        if self.owns_cache and self.cache is not None:
            await self.cache.aclose()


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def guard_adapters(
    adapters: dict[str, Any], names: dict[str, str], settings: Settings
) -> dict[str, GuardedAdapter]:
    """Wrap each domain's adapter; one cache is shared by all of them."""
    guards = _guard_each([(d, names[d], a) for d, a in adapters.items()], settings)
    return {domain: guard for (domain, _), guard in guards.items()}


def _guard_each(
    adapters: list[tuple[str, str, Any]], settings: Settings
) -> dict[tuple[str, str], GuardedAdapter]:
    """A guard per (domain, adapter name, adapter); one cache is shared by all of them."""
    faults = parse_faults(settings.faults)
    shared = (
        build_cache(
            settings.redis_url,
            settings.cache_ttl_seconds,
            settings.cache_prefix,
            settings.jwt_secret,
        )
        if settings.cache_ttl_seconds > 0
        else None
    )
    guarded: dict[tuple[str, str], GuardedAdapter] = {}
    for index, (domain, name, adapter) in enumerate(adapters):
        guard = GuardedAdapter(
            domain,
            name,
            adapter,
            Resilience(domain, settings.resilience.for_domain(domain).for_adapter(name)),
            shared,
            owns_cache=index == 0,
        )
        guard.set_fault(faults.get(domain))
        guarded[(domain, name)] = guard
    return guarded


def guard_providers(
    providers: Providers, settings: Settings
) -> tuple[dict[str, Any], list[GuardedAdapter]]:
    """A guard per (domain, adapter) in use, and each domain's entry point: the guard itself
    when one adapter serves the whole domain, else a ``CapabilityRouter`` over its guards."""
    used: dict[tuple[str, str], list[str]] = {}
    for domain, routes in providers.routes.items():
        for capability, name in routes.items():
            used.setdefault((domain, name), []).append(capability)
    for domain, name in providers.names.items():  # configured but overridden away: closed
        used.setdefault((domain, name), [])
    guards = _guard_each(
        [(domain, name, providers.instances[(domain, name)]) for domain, name in used], settings
    )
    for key, guard in guards.items():
        guard.capabilities = used[key]
    entries: dict[str, Any] = {}
    for domain, routes in providers.routes.items():
        serving = set(routes.values())
        configured = providers.names[domain]
        primary = guards[(domain, configured if configured in serving else "native")]
        if len(serving) == 1:
            # one adapter serves everything served (an optional capability nobody serves,
            # such as CRM write-back, is looked up in ``registry.routes`` by its callers)
            entries[domain] = guards[(domain, serving.pop())]
        else:
            entries[domain] = CapabilityRouter(domain, primary, guards, routes)
    return entries, list(guards.values())


class CapabilityRouter:
    """A domain served by several adapters: each method is the guarded method of the adapter
    serving its capability, bound once (plain attributes: no lookup per call)."""

    def __init__(
        self,
        domain: str,
        primary: GuardedAdapter,
        guards: dict[tuple[str, str], GuardedAdapter],
        routes: dict[str, str],
    ) -> None:
        self.domain = domain
        self.primary = primary
        self.routes = dict(routes)
        for name, operation in operations(domain).items():
            adapter = routes.get(operation.capability)
            if adapter is not None:
                setattr(self, name, getattr(guards[(domain, adapter)], name))

    def __getattr__(self, name: str) -> Any:
        operation = operations(self.__dict__["domain"]).get(name)
        if operation is not None:
            raise CapabilityNotServed(
                f"no configured adapter serves {operation.capability} ({self.domain}.{name})"
            )
        return getattr(self.__dict__["primary"], name)


class CapabilityNotServed(RuntimeError):
    """An optional capability (such as writing back to a CRM) that no adapter serves."""
