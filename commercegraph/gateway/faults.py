"""Fault injection for tests, demos and benchmarks: ``CG_FAULTS`` wraps adapters.

``CG_FAULTS="content:latency_ms=50;pricing:error_rate=1.0;inventory:timeout=1"``
- ``latency_ms=N``: every call waits N ms before reaching the backend;
- ``error_rate=P``: a call fails as ``BACKEND_UNAVAILABLE`` with probability P;
- ``timeout=1``: every call hangs until the resilience timeout gives up on it.
``*`` as the domain applies to every backend. Faults sit below the resilience layer, so
timeouts, retries and circuit breakers react to them as they would to a real backend.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any

from commercegraph.config import DOMAINS
from commercegraph.errors import BackendUnavailable

HANG_S = 3_600.0  # a hung call waits this long; the per-backend timeout ends it first


@dataclass(frozen=True)
class Fault:
    latency_ms: float = 0.0
    error_rate: float = 0.0
    timeout: bool = False

    @property
    def active(self) -> bool:
        return self.latency_ms > 0 or self.error_rate > 0 or self.timeout


def parse_faults(spec: str) -> dict[str, Fault]:
    """``"content:latency_ms=50;pricing:error_rate=1"`` → a fault per domain."""
    faults: dict[str, Fault] = {}
    for clause in filter(None, (c.strip() for c in spec.split(";"))):
        domain, sep, settings = clause.partition(":")
        domain = domain.strip().lower()
        targets = DOMAINS if domain == "*" else (domain,)
        if not sep or (domain != "*" and domain not in DOMAINS):
            raise ValueError(f"CG_FAULTS: {clause!r} must be <domain>:<key>=<value>,...")
        for domain_name in targets:
            faults[domain_name] = _apply(faults.get(domain_name, Fault()), settings, clause)
    return faults


def _apply(fault: Fault, settings: str, clause: str) -> Fault:
    for pair in filter(None, (p.strip() for p in settings.split(","))):
        key, _, raw = pair.partition("=")
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"CG_FAULTS: {pair!r} in {clause!r} needs a number") from None
        if key == "latency_ms" and value >= 0:
            fault = replace(fault, latency_ms=value)
        elif key == "error_rate" and 0 <= value <= 1:
            fault = replace(fault, error_rate=value)
        elif key == "timeout":
            fault = replace(fault, timeout=value > 0)
        else:
            raise ValueError(
                f"CG_FAULTS: {pair!r} in {clause!r}: use latency_ms>=0, error_rate in [0,1], "
                "timeout=0|1"
            )
    return fault


class FaultyAdapter:
    """Delays, fails or hangs the wrapped adapter's port methods as its ``Fault`` says."""

    def __init__(
        self,
        domain: str,
        inner: Any,
        fault: Fault,
        methods: frozenset[str],
        rng: random.Random | None = None,
    ) -> None:
        self.domain = domain
        self.inner = inner
        self.fault = fault
        self.methods = methods
        self.rng = rng or random.Random()

    def __getattr__(self, name: str) -> Any:
        target = getattr(self.inner, name)
        if name not in self.methods:
            return target
        return self._faulty(target)

    def _faulty(
        self, target: Callable[..., Coroutine[Any, Any, Any]]
    ) -> Callable[..., Coroutine[Any, Any, Any]]:
        async def call(*args: Any, **kwargs: Any) -> Any:
            fault = self.fault
            if fault.latency_ms:
                await asyncio.sleep(fault.latency_ms / 1000)
            if fault.timeout:
                await asyncio.sleep(HANG_S)
            if fault.error_rate and self.rng.random() < fault.error_rate:
                raise BackendUnavailable(self.domain, f"The {self.domain} backend failed (fault)")
            return await target(*args, **kwargs)

        return call
