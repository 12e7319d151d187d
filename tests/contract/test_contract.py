"""Every shipped adapter passes the port contract (commercegraph.adapters.testing)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from commercegraph.adapters.registry import AdapterRegistry, build_registry
from commercegraph.adapters.testing import CHECKS, ContractFixture, ContractViolation, check_pricing
from commercegraph.config import DOMAINS
from tests.conftest import SeededDatabase, settings_for
from tests.factories import store_for


@pytest_asyncio.fixture(scope="module")
async def native(seeded_db: SeededDatabase) -> AsyncIterator[AdapterRegistry]:
    store = store_for(seeded_db.url)
    yield build_registry(settings_for(seeded_db.url), store)
    await store.dispose()


@pytest.mark.parametrize("domain", DOMAINS)
async def test_native_adapter_passes_contract(native: AdapterRegistry, domain: str) -> None:
    await CHECKS[domain](getattr(native, domain), ContractFixture())


async def test_contract_catches_a_broken_adapter(native: AdapterRegistry) -> None:
    class ReversedPricing:
        async def price_rows(self, keys: list[tuple[str, str]]) -> list[list[object]]:
            return list(reversed(await native.pricing.price_rows(keys)))

    with pytest.raises(ContractViolation, match="price_rows"):
        await check_pricing(ReversedPricing(), ContractFixture())  # type: ignore[arg-type]
