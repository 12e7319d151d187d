"""The contract kit as a pytest plugin: ``pytest --commercegraph-adapter=NAME``.

Registered under the ``pytest11`` entry point, so any environment with CommerceGraph
installed has it. Given an adapter name, it adds the kit's suite (``suite.py``) to the
run, builds the adapter as the gateway would (the ``commercegraph.adapters`` entry point,
its own settings from ``CG_<NAME>__*``, the store from ``CG_DATABASE_URL``) and runs one
test per check of each declared capability::

    CG_ACME__URL=http://127.0.0.1:8080 CG_ADAPTERS__CONTENT=acme \\
        pytest --commercegraph-adapter=acme

The domains checked are ``--commercegraph-domain`` (repeatable), else those whose
``CG_ADAPTERS__<DOMAIN>`` names the adapter, else the factory's ``domains`` attribute.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from commercegraph.contract.fixture import ContractFixture, fixture_for
from commercegraph.contract.kit import Check, Subject, checks_for

ADAPTER_OPTION = "--commercegraph-adapter"
DOMAIN_OPTION = "--commercegraph-domain"
SUITE = Path(__file__).with_name("suite.py")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("commercegraph", "CommerceGraph adapter contract kit")
    group.addoption(ADAPTER_OPTION, metavar="NAME", help="run the contract kit on this adapter")
    group.addoption(
        DOMAIN_OPTION,
        action="append",
        default=[],
        metavar="DOMAIN",
        help="the domain to check it for (repeatable; default: CG_ADAPTERS__* naming it)",
    )


def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    if early_config.known_args_namespace.commercegraph_adapter and str(SUITE) not in args:
        args.append(str(SUITE))


def pytest_configure(config: pytest.Config) -> None:
    name = config.getoption(ADAPTER_OPTION)
    if name:
        factory_named(name)


@contextmanager
def environment(overrides: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@asynccontextmanager
async def built(name: str, domain: str, env: Mapping[str, str] | None = None) -> AsyncIterator[Any]:
    """The adapter as the gateway builds it (unguarded), closed on exit."""
    from commercegraph import bootstrap
    from commercegraph.adapters.registry import adapter_settings

    with environment(env or {}):
        settings = bootstrap.load_settings()
        factory = factory_named(name)
        own = adapter_settings(name, factory)
    store = bootstrap.create_store(settings)
    adapter = (
        factory(domain, settings, store) if own is None else factory(domain, settings, store, own)
    )
    try:
        yield adapter
    finally:
        close = getattr(adapter, "aclose", None)
        if close is not None:
            await close()
        await store.dispose()


def factory_named(name: str) -> Any:
    from commercegraph.adapters.registry import available_factories

    factories = available_factories()
    if name not in factories:
        known = ", ".join(sorted(factories))
        raise pytest.UsageError(f"{ADAPTER_OPTION}={name}: no such adapter (known: {known})")
    return factories[name]


def domains_of(config: pytest.Config, name: str) -> list[str]:
    from commercegraph import bootstrap
    from commercegraph.config import DOMAINS

    chosen: list[str] = config.getoption(DOMAIN_OPTION)
    if not chosen:
        settings = bootstrap.load_settings()
        chosen = [d for d in DOMAINS if settings.adapters.for_domain(d) == name]
    if not chosen:
        chosen = list(getattr(factory_named(name), "domains", ()))
    if not chosen:
        raise pytest.UsageError(
            f"say which domain {name!r} serves: {DOMAIN_OPTION}=content or "
            f"CG_ADAPTERS__CONTENT={name}"
        )
    unknown = [d for d in chosen if d not in DOMAINS]
    if unknown:
        raise pytest.UsageError(f"{DOMAIN_OPTION}: unknown domain {', '.join(unknown)}")
    return chosen


@dataclass(frozen=True)
class PlannedCheck:
    """One check of one domain of the adapter, run on an adapter built for it alone."""

    name: str
    domain: str
    fixture: ContractFixture
    check: Check

    @property
    def id(self) -> str:
        return f"{self.name}-{self.domain}-{self.check.id}"

    def point_at(self, env: Mapping[str, str]) -> AbstractAsyncContextManager[Any]:
        return built(self.name, self.domain, env)

    async def run(self) -> None:
        async with built(self.name, self.domain) as adapter:
            subject = Subject(self.name, self.domain, adapter, self.fixture, self.point_at)
            await self.check.run(subject)


async def _noop(subject: Subject) -> None:
    return None


async def plan(name: str, domains: list[str]) -> list[PlannedCheck]:
    planned: list[PlannedCheck] = []
    for domain in domains:
        async with built(name, domain) as adapter:
            fixture = fixture_for(domain, adapter, factory_named(name))
            point_at = PlannedCheck(name, domain, fixture, Check("", "", _noop)).point_at
            subject = Subject(name, domain, adapter, fixture, point_at)
            planned.extend(PlannedCheck(name, domain, fixture, c) for c in checks_for(subject))
    return planned


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "contract_check" not in metafunc.fixturenames:
        return
    name = metafunc.config.getoption(ADAPTER_OPTION)
    if not name:
        metafunc.parametrize("contract_check", [pytest.param(None, marks=pytest.mark.skip(
            reason=f"no {ADAPTER_OPTION} given"))])  # fmt: skip
        return
    planned = asyncio.run(plan(name, domains_of(metafunc.config, name)))
    metafunc.parametrize("contract_check", planned, ids=[p.id for p in planned])
