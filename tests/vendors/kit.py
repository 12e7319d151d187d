"""What the vendor test modules share: the contract kit's fixture for a real system."""

from __future__ import annotations

import dataclasses
from typing import Any

from commercegraph.contract import ContractFixture


async def kit_fixture(commerce: Any | None) -> ContractFixture:
    """The demo's keys, with the product id as this system knows it (when it is the
    commerce system)."""
    fixture = ContractFixture()
    if commerce is None:
        return fixture
    (product,) = await commerce.products_by_sku([fixture.sku])
    assert product is not None, f"{fixture.sku} is not seeded"
    return dataclasses.replace(fixture, product_id=product.id)
