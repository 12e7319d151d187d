"""The contract kit over every adapter the gateway ships: native, rest and the fakes.

``native`` runs on a seeded SQLite store of its own (the write checks change data),
``rest`` against the reference backends serving that store on loopback, and its error
mapping against the kit's loopback fault server; the fakes run in memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from commercegraph.adapters.native import NATIVE_ADAPTERS
from commercegraph.adapters.rest import contract_fixture as rest_fixture
from commercegraph.adapters.rest import create_adapter as create_rest
from commercegraph.adapters.rest.endpoints import endpoints
from commercegraph.backends import BackendServers
from commercegraph.config import DOMAINS, Settings
from commercegraph.contract import ContractFixture, Subject, checks_for, declared_capabilities
from commercegraph.contract.fakes import FAKES
from commercegraph.contract.kit import PointAt
from commercegraph.contract.pytest_plugin import built
from commercegraph.gateway.settings import RestBackend, RestSettings
from commercegraph.store.db import Store
from tests.factories import migrate_and_seed, store_for


class _Methods:
    """Stands for an adapter class whose methods are the names given."""

    def __init__(self, names: list[str]) -> None:
        for name in names:
            setattr(self, name, lambda *args: None)


def _rest_at(domain: str) -> PointAt:
    return lambda env: built("rest", domain, env)


def _planned(kind: str) -> list[Any]:
    """``(domain, check id)`` of every check the adapter kind must pass."""
    params = []
    for domain in DOMAINS:
        shape = {
            "native": NATIVE_ADAPTERS[domain],
            "rest": _Methods(list(endpoints(domain))),
            "fake": FAKES[domain],
        }[kind]
        fx = rest_fixture(domain) if kind == "rest" else ContractFixture()
        probe = Subject(kind, domain, shape, fx, _rest_at(domain) if kind == "rest" else None)
        assert declared_capabilities(shape, domain)
        params += [pytest.param(domain, c.id, id=c.id) for c in checks_for(probe)]
    return params


@pytest.fixture(scope="module")
def contract_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("contract") / "demo.db"
    url = f"sqlite+aiosqlite:///{path}"
    with ThreadPoolExecutor(1) as pool:  # the seed runs its own event loop
        pool.submit(migrate_and_seed, url).result()
    return url


@pytest.fixture(scope="module")
def reference_backends(contract_db: str) -> Iterator[BackendServers]:
    with BackendServers(Settings(database_url=contract_db)) as servers:
        yield servers


@pytest_asyncio.fixture(scope="module")
async def store(contract_db: str) -> AsyncIterator[Store]:
    store = store_for(contract_db)
    yield store
    await store.dispose()


@pytest.mark.parametrize(("domain", "check_id"), _planned("fake"))
async def test_fake_passes_the_kit(domain: str, check_id: str) -> None:
    fake = FAKES[domain].sample()  # type: ignore[attr-defined]
    await _run(Subject("fake", domain, fake, ContractFixture()), check_id)


@pytest.mark.parametrize(("domain", "check_id"), _planned("native"))
async def test_native_passes_the_kit(
    domain: str, check_id: str, contract_db: str, store: Store
) -> None:
    adapter = NATIVE_ADAPTERS[domain](store, Settings(database_url=contract_db))
    await _run(Subject("native", domain, adapter, ContractFixture()), check_id)


@pytest.mark.parametrize(("domain", "check_id"), _planned("rest"))
async def test_rest_passes_the_kit(
    domain: str, check_id: str, contract_db: str, store: Store, reference_backends: BackendServers
) -> None:
    url = reference_backends.urls[domain]
    settings = Settings(
        database_url=contract_db, rest=RestSettings(**{domain: RestBackend(url=url)})
    )
    adapter = create_rest(domain, settings, store)
    try:
        subject = Subject("rest", domain, adapter, rest_fixture(domain), _rest_at(domain))
        await _run(subject, check_id)
    finally:
        await adapter.aclose()


async def _run(subject: Subject, check_id: str) -> None:
    (check,) = [c for c in checks_for(subject) if c.id == check_id]
    await check.run(subject)
