"""Carts and orders through the Medusa adapter, checked against Medusa's own Admin API."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from commercegraph.adapters.base import CartQuery, NewOrder, NewOrderLine, OrderQuery
from commercegraph.adapters.medusa import MedusaClient, MedusaCommerce, MedusaSettings, drafts
from commercegraph.adapters.medusa.regions import Regions
from commercegraph.demo.constants import DEVI_COFFEE_SKU, DEVI_SHOES_SKU, WAREHOUSE_ID
from commercegraph.errors import BackendTimeout, Conflict, NotFound

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


async def _medusa_customers(settings: MedusaSettings, customer_id: str) -> list[Any]:
    email = f"{customer_id}@{settings.customer_email_domain}"
    customers: list[Any] = (await _admin_get(settings, "/admin/customers", email=email))[
        "customers"
    ]
    return customers


def _order(
    customer_id: str,
    cart_id: str,
    key: str,
    lines: Sequence[NewOrderLine],
    discount: int = 0,
    currency: str = "USD",
) -> NewOrder:
    subtotal = sum(line.unit_price * line.quantity for line in lines)
    return NewOrder(
        customer_id=customer_id,
        cart_id=cart_id,
        channel="WEB",
        currency=currency,
        lines=tuple(lines),
        subtotal=subtotal,
        discount=discount,
        total=subtotal - discount,
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


async def test_the_medusa_order_records_the_quoted_lines_and_total(
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
    # the gateway's own prices: a cent below Medusa's per coffee, 5.00 off the shoes each
    unit = {DEVI_COFFEE_SKU: coffee[0].amount - 1, DEVI_SHOES_SKU: shoes[0].amount - 500}
    lines = [NewOrderLine(line.sku, line.quantity, unit[line.sku]) for line in cart.lines]
    order = _order(customer, cart.id, f"key-{customer}", lines, discount=250)
    placed = await commerce.place_order(order)

    body = await _admin_get(
        medusa_settings,
        f"/admin/orders/{placed.id}",
        fields="id,currency_code,total,discount_total,shipping_total,*items,+metadata,"
        "*shipping_methods",
    )
    medusa_order = body["order"]
    assert medusa_order["currency_code"] == "usd"
    assert medusa_order["metadata"]["commercegraph_customer_id"] == customer
    items = sorted(
        (i["variant_sku"], i["quantity"], round(i["unit_price"] * 100))
        for i in medusa_order["items"]
    )
    assert items == sorted(
        (sku, q, unit[sku]) for sku, q in [(DEVI_COFFEE_SKU, 3), (DEVI_SHOES_SKU, 2)]
    )
    assert round(medusa_order["total"] * 100) == order.total
    assert round(medusa_order["discount_total"] * 100) == 250
    assert round(medusa_order["shipping_total"] * 100) == 0  # the quote charged no delivery
    assert [m["name"] for m in medusa_order["shipping_methods"]] == ["Standard delivery"]

    assert placed.customer_id == customer and placed.status == "PLACED"
    assert placed.total.amount == order.total and placed.total.currency == "USD"
    assert placed.subtotal.amount == order.subtotal and placed.discount.amount == 250
    assert [(x.sku, x.quantity, x.unit_price.amount) for x in placed.lines] == [
        (line.sku, line.quantity, line.unit_price) for line in order.lines
    ]
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
    # the order's promotion is spent: nobody else can apply its code
    promotions = await _admin_get(
        medusa_settings, "/admin/promotions", code=drafts.promotion_code(order)
    )
    assert [p["status"] for p in promotions["promotions"]] == ["inactive"]


async def test_a_tax_inclusive_euro_quote_is_recorded_as_quoted(
    commerce: Any, pricing: Any, medusa_settings: MedusaSettings
) -> None:
    customer = f"cus_{uuid.uuid4().hex[:10]}"
    cart = await commerce.create_cart(customer, "WEB", "EUR")
    cart = await commerce.set_cart_line(cart.id, DEVI_SHOES_SKU, 1)
    [shoes] = await pricing.price_rows([(DEVI_SHOES_SKU, "EUR")])
    assert shoes[0].tax_included is True
    line = NewOrderLine(DEVI_SHOES_SKU, 1, shoes[0].amount - 100)
    order = _order(customer, cart.id, f"key-{customer}", [line], discount=99, currency="EUR")
    placed = await commerce.place_order(order)
    medusa_order = (
        await _admin_get(
            medusa_settings, f"/admin/orders/{placed.id}", fields="id,total,tax_total,*items"
        )
    )["order"]
    assert round(medusa_order["total"] * 100) == order.total == placed.total.amount
    assert medusa_order["tax_total"] > 0  # German VAT, inside the quoted amount
    assert [(x.sku, x.unit_price.amount) for x in placed.lines] == [(line.sku, line.unit_price)]


async def test_a_quote_medusa_would_total_differently_is_refused_and_leaves_nothing(
    commerce: Any, medusa_settings: MedusaSettings
) -> None:
    customer = f"cus_{uuid.uuid4().hex[:10]}"
    cart = await commerce.create_cart(customer, "WEB", "USD")
    cart = await commerce.set_cart_line(cart.id, DEVI_COFFEE_SKU, 3)
    # rounded per unit the lines add up to 999, but the quote's total is 1000
    lines = [NewOrderLine(DEVI_COFFEE_SKU, 3, 333)]
    order = dataclasses.replace(_order(customer, cart.id, f"key-{customer}", lines), total=1000)
    with pytest.raises(Conflict, match="cannot record this quote"):
        await commerce.place_order(order)
    [still] = await commerce.carts_by_id([cart.id])
    assert still is not None and still.status == "OPEN"
    assert await commerce.set_cart_line(cart.id, DEVI_COFFEE_SKU, 1)  # still open to change
    assert await commerce.order_for_key(customer, order.idempotency_key, cart.id) is None
    [medusa_customer] = await _medusa_customers(medusa_settings, customer)
    left = await _admin_get(
        medusa_settings, "/admin/draft-orders", customer_id=medusa_customer["id"], fields="id"
    )
    assert left["draft_orders"] == []


class LosesReplies(httpx.AsyncBaseTransport):
    """Loopback HTTP that carries the request to Medusa but loses the answer to one kind."""

    def __init__(self, method: str, path_suffix: str) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.method, self.path_suffix = method, path_suffix
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == self.method and request.url.path.endswith(self.path_suffix):
            await response.aread()
            self.lost += 1
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.mark.parametrize(
    ("method", "path_suffix"),
    [("POST", "/admin/draft-orders"), ("POST", "/convert-to-order")],
    ids=["draft-made", "order-made"],
)
async def test_a_retry_after_a_lost_reply_makes_no_second_order(
    commerce: Any, medusa_settings: MedusaSettings, method: str, path_suffix: str
) -> None:
    customer = f"cus_{uuid.uuid4().hex[:10]}"
    cart = await commerce.create_cart(customer, "WEB", "USD")
    cart = await commerce.set_cart_line(cart.id, DEVI_SHOES_SKU, 1)
    order = _order(customer, cart.id, f"key-{customer}", [NewOrderLine(DEVI_SHOES_SKU, 1, 4000)])
    order = dataclasses.replace(order, discount=500, total=3500)
    losing = LosesReplies(method, path_suffix)
    client = MedusaClient("commerce", medusa_settings, transport=losing)
    flaky = MedusaCommerce(
        client, Regions(client, {}), "USD", medusa_settings.customer_email_domain
    )
    try:
        with pytest.raises(BackendTimeout):
            await flaky.place_order(order)
    finally:
        await flaky.aclose()
    assert losing.lost == 1

    placed = await commerce.place_order(order)
    again = await commerce.place_order(order)
    assert placed.id == again.id and placed.total.amount == 3500
    [medusa_customer] = await _medusa_customers(medusa_settings, customer)
    orders = await _admin_get(
        medusa_settings, "/admin/orders", customer_id=medusa_customer["id"], fields="id,total"
    )
    assert [(o["id"], round(o["total"] * 100)) for o in orders["orders"]] == [(placed.id, 3500)]
    left = await _admin_get(
        medusa_settings, "/admin/draft-orders", customer_id=medusa_customer["id"], fields="id"
    )
    assert left["draft_orders"] == []


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

    [medusa_customer] = await _medusa_customers(medusa_settings, customer)
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
