"""The contract kit, per capability, over the Strapi adapters against the real Strapi server:
reads and writes on the demo catalogue the harness seeded."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from commercegraph.contract import ContractFixture, Subject
from commercegraph.contract.kit import violations

pytestmark = pytest.mark.vendor


async def _fixture(commerce: Any | None) -> ContractFixture:
    """The demo's keys, with the product id as this system knows it."""
    fixture = ContractFixture()
    if commerce is None:
        return fixture
    (product,) = await commerce.products_by_sku([fixture.sku])
    assert product is not None, f"{fixture.sku} is not seeded"
    return dataclasses.replace(fixture, product_id=product.id)


async def test_the_adapter_passes_the_kit(strapi: Any) -> None:
    subject = Subject("strapi", "content", strapi, await _fixture(None))
    assert await violations(subject) == {}
