"""A pickup checkout through the gateway with commerce, pricing and stock in a real Vendure:
priced for the store, reserved there, and one Vendure order at the quoted total."""

from __future__ import annotations

import httpx
import pytest

from commercegraph.adapters import harness
from commercegraph.app import create_app
from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID, DOWNTOWN_ID
from commercegraph.ids import to_global_id
from tests.conftest import GraphQLClient, SeededDatabase, settings_for
from tests.vendors.vendure.conftest import build
from tests.vendors.vendure.test_vendure_gateway import CREATE, VENDURE_ORDERS, _data, use_vendure

pytestmark = pytest.mark.vendor

DOWNTOWN = to_global_id("Store", DOWNTOWN_ID)
ADD = """mutation($c: ID!, $s: String!, $q: Int!, $store: ID!) {
  addCartLine(cartId: $c, sku: $s, quantity: $q) { id
    quote(storeId: $store) { total { amount } lines { sku quantity unitPrice { final { amount } } } } } }"""
PLACE = """mutation($c: ID!, $k: String!, $store: ID!) {
  placeOrder(cartId: $c, idempotencyKey: $k, payment: {payAtPickup: true},
             fulfillment: {method: PICKUP, storeId: $store}) {
    id fulfillment total { amount } store { name }
    lines { quantity unitPrice { amount } product { sku } } } }"""
HISTORY = (
    """query { me { orders(first: 5) { edges { node { id fulfillment store { id name } } } } } }"""
)
FIELDS = """query($id: String!) { orders(options: { filter: { cgCustomerId: { eq: $id } } }) {
  items { code customFields { cgFulfillment cgStoreId } } } }"""


async def test_a_pickup_checkout_is_one_vendure_order_at_the_store_quote(
    vendure: harness.Started, sqlite_db: SeededDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_vendure(vendure, monkeypatch)
    vendor = {"commerce": "vendure", "pricing": "vendure", "inventory": "vendure"}
    settings = settings_for(sqlite_db.url, adapters=vendor, cache_ttl_seconds=0)
    app = create_app(settings)
    admin = build("commerce", vendure)
    transport = httpx.ASGITransport(app=app)
    try:
        before = await admin.client.admin(VENDURE_ORDERS, {"id": DEVI_ID})
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            client = GraphQLClient(http, settings)
            token = client.token(DEVI_ID)
            cart = _data(await client.post(CREATE, token=token))["createCart"]
            variables = {"c": cart["id"], "s": DEVI_COFFEE_SKU, "q": 2, "store": DOWNTOWN}
            cart = _data(await client.post(ADD, variables, token=token))["addCartLine"]
            place = {"c": cart["id"], "k": f"pickup-{cart['id']}", "store": DOWNTOWN}
            order = _data(await client.post(PLACE, place, token=token))["placeOrder"]
            again = _data(await client.post(PLACE, place, token=token))["placeOrder"]
            history = _data(await client.post(HISTORY, token=token))["me"]["orders"]["edges"]
        after = await admin.client.admin(VENDURE_ORDERS, {"id": DEVI_ID})
        fields = await admin.client.admin(FIELDS, {"id": DEVI_ID})
    finally:
        await admin.aclose()
        await app.state.registry.aclose()
        await app.state.store.dispose()

    quote = cart["quote"]
    assert again == order
    assert order["fulfillment"] == "PICKUP" and order["store"]["name"]
    # read back from Vendure, not from what the mutation was sent
    (listed,) = [e["node"] for e in history if e["node"]["id"] == order["id"]]
    assert listed["fulfillment"] == "PICKUP" and listed["store"]["id"] == DOWNTOWN
    assert order["total"]["amount"] == quote["total"]["amount"]
    assert [(li["product"]["sku"], li["quantity"]) for li in order["lines"]] == [
        (DEVI_COFFEE_SKU, 2)
    ]
    known = {o["code"] for o in before["orders"]["items"]}
    (placed,) = [o for o in after["orders"]["items"] if o["code"] not in known]
    assert after["orders"]["totalItems"] == before["orders"]["totalItems"] + 1
    (stored,) = [
        o["customFields"] for o in fields["orders"]["items"] if o["code"] == placed["code"]
    ]
    assert stored == {"cgFulfillment": "PICKUP", "cgStoreId": DOWNTOWN_ID}
    assert placed["totalWithTax"] == quote["total"]["amount"]
    assert [(li["productVariant"]["sku"], li["quantity"]) for li in placed["lines"]] == [
        (DEVI_COFFEE_SKU, 2)
    ]
