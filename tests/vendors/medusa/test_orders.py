"""Carts and orders through the Medusa adapter, checked against Medusa's own Admin API."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from commercegraph.adapters.base import CartQuery, NewOrder, NewOrderLine, OrderQuery
from commercegraph.adapters.medusa import MedusaSettings
from commercegraph.adapters.medusa.demo import SHIPPING_MINOR
from commercegraph.demo.constants import DEVI_COFFEE_SKU, DEVI_SHOES_SKU, WAREHOUSE_ID
from commercegraph.errors import Conflict, NotFound

pytestmark = pytest.mark.vendor


async def _admin_get(settings: MedusaSettings, path: str, **params: Any) -> Any:
    async with httpx.AsyncClient(base_url=settings.url, timeout=10) as http:
        login = await http.post(
            "/auth/user/emailpass",
            json={
                "email": settings.admin_email,
                "password": settings.admin_password.get_secret_value(),
            },
        )
        login.raise_for_status()
        answer = await http.get(
            path, params=params, headers={"Authorization": f"Bearer {login.json()['token']}"}
        )
        answer.raise_for_status()
        return answer.json()


def _order(customer_id: str, cart_id: str, key: str, lines: list[NewOrderLine]) -> NewOrder:
    subtotal = sum(line.unit_price * line.quantity for line in lines)
    return NewOrder(
        customer_id=customer_id,
        cart_id=cart_id,
        channel="WEB",
        currency="USD",
        lines=tuple(lines),
        subtotal=subtotal,
        discount=0,
        total=subtotal,
        fulfillment="SHIP",
        location_id=WAREHOUSE_ID,
        store_id=None,
        address="11 Test Street, Portland, OR 97205",
        idempotency_key=key,
        reservation_reference=f"res-{key}",
    )


async def _filled_cart(commerce: Any, customer_id: str) -> Any:
    cart = await commerce.create_cart(customer_id, "WEB", "USD")
    await commerce.set_cart_line(cart.id, DEVI_COFFEE_SKU, 2)
    await commerce.set_cart_line(cart.id, DEVI_COFFEE_SKU, 1)  # merges: 3
    await commerce.set_cart_line(cart.id, DEVI_SHOES_SKU, 1)
    return await commerce.replace_cart_line(cart.id, DEVI_SHOES_SKU, 2)


async def test_a_completed_cart_is_an_order_in_the_admin_api(
    commerce: Any, pricing: Any, medusa_settings: MedusaSettings
) -> None:
    customer = f"cus_{uuid.uuid4().hex[:10]}"
    cart = await _filled_cart(commerce, customer)
    assert cart.status == "OPEN" and cart.customer_id == customer
    assert sorted((line.sku, line.quantity) for line in cart.lines) == [
        (DEVI_COFFEE_SKU, 3),
        (DEVI_SHOES_SKU, 2),
    ]
    coffee, shoes = await pricing.price_rows([(DEVI_COFFEE_SKU, "USD"), (DEVI_SHOES_SKU, "USD")])
    # Medusa picks the quantity tier itself: three coffee packs cost the 3+ price
    unit = {DEVI_COFFEE_SKU: next(r for r in coffee if r.min_quantity == 3).amount}
    unit[DEVI_SHOES_SKU] = shoes[0].amount
    lines = [NewOrderLine(line.sku, line.quantity, unit[line.sku]) for line in cart.lines]
    placed = await commerce.place_order(_order(customer, cart.id, f"key-{customer}", lines))

    body = await _admin_get(
        medusa_settings,
        f"/admin/orders/{placed.id}",
        fields="id,currency_code,total,item_subtotal,shipping_total,*items,+metadata",
    )
    order = body["order"]
    assert order["currency_code"] == "usd"
    assert order["metadata"]["commercegraph_customer_id"] == customer
    items = sorted(
        (i["variant_sku"], i["quantity"], round(i["unit_price"] * 100)) for i in order["items"]
    )
    assert items == sorted(
        (sku, q, unit[sku]) for sku, q in [(DEVI_COFFEE_SKU, 3), (DEVI_SHOES_SKU, 2)]
    )
    item_subtotal = sum(q * price for _, q, price in items)
    assert round(order["item_subtotal"] * 100) == item_subtotal
    assert round(order["total"] * 100) == item_subtotal + SHIPPING_MINOR  # no US tax rate

    assert placed.customer_id == customer and placed.status == "PLACED"
    assert placed.subtotal.amount == item_subtotal and placed.subtotal.currency == "USD"
    assert placed.total.amount == item_subtotal + SHIPPING_MINOR
    assert sorted((x.sku, x.quantity, x.unit_price.amount) for x in placed.lines) == items
    [again] = await commerce.orders_by_id([placed.id])
    assert again == placed
    [history] = await commerce.orders_for_customers([OrderQuery(customer)])
    assert [o.id for o in history.items] == [placed.id]
    [ordered] = await commerce.carts_by_id([cart.id])
    assert ordered is not None and ordered.status == "ORDERED"
    [carts] = await commerce.carts_for_customers([CartQuery(customer)])
    assert [c.id for c in carts.items] == [cart.id]
    with pytest.raises(Conflict):
        await commerce.set_cart_line(cart.id, DEVI_COFFEE_SKU, 1)


async def test_one_idempotency_key_makes_one_medusa_order(
    commerce: Any, medusa_settings: MedusaSettings
) -> None:
    customer = f"cus_{uuid.uuid4().hex[:10]}"
    cart = await commerce.create_cart(customer, "WEB", "USD")
    cart = await commerce.set_cart_line(cart.id, DEVI_SHOES_SKU, 1)
    key = f"key-{customer}"
    order = _order(customer, cart.id, key, [NewOrderLine(DEVI_SHOES_SKU, 1, 1)])
    first, second = await asyncio.gather(commerce.place_order(order), commerce.place_order(order))
    third = await commerce.place_order(order)
    assert first.id == second.id == third.id
    assert await commerce.order_for_key(customer, key, cart.id) == first

    [medusa_customer] = (
        await _admin_get(
            medusa_settings,
            "/admin/customers",
            email=f"{customer}@{medusa_settings.customer_email_domain}",
        )
    )["customers"]
    orders = await _admin_get(
        medusa_settings, "/admin/orders", customer_id=medusa_customer["id"], fields="id"
    )
    assert [o["id"] for o in orders["orders"]] == [first.id]

    with pytest.raises(Conflict):  # the cart is ordered: another key cannot order it again
        await commerce.place_order(_order(customer, cart.id, "another-key", order.lines))
    other = await commerce.create_cart(customer, "WEB", "USD")
    with pytest.raises(Conflict):  # the key already placed an order from another cart
        await commerce.place_order(_order(customer, other.id, key, order.lines))


async def test_missing_carts_and_orders_are_none_and_unknown_skus_refused(commerce: Any) -> None:
    assert await commerce.carts_by_id(["cart_missing"]) == [None]
    assert await commerce.orders_by_id(["order_missing"]) == [None]
    cart = await commerce.create_cart(None, "WEB", "EUR")
    assert cart.currency == "EUR" and cart.customer_id is None
    with pytest.raises(NotFound):
        await commerce.set_cart_line(cart.id, "SKU-NOPE-0001", 1)
    [unchanged] = await commerce.carts_by_id([cart.id])
    assert unchanged is not None and unchanged.lines == ()
