"""autoFillCart answers the filled cart, and a second call fills the same cart with nothing."""

from __future__ import annotations

from typing import Any

from commercegraph.demo import DEVI_COFFEE_SKU
from commercegraph.store.db import Store
from tests.conftest import GraphQLClient
from tests.integration.test_journey import data
from tests.personalization.test_lists_and_offers import ALL, shopper

FILL = (
    "mutation($cart: ID, $ch: Channel) { autoFillCart(cartId: $cart, channel: $ch) {"
    " cartId lines { sku quantity } added { sku quantity }"
    " cart { id status lines { quantity product { sku } } } } }"
)
CREATE = "mutation($ch: Channel!) { createCart(channel: $ch) { id lines { quantity } } }"


def _cart_lines(filled: dict[str, Any]) -> list[tuple[str, int]]:
    return [(x["product"]["sku"], x["quantity"]) for x in filled["cart"]["lines"]]


async def test_a_given_cart_is_answered_as_filled(p8_gql: GraphQLClient, p8_store: Store) -> None:
    cid = await shopper(p8_store, consent=ALL)
    token = p8_gql.token(cid)
    cart = data(await p8_gql.post(CREATE, {"ch": "MOBILE_APP"}, token=token))["createCart"]
    assert cart["lines"] == []
    filled = data(await p8_gql.post(FILL, {"cart": cart["id"]}, token=token))["autoFillCart"]
    assert filled["cartId"] == cart["id"] == filled["cart"]["id"]
    assert filled["added"] == [{"sku": DEVI_COFFEE_SKU, "quantity": 2}]
    assert _cart_lines(filled) == [(DEVI_COFFEE_SKU, 2)]
    assert [(x["sku"], x["quantity"]) for x in filled["lines"]] == [(DEVI_COFFEE_SKU, 2)]


async def test_calling_twice_without_a_cart_fills_one_cart_once(
    p8_gql: GraphQLClient, p8_store: Store
) -> None:
    cid = await shopper(p8_store, consent=ALL)
    token = p8_gql.token(cid)
    first = data(await p8_gql.post(FILL, token=token))["autoFillCart"]
    second = data(await p8_gql.post(FILL, token=token))["autoFillCart"]
    assert first["added"] == [{"sku": DEVI_COFFEE_SKU, "quantity": 2}]
    assert second["cartId"] == first["cartId"]
    assert second["added"] == []
    assert _cart_lines(second) == [(DEVI_COFFEE_SKU, 2)]
    carts = "{ me { carts(status: OPEN) { edges { node { id } } } } }"
    edges = data(await p8_gql.post(carts, token=token))["me"]["carts"]["edges"]
    assert [e["node"]["id"] for e in edges] == [first["cartId"]]
    # another channel's cart is its own
    web = data(await p8_gql.post(FILL, {"ch": "WEB"}, token=token))["autoFillCart"]
    assert web["cartId"] != first["cartId"]
    assert web["added"] == [{"sku": DEVI_COFFEE_SKU, "quantity": 2}]
