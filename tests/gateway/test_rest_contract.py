"""The rest adapters pass the same port contract as the native ones, over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from commercegraph.adapters.base import PORTS
from commercegraph.adapters.registry import AdapterRegistry, build_registry
from commercegraph.adapters.rest.endpoints import endpoints
from commercegraph.adapters.testing import CHECKS, ContractFixture
from commercegraph.backends import BackendServers
from commercegraph.config import DOMAINS
from tests.conftest import SeededDatabase
from tests.factories import store_for
from tests.gateway.conftest import rest_settings


@pytest_asyncio.fixture(scope="module")
async def rest(
    seeded_db: SeededDatabase, backends: BackendServers
) -> AsyncIterator[AdapterRegistry]:
    store = store_for(seeded_db.url)
    registry = build_registry(rest_settings(seeded_db.url, backends.urls), store)
    yield registry
    await registry.aclose()
    await store.dispose()


@pytest.mark.parametrize("domain", DOMAINS)
async def test_rest_adapter_passes_contract(rest: AdapterRegistry, domain: str) -> None:
    assert rest.names[domain] == "rest"
    await CHECKS[domain](getattr(rest, domain), ContractFixture())


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_port_method_has_a_rest_endpoint(domain: str) -> None:
    methods = {n for n in dir(PORTS[domain]) if not n.startswith("_")}
    assert methods == set(endpoints(domain))


async def test_cart_writes_travel_over_rest(rest: AdapterRegistry) -> None:
    cart = await rest.commerce.create_cart(None, "WEB", "USD")
    updated = await rest.commerce.set_cart_line(cart.id, ContractFixture().sku, 2)
    assert updated.id == cart.id and [(x.sku, x.quantity) for x in updated.lines] == [
        (ContractFixture().sku, 2)
    ]
    (again,) = await rest.commerce.carts_by_id([cart.id])
    assert again == updated


async def test_backend_errors_keep_their_code_over_rest(rest: AdapterRegistry) -> None:
    from commercegraph.errors import NotFound

    with pytest.raises(NotFound, match="cart_missing"):
        await rest.commerce.set_cart_line("cart_missing", ContractFixture().sku, 1)
