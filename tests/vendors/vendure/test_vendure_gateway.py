"""The gateway with ``CG_ADAPTERS__COMMERCE=vendure``: the catalogue comes from a real Vendure,
the capabilities Vendure does not declare stay with the native store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from commercegraph.adapters import harness
from commercegraph.adapters.vendure import harness as vendure_harness
from commercegraph.adapters.vendure.seed import APP_CHANNEL, channel_prices
from commercegraph.app import create_app
from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID, DEVI_SODA_SKU
from commercegraph.demo.catalog import build_catalog
from tests.conftest import GraphQLClient, SeededDatabase, settings_for
from tests.vendors.vendure.conftest import build

pytestmark = pytest.mark.vendor

TEE = """
query { product(sku: "SKU-VND-TEE-M") {
  sku name handle variants { sku options { name value } } } }
"""
BACKENDS = "{ backends { domain adapter capabilities } }"


def use_vendure(vendure: harness.Started, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in vendure_harness.settings_env(vendure).items():
        if key.startswith("CG_VENDURE__"):
            monkeypatch.setenv(key, value)
    # a checkout is a dozen Vendure calls: budgets for a loaded machine, not for speed
    monkeypatch.setenv("CG_RESILIENCE__COMMERCE__TIMEOUT_MS", "20000")
    monkeypatch.setenv("CG_VENDURE__TIMEOUT_MS", "15000")


async def test_products_seeded_only_in_vendure_come_through_the_graph(
    vendure: harness.Started, seeded_db: SeededDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_vendure(vendure, monkeypatch)
    settings = settings_for(seeded_db.url, adapters={"commerce": "vendure"}, cache_ttl_seconds=0)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            client = GraphQLClient(http, settings)
            body = await client.post(TEE)
            backends = await client.post(BACKENDS, token=client.token(staff=True))
    finally:
        await app.state.registry.aclose()
        await app.state.store.dispose()
    assert body.get("errors") is None, body
    assert body["data"]["product"] == {
        "sku": "SKU-VND-TEE-S",
        "name": "Trail Tee",
        "handle": "trail-tee",
        "variants": [
            {"sku": "SKU-VND-TEE-S", "options": [{"name": "size", "value": "S"}]},
            {"sku": "SKU-VND-TEE-M", "options": [{"name": "size", "value": "M"}]},
            {"sku": "SKU-VND-TEE-L", "options": [{"name": "size", "value": "L"}]},
        ],
    }
    commerce = {
        entry["adapter"]: set(entry["capabilities"])
        for entry in backends["data"]["backends"]
        if entry["domain"] == "COMMERCE"
    }
    assert commerce["vendure"] == {
        "commerce.catalog",
        "commerce.search",
        "commerce.carts",
        "commerce.orders",
    }
    assert "gateway.bundles" in commerce["native"]


CART = """id lines { sku quantity }
  quote { subtotal { amount } discounts { amount } total { amount }
          lines { sku quantity unitPrice { final { amount } } } }"""
CREATE = f"mutation {{ createCart(channel: WEB) {{ {CART} }} }}"
ADD = f"""mutation($c: ID!, $s: String!, $q: Int!) {{
  addCartLine(cartId: $c, sku: $s, quantity: $q) {{ {CART} }} }}"""
CARD = """mutation { addPaymentMethod(input: {kind: CARD, providerToken: "tok_visa_vendure_0001",
  brand: "Visa", last4: "4242"}) { id } }"""
PLACE = """mutation($c: ID!, $k: String!, $p: CheckoutPaymentInput!) {
  placeOrder(cartId: $c, idempotencyKey: $k, payment: $p,
             fulfillment: {method: SHIP, address: "1 Main St, Portland, OR"}) {
    id fulfillment store { id } total { amount } discount { amount }
    lines { quantity unitPrice { amount } product { sku } } } }"""
VENDURE_ORDERS = """query($id: String!) { orders(options: { filter: { cgCustomerId: { eq: $id } } }) {
  totalItems items { code state totalWithTax currencyCode
                     lines { quantity unitPriceWithTax productVariant { sku } } } } }"""


def _data(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors") is None, body["errors"]
    result: dict[str, Any] = body["data"]
    return result


async def test_a_discounted_checkout_is_one_vendure_order_at_the_quoted_total(
    vendure: harness.Started, sqlite_db: SeededDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_vendure(vendure, monkeypatch)
    settings = settings_for(sqlite_db.url, adapters={"commerce": "vendure"}, cache_ttl_seconds=0)
    app = create_app(settings)
    admin = build("commerce", vendure)
    transport = httpx.ASGITransport(app=app)
    try:
        before = await admin.client.admin(VENDURE_ORDERS, {"id": DEVI_ID})
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            client = GraphQLClient(http, settings)
            token = client.token(DEVI_ID)
            cart = _data(await client.post(CREATE, token=token))["createCart"]
            for sku, quantity in ((DEVI_COFFEE_SKU, 2), (DEVI_SODA_SKU, 1)):
                variables = {"c": cart["id"], "s": sku, "q": quantity}
                cart = _data(await client.post(ADD, variables, token=token))["addCartLine"]
            quote = cart["quote"]
            card = _data(await client.post(CARD, token=token))["addPaymentMethod"]["id"]
            place = {"c": cart["id"], "k": f"vendure-{cart['id']}", "p": {"paymentMethodId": card}}
            order = _data(await client.post(PLACE, place, token=token))["placeOrder"]
            again = _data(await client.post(PLACE, place, token=token))["placeOrder"]
        after = await admin.client.admin(VENDURE_ORDERS, {"id": DEVI_ID})
    finally:
        await admin.aclose()
        await app.state.registry.aclose()
        await app.state.store.dispose()

    # Devi's loyalty rules discount the cart: the quote is not Vendure's list price
    assert quote["discounts"]["amount"] > 0
    assert quote["total"]["amount"] == quote["subtotal"]["amount"] - quote["discounts"]["amount"]
    quoted = {
        (line["sku"], line["quantity"], line["unitPrice"]["final"]["amount"])
        for line in quote["lines"]
    }
    assert again == order
    assert order["total"]["amount"] == quote["total"]["amount"]
    assert order["fulfillment"] == "SHIP" and order["store"] is None
    shown = {
        (li["product"]["sku"], li["quantity"], li["unitPrice"]["amount"]) for li in order["lines"]
    }
    assert shown == quoted

    orders = after["orders"]
    assert orders["totalItems"] == before["orders"]["totalItems"] + 1  # one key, one order
    (placed,) = [
        o
        for o in orders["items"]
        if o["code"] not in {b["code"] for b in before["orders"]["items"]}
    ]
    assert placed["state"] == "PaymentSettled" and placed["currencyCode"] == "USD"
    assert placed["totalWithTax"] == quote["total"]["amount"]
    assert {
        (li["productVariant"]["sku"], li["quantity"], li["unitPriceWithTax"])
        for li in placed["lines"]
    } == quoted


CHANNEL_PRICES = """query($sku: String!) { product(sku: $sku) {
  web: price { base { amount } } app: price(channel: MOBILE_APP) { base { amount } } } }"""


async def test_the_mobile_app_channel_prices_come_from_its_vendure_channel(
    vendure: harness.Started, sqlite_db: SeededDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_vendure(vendure, monkeypatch)
    monkeypatch.setenv("CG_RESILIENCE__PRICING__TIMEOUT_MS", "20000")
    catalog = build_catalog(datetime.now(UTC))
    app_prices = channel_prices(catalog, APP_CHANNEL)
    sku = sorted(app_prices)[-1]
    settings = settings_for(sqlite_db.url, adapters={"pricing": "vendure"}, cache_ttl_seconds=0)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        assert app.state.registry.routes["pricing"]["pricing.prices"] == "vendure"
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            body = await GraphQLClient(http, settings).post(CHANNEL_PRICES, {"sku": sku})
    finally:
        await app.state.registry.aclose()
        await app.state.store.dispose()
    product = _data(body)["product"]
    assert product["web"]["base"]["amount"] == catalog.by_sku[sku].price
    assert product["app"]["base"]["amount"] == app_prices[sku]["USD"] < catalog.by_sku[sku].price
