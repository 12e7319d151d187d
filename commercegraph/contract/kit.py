"""The contract kit: which checks an adapter must pass, from the capabilities it declares.

>>> subject = Subject("acme", "content", adapter, fixture_for("content", create_adapter))
>>> for check in checks_for(subject):
...     await check.run(subject)          # raises ContractViolation naming the rule

An adapter declares ``capabilities`` (a frozenset of vendor capabilities from
``commercegraph.ports.capabilities``); one without the attribute (``native``, ``rest``) is
held to every vendor capability of its domain whose methods it has. Each capability gets
a ``reads`` check, a ``writes`` check where it has writes the kit knows, and an ``errors``
check when the subject can be pointed at the kit's fault server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from commercegraph.contract.faults import FaultServer, check_errors
from commercegraph.contract.fixture import ContractFixture, ContractViolation
from commercegraph.contract.reads import READS
from commercegraph.contract.writes import NEEDS, WRITES
from commercegraph.ports.capabilities import CAPABILITIES, capabilities_of, methods_of

# a fresh adapter of the subject's kind built with these CG_* variables set
PointAt = Callable[[Mapping[str, str]], AbstractAsyncContextManager[Any]]


@dataclass
class Subject:
    """The adapter under test, its domain, the keys its backend holds."""

    name: str
    domain: str
    adapter: Any
    fixture: ContractFixture
    point_at: PointAt | None = None  # None: the error-mapping checks do not apply


@dataclass(frozen=True)
class Check:
    capability: str
    kind: str  # reads | writes | errors
    run: Callable[[Subject], Awaitable[None]]

    @property
    def id(self) -> str:
        return f"{self.capability}:{self.kind}"


def declared_capabilities(adapter: Any, domain: str) -> list[str]:
    """The vendor capabilities of ``domain`` the adapter serves, in the table's order.

    As in the registry, an adapter may declare capabilities of several domains (one
    factory serving commerce and pricing); those of other domains are checked there.
    """
    declared = getattr(adapter, "capabilities", None)
    if declared is None:
        return [
            c
            for c in capabilities_of(domain, vendor=True)
            if all(callable(getattr(adapter, m, None)) for m in methods_of(c))
        ]
    unknown = sorted(c for c in declared if c not in CAPABILITIES)
    if unknown:
        raise ContractViolation(f"capabilities: unknown {', '.join(unknown)}")
    gateway_state = sorted(c for c in declared if c.startswith("gateway."))
    if gateway_state:
        raise ContractViolation(
            f"capabilities: {', '.join(gateway_state)} are the gateway's own state, "
            "never a vendor's"
        )
    for capability in (c for c in declared if CAPABILITIES[c][0] == domain):
        missing = [m for m in methods_of(capability) if not callable(getattr(adapter, m, None))]
        if missing:
            raise ContractViolation(f"{capability}: declared but lacks {', '.join(missing)}")
    return [c for c in capabilities_of(domain, vendor=True) if c in declared]


def _reads(capability: str) -> Callable[[Subject], Awaitable[None]]:
    async def run(subject: Subject) -> None:
        await READS[capability](subject.adapter, subject.fixture)

    return run


def _writes(capability: str) -> Callable[[Subject], Awaitable[None]]:
    async def run(subject: Subject) -> None:
        await WRITES[capability](subject.adapter, subject.fixture)

    return run


def _errors(capability: str) -> Callable[[Subject], Awaitable[None]]:
    async def run(subject: Subject) -> None:
        fault_env = subject.fixture.fault_env
        assert subject.point_at is not None and fault_env is not None
        async with FaultServer() as server:
            async with subject.point_at(fault_env(server.url)) as adapter:
                await check_errors(capability, adapter, server, subject.fixture)

    return run


def checks_for(subject: Subject) -> list[Check]:
    """Every check the subject must pass, in a stable order."""
    capabilities = declared_capabilities(subject.adapter, subject.domain)
    checks: list[Check] = []
    for capability in capabilities:
        if capability in READS:
            checks.append(Check(capability, "reads", _reads(capability)))
        if capability in WRITES and NEEDS.get(capability, frozenset()) <= set(capabilities):
            checks.append(Check(capability, "writes", _writes(capability)))
        if subject.point_at is not None and subject.fixture.fault_env is not None:
            checks.append(Check(capability, "errors", _errors(capability)))
    return checks


async def violations(subject: Subject) -> dict[str, str]:
    """Run every check; ``{check id: the rule broken}`` for those that failed."""
    failed: dict[str, str] = {}
    for check in checks_for(subject):
        try:
            await check.run(subject)
        except ContractViolation as exc:
            failed[check.id] = str(exc)
    return failed
