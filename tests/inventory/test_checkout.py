"""Carts and checkout through GraphQL, on a fresh SQLite and PostgreSQL store each."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID, DEVI_SODA_SKU, DOWNTOWN_ID, SAM_ID
from commercegraph.demo.inventory import WAREHOUSE_ID
from commercegraph.ids import to_global_id
from commercegraph.store import models as m
from commercegraph.store.db import Store
from tests.conftest import GraphQLClient
from tests.inventory.conftest import set_stock, stock_of

QUOTE = """quote { subtotal { amount } discounts { amount } total { amount }
  lines { sku quantity unitPrice { final { amount } } lineTotal { amount } }
  appliedRules { ruleId name amount { amount } } }"""
CART = f"id status channel lines {{ sku quantity bundleId }} {QUOTE}"
CREATE = f"mutation($ch: Channel) {{ createCart(channel: $ch) {{ {CART} }} }}"
ADD = f"""mutation($c: ID!, $s: String!, $q: Int!) {{
  addCartLine(cartId: $c, sku: $s, quantity: $q) {{ {CART} }} }}"""
REMOVE = (
    f"""mutation($c: ID!, $s: String!) {{ removeCartLine(cartId: $c, sku: $s) {{ {CART} }} }}"""
)
# pickup orders here are paid at the store unless a test says otherwise
PLACE = """mutation($c: ID!, $f: FulfillmentInput!, $k: String!,
                  $p: CheckoutPaymentInput = {payAtPickup: true}) {
  placeOrder(cartId: $c, fulfillment: $f, idempotencyKey: $k, payment: $p) {
    id channel fulfillment status total { amount } subtotal { amount } discount { amount }
    store { id name } lines { quantity unitPrice { amount } product { sku } } } }"""
DOWNTOWN = to_global_id("Store", DOWNTOWN_ID)
PICKUP_DOWNTOWN = {"method": "PICKUP", "storeId": DOWNTOWN}


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body.get("errors")
    result: dict[str, Any] = body["data"]
    return result


def error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    ext: dict[str, Any] = body["errors"][0]["extensions"]
    return ext


async def card(gql: GraphQLClient, token: str) -> dict[str, str]:
    """A card for the caller, as the ``payment`` of a checkout that pays with it."""
    added = await gql.post(
        'mutation { addPaymentMethod(input: {kind: CARD, providerToken: "tok_visa_ship_0001",'
        ' brand: "Visa", last4: "4242"}) { id } }',
        token=token,
    )
    return {"paymentMethodId": data(added)["addPaymentMethod"]["id"]}


async def new_cart(
    gql: GraphQLClient, token: str | None, *lines: tuple[str, int]
) -> dict[str, Any]:
    cart = data(await gql.post(CREATE, {"ch": "WEB"}, token=token))["createCart"]
    for sku, quantity in lines:
        cart = data(await gql.post(ADD, {"c": cart["id"], "s": sku, "q": quantity}, token=token))[
            "addCartLine"
        ]
    return cart


async def test_cart_quote_then_pickup_order_shows_in_customer_orders(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    token = fresh_gql.token(DEVI_ID)
    await set_stock(fresh_store, DEVI_COFFEE_SKU, DOWNTOWN_ID, 20, 0, 1)
    cart = await new_cart(fresh_gql, token, (DEVI_COFFEE_SKU, 1), (DEVI_SODA_SKU, 1))
    cart = data(
        await fresh_gql.post(ADD, {"c": cart["id"], "s": DEVI_COFFEE_SKU, "q": 1}, token=token)
    )["addCartLine"]
    assert [(li["sku"], li["quantity"]) for li in cart["lines"]] == [
        (DEVI_COFFEE_SKU, 2),
        (DEVI_SODA_SKU, 1),
    ]
    quote = cart["quote"]
    # Devi's own pricing rules (her loyalty tier) explain every cent between base and total.
    explained = sum(r["amount"]["amount"] for r in quote["appliedRules"])
    assert quote["discounts"]["amount"] == explained
    assert quote["total"]["amount"] == quote["subtotal"]["amount"] - explained
    assert quote["total"]["amount"] == sum(li["lineTotal"]["amount"] for li in quote["lines"])
    cart = data(await fresh_gql.post(REMOVE, {"c": cart["id"], "s": DEVI_SODA_SKU}, token=token))[
        "removeCartLine"
    ]
    assert [li["sku"] for li in cart["lines"]] == [DEVI_COFFEE_SKU]
    shipped = cart["quote"]["total"]["amount"]
    pickup = data(
        await fresh_gql.post(
            "query($id: ID!, $s: ID!) { node(id: $id) { ... on Cart { quote(storeId: $s) {"
            " total { amount } lines { unitPrice { final { amount } } } } } } }",
            {"id": cart["id"], "s": DOWNTOWN},
            token=token,
        )
    )["node"]["quote"]
    unit = pickup["lines"][0]["unitPrice"]["final"]["amount"]
    assert pickup["total"]["amount"] < shipped, "picking up in store earns the pickup rule"

    variables = {"c": cart["id"], "f": PICKUP_DOWNTOWN, "k": "devi-pickup-1"}
    order = data(await fresh_gql.post(PLACE, variables, token=token))["placeOrder"]
    assert order["fulfillment"] == "PICKUP" and order["channel"] == "WEB"
    assert order["store"]["id"] == DOWNTOWN and order["status"] == "PLACED"
    assert order["total"]["amount"] == 2 * unit == pickup["total"]["amount"]
    assert await stock_of(fresh_store, DEVI_COFFEE_SKU, DOWNTOWN_ID) == (18, 0, 1)

    again = data(await fresh_gql.post(PLACE, variables, token=token))["placeOrder"]
    assert again["id"] == order["id"]
    assert await stock_of(fresh_store, DEVI_COFFEE_SKU, DOWNTOWN_ID) == (18, 0, 1)

    mine = data(
        await fresh_gql.post(
            "{ me { orders(first: 1) { edges { node { id channel fulfillment store { name } } } } } }",
            token=token,
        )
    )["me"]["orders"]["edges"][0]["node"]
    assert mine == {
        "id": order["id"],
        "channel": "WEB",
        "fulfillment": "PICKUP",
        "store": {"name": "Downtown"},
    }
    closed = await fresh_gql.post(ADD, {"c": cart["id"], "s": DEVI_SODA_SKU, "q": 1}, token=token)
    assert error(closed)["code"] == "CONFLICT"


async def test_ship_order_routes_to_the_warehouse_and_keeps_the_address(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    customer = f"cus_ship_{uuid.uuid4().hex[:8]}"
    token = fresh_gql.token(customer)
    await set_stock(fresh_store, DEVI_SODA_SKU, WAREHOUSE_ID, 50)
    cart = await new_cart(fresh_gql, token, (DEVI_SODA_SKU, 3))
    ship = {"method": "SHIP", "address": "1 Main St, Portland, OR"}
    paid = {"c": cart["id"], "f": ship, "k": "k1", "p": await card(fresh_gql, token)}
    order = data(await fresh_gql.post(PLACE, paid, token=token))["placeOrder"]
    assert order["fulfillment"] == "SHIP" and order["store"] is None
    assert await stock_of(fresh_store, DEVI_SODA_SKU, WAREHOUSE_ID) == (47, 0, 0)
    async with fresh_store.read() as session:
        row = await session.scalar(
            select(m.OrderFulfillment).where(
                m.OrderFulfillment.cart_id.is_not(None),
                m.OrderFulfillment.address == ship["address"],
            )
        )
    assert row is not None and row.location_id == WAREHOUSE_ID and row.method == "SHIP"


async def test_bad_input_gets_a_code_and_changes_nothing(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    customer = f"cus_bad_{uuid.uuid4().hex[:8]}"
    token = fresh_gql.token(customer)
    await set_stock(fresh_store, DEVI_SODA_SKU, DOWNTOWN_ID, 4, 1, 1)
    empty = await new_cart(fresh_gql, token)
    cart = await new_cart(fresh_gql, token, (DEVI_SODA_SKU, 3))
    cases = [
        (cart["id"], {"method": "PICKUP"}, "k", "BAD_USER_INPUT", "fulfillment.storeId"),
        (
            cart["id"],
            {"method": "PICKUP", "storeId": to_global_id("Store", WAREHOUSE_ID)},
            "k",
            "BAD_USER_INPUT",
            "fulfillment.storeId",
        ),
        (cart["id"], {"method": "SHIP"}, "k", "BAD_USER_INPUT", "fulfillment.address"),
        (cart["id"], PICKUP_DOWNTOWN, "", "BAD_USER_INPUT", "idempotencyKey"),
        (empty["id"], PICKUP_DOWNTOWN, "k", "BAD_USER_INPUT", "cartId"),
        (DOWNTOWN, PICKUP_DOWNTOWN, "k", "BAD_USER_INPUT", "cartId"),
    ]
    for cart_id, fulfillment, key, code, argument in cases:
        body = await fresh_gql.post(PLACE, {"c": cart_id, "f": fulfillment, "k": key}, token=token)
        assert (error(body)["code"], error(body).get("argument")) == (code, argument), fulfillment
    short = error(
        await fresh_gql.post(PLACE, {"c": cart["id"], "f": PICKUP_DOWNTOWN, "k": "k"}, token=token)
    )
    assert short["code"] == "OUT_OF_STOCK" and short["sku"] == DEVI_SODA_SKU
    assert short["available"] == 2
    assert await stock_of(fresh_store, DEVI_SODA_SKU, DOWNTOWN_ID) == (4, 1, 1)
    anonymous = await fresh_gql.post(PLACE, {"c": cart["id"], "f": PICKUP_DOWNTOWN, "k": "k"})
    assert error(anonymous)["code"] == "UNAUTHENTICATED"
    bad_lines = [
        ({"s": DEVI_SODA_SKU, "q": 0}, "BAD_USER_INPUT"),
        ({"s": "SKU-NOPE-0001", "q": 1}, "NOT_FOUND"),
    ]
    for variables, code in bad_lines:
        body = await fresh_gql.post(ADD, {"c": cart["id"], **variables}, token=token)
        assert error(body)["code"] == code
    async with fresh_store.read() as session:
        placed = await session.scalar(
            select(func.count()).select_from(m.Order).where(m.Order.customer_id == customer)
        )
    assert placed == 0


async def test_a_customer_may_only_touch_their_own_cart(fresh_gql: GraphQLClient) -> None:
    devi, sam = fresh_gql.token(DEVI_ID), fresh_gql.token(SAM_ID)
    cart = await new_cart(fresh_gql, devi, (DEVI_SODA_SKU, 1))
    body = await fresh_gql.post(ADD, {"c": cart["id"], "s": DEVI_SODA_SKU, "q": 1}, token=sam)
    assert error(body)["code"] == "NOT_FOUND"  # as a missing cart: its existence is hers
    node = await fresh_gql.post(
        "query($id: ID!) { node(id: $id) { id } }", {"id": cart["id"]}, token=sam
    )
    assert error(node)["code"] == "NOT_FOUND"
    order = await fresh_gql.post(
        PLACE, {"c": cart["id"], "f": PICKUP_DOWNTOWN, "k": "x"}, token=sam
    )
    assert error(order)["code"] == "NOT_FOUND"
    own = await fresh_gql.post(
        "query($id: ID!) { node(id: $id) { ... on Cart { lines { quantity } } } }",
        {"id": cart["id"]},
        token=devi,
    )
    assert data(own)["node"]["lines"] == [{"quantity": 1}]
    anonymous = await new_cart(fresh_gql, None, (DEVI_SODA_SKU, 2))  # browsing before sign-in
    assert anonymous["lines"][0]["quantity"] == 2


async def test_one_key_for_two_carts_is_a_conflict(fresh_gql: GraphQLClient) -> None:
    token = fresh_gql.token(f"cus_key_{uuid.uuid4().hex[:8]}")
    first = await new_cart(fresh_gql, token, (DEVI_COFFEE_SKU, 1))
    second = await new_cart(fresh_gql, token, (DEVI_COFFEE_SKU, 1))
    ship = {"method": "SHIP", "address": "2 Main St"}
    pay = await card(fresh_gql, token)
    data(
        await fresh_gql.post(
            PLACE, {"c": first["id"], "f": ship, "k": "same", "p": pay}, token=token
        )
    )
    body = await fresh_gql.post(
        PLACE, {"c": second["id"], "f": ship, "k": "same", "p": pay}, token=token
    )
    assert error(body)["code"] == "CONFLICT" and error(body)["argument"] == "idempotencyKey"


async def test_routing_is_configuration_per_channel(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    token = fresh_gql.token(f"cus_route_{uuid.uuid4().hex[:8]}")
    cart = data(await fresh_gql.post(CREATE, {"ch": "STORE"}, token=token))["createCart"]
    data(await fresh_gql.post(ADD, {"c": cart["id"], "s": DEVI_SODA_SKU, "q": 1}, token=token))
    ship = {"method": "SHIP", "address": "3 Main St"}
    body = await fresh_gql.post(PLACE, {"c": cart["id"], "f": ship, "k": "r1"}, token=token)
    assert (error(body)["code"], error(body)["argument"]) == (
        "BAD_USER_INPUT",
        "fulfillment.method",
    )
    await set_stock(fresh_store, DEVI_SODA_SKU, DOWNTOWN_ID, 9)
    order = data(
        await fresh_gql.post(PLACE, {"c": cart["id"], "f": PICKUP_DOWNTOWN, "k": "r2"}, token=token)
    )["placeOrder"]
    assert order["channel"] == "STORE" and order["fulfillment"] == "PICKUP"
