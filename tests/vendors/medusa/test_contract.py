"""The contract kit every adapter of a port must pass, run against the Medusa adapters."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from commercegraph.adapters.base import NewOrder, NewOrderLine
from commercegraph.adapters.testing import (
    ContractFixture,
    check_commerce,
    check_inventory,
    check_pricing,
)
from commercegraph.demo.constants import DEVI_COFFEE_SKU, DEVI_SHOES_SKU, WAREHOUSE_ID

pytestmark = pytest.mark.vendor


async def _two_orders(commerce: Any) -> str:
    """A customer with two orders in Medusa (the demo's order history lives elsewhere)."""
    customer = f"cus_{uuid.uuid4().hex[:10]}"
    for n, sku in enumerate((DEVI_COFFEE_SKU, DEVI_SHOES_SKU)):
        cart = await commerce.create_cart(customer, "WEB", "USD")
        await commerce.set_cart_line(cart.id, sku, 1)
        await commerce.place_order(
            NewOrder(
                customer_id=customer,
                cart_id=cart.id,
                channel="WEB",
                currency="USD",
                lines=(NewOrderLine(sku, 1, 100),),
                subtotal=100,
                discount=0,
                total=100,
                fulfillment="SHIP",
                location_id=WAREHOUSE_ID,
                store_id=None,
                address="1 Contract Way",
                idempotency_key=f"contract-{customer}-{n}",
                reservation_reference=f"contract-{customer}-{n}",
            )
        )
    return customer


async def test_the_medusa_adapters_keep_the_contract(
    commerce: Any, inventory: Any, pricing: Any
) -> None:
    [product] = await commerce.products_by_sku([DEVI_SHOES_SKU])
    fixture = ContractFixture(
        product_id=product.id, sku=DEVI_SHOES_SKU, customer_id=await _two_orders(commerce)
    )
    await check_commerce(commerce, fixture)
    await check_inventory(inventory, fixture)
    await check_pricing(pricing, fixture)
