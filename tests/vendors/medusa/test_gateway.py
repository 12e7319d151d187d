"""The gateway's GraphQL API with Medusa serving the capabilities it declares in commerce,
inventory and pricing; the native store serves the rest."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from commercegraph.adapters.medusa import harness
from commercegraph.adapters.medusa.sales import IDEMPOTENCY_KEY
from commercegraph.app import create_app
from commercegraph.config import AdapterChoice
from commercegraph.demo.catalog import build_catalog
from commercegraph.demo.constants import DEVI_COFFEE_SKU, DEVI_SHOES_SKU, DOWNTOWN_ID, SAM_ID
from commercegraph.gateway.settings import BackendPolicy, ResilienceSettings
from commercegraph.ids import from_global_id, to_global_id
from tests.conftest import GraphQLClient, SeededDatabase, settings_for

pytestmark = pytest.mark.vendor

SLOW_LOOPBACK = BackendPolicy(timeout_ms=15_000, write_timeout_ms=30_000)
DOWNTOWN = to_global_id("Store", DOWNTOWN_ID)


@pytest.fixture
async def medusa_gql(
    sqlite_db: SeededDatabase,
    medusa_server: harness.MedusaStarted,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[GraphQLClient]:
    for key, value in harness.settings_env(medusa_server).items():
        monkeypatch.setenv(key, value)
    settings = settings_for(
        sqlite_db.url,
        adapters=AdapterChoice(commerce="medusa", inventory="medusa", pricing="medusa"),
        # the first Admin API call logs in, and Medusa hashes passwords slowly on purpose
        resilience=ResilienceSettings(
            commerce=SLOW_LOOPBACK, inventory=SLOW_LOOPBACK, pricing=SLOW_LOOPBACK
        ),
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield GraphQLClient(http, settings)
    await app.state.registry.aclose()  # the lifespan does not run under ASGITransport
    await app.state.store.dispose()


async def test_products_come_from_medusa_through_the_gateway(medusa_gql: GraphQLClient) -> None:
    # a size only Medusa has: the native store does not know this sku
    body = await medusa_gql.post(
        """
        query ($sku: String!) {
          product(sku: $sku) { sku name category }
          products(category: "Running Shoes", first: 2, sort: {field: NAME}) {
            totalCount edges { node { sku } }
          }
        }
        """,
        {"sku": f"{DEVI_SHOES_SKU}-9"},
    )
    assert "errors" not in body, body
    assert body["data"]["product"]["sku"] == DEVI_SHOES_SKU
    assert body["data"]["product"]["category"] == "Running Shoes"
    assert len(body["data"]["products"]["edges"]) == 2


async def test_prices_and_stock_come_from_medusa_through_the_gateway(
    medusa_gql: GraphQLClient,
) -> None:
    body = await medusa_gql.post(
        """
        query ($sku: String!) {
          product(sku: $sku) {
            price { base { amount currency } }
            availability { online { availableToPromise status } }
          }
        }
        """,
        {"sku": DEVI_COFFEE_SKU},
    )
    assert "errors" not in body, body
    product = body["data"]["product"]
    catalog = build_catalog(datetime(2026, 1, 1, tzinfo=UTC))
    assert product["price"]["base"] == {
        "amount": catalog.by_sku[DEVI_COFFEE_SKU].price,
        "currency": "USD",
    }
    assert product["availability"]["online"]["availableToPromise"] > 0


# priced for pickup downtown, as placeOrder prices a pickup order there
CART_QUOTE = (
    """id lines { sku quantity }
  quote(storeId: "%s") { subtotal { amount } discounts { amount } total { amount }
          lines { sku quantity unitPrice { base { amount } final { amount } } } }"""
    % DOWNTOWN
)
PLACE = """mutation($c: ID!, $f: FulfillmentInput!, $k: String!) {
  placeOrder(cartId: $c, fulfillment: $f, idempotencyKey: $k, payment: {payAtPickup: true}) {
    id total { amount } subtotal { amount } discount { amount }
    lines { quantity unitPrice { amount } product { sku } } } }"""


async def _medusa_admin(settings: dict[str, str], path: str, **params: object) -> Any:
    async with httpx.AsyncClient(base_url=settings["CG_MEDUSA__URL"], timeout=15) as http:
        login = await http.post(
            "/auth/user/emailpass",
            json={
                "email": settings["CG_MEDUSA__ADMIN_EMAIL"],
                "password": settings["CG_MEDUSA__ADMIN_PASSWORD"],
            },
        )
        login.raise_for_status()
        answer = await http.get(
            path, params=params, headers={"Authorization": f"Bearer {login.json()['token']}"}
        )
        answer.raise_for_status()
        return answer.json()


async def test_a_discounted_checkout_is_the_medusa_order_once_per_key(
    medusa_gql: GraphQLClient, medusa_server: harness.MedusaStarted
) -> None:
    customer, key = SAM_ID, f"gateway-{uuid.uuid4().hex[:12]}"
    token = medusa_gql.token(customer)
    created = await medusa_gql.post(
        f"mutation {{ createCart(channel: WEB) {{ {CART_QUOTE} }} }}", token=token
    )
    assert "errors" not in created, created
    cart_id = created["data"]["createCart"]["id"]
    for sku, quantity in ((DEVI_COFFEE_SKU, 3), (DEVI_SHOES_SKU, 1)):
        added = await medusa_gql.post(
            f"""mutation($c: ID!, $s: String!, $q: Int!) {{
              addCartLine(cartId: $c, sku: $s, quantity: $q) {{ {CART_QUOTE} }} }}""",
            {"c": cart_id, "s": sku, "q": quantity},
            token=token,
        )
        assert "errors" not in added, added
    quote = added["data"]["addCartLine"]["quote"]
    base = sum(li["unitPrice"]["base"]["amount"] * li["quantity"] for li in quote["lines"])
    assert quote["total"]["amount"] < base  # the gateway's rules discount this cart

    place = {"c": cart_id, "f": {"method": "PICKUP", "storeId": DOWNTOWN}, "k": key}
    first = await medusa_gql.post(PLACE, place, token=token)
    assert "errors" not in first, first
    second = await medusa_gql.post(PLACE, place, token=token)
    assert "errors" not in second, second
    order = first["data"]["placeOrder"]
    assert second["data"]["placeOrder"]["id"] == order["id"]
    assert order["total"] == quote["total"]
    quoted_lines = sorted(
        (li["sku"], li["quantity"], li["unitPrice"]["final"]["amount"]) for li in quote["lines"]
    )
    assert (
        sorted(
            (li["product"]["sku"], li["quantity"], li["unitPrice"]["amount"])
            for li in order["lines"]
        )
        == quoted_lines
    )

    env = harness.settings_env(medusa_server)
    _, medusa_id = from_global_id(order["id"])
    medusa_order = (
        await _medusa_admin(
            env,
            f"/admin/orders/{medusa_id}",
            fields="id,customer_id,total,*items,+metadata,*shipping_methods",
        )
    )["order"]
    assert round(medusa_order["total"] * 100) == quote["total"]["amount"]
    assert (
        sorted(
            (i["variant_sku"], i["quantity"], round(i["unit_price"] * 100))
            for i in medusa_order["items"]
        )
        == quoted_lines
    )
    assert medusa_order["metadata"]["commercegraph_customer_id"] == customer
    # picked up where Medusa's pickup fulfillment set for that store says, free of charge
    [pickup] = medusa_order["shipping_methods"]
    assert pickup["name"] == "Pickup at Downtown" and pickup["amount"] == 0
    theirs = await _medusa_admin(
        env, "/admin/orders", customer_id=medusa_order["customer_id"], fields="id,+metadata"
    )
    keyed = [o["id"] for o in theirs["orders"] if o["metadata"].get(IDEMPOTENCY_KEY) == key]
    assert keyed == [medusa_id]  # two placements, one order
