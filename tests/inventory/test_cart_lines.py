"""setCartLineQuantity and a customer's carts, on a fresh SQLite and PostgreSQL store each."""

from __future__ import annotations

import asyncio
from typing import Any

from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID, DEVI_SODA_SKU, SAM_ID
from tests.conftest import GraphQLClient
from tests.inventory.test_checkout import CREATE, data

LINES = "id status lines { sku quantity bundleId }"
SET = f"""mutation($c: ID!, $s: String!, $q: Int!) {{
  setCartLineQuantity(cartId: $c, sku: $s, quantity: $q) {{ {LINES} }} }}"""
CARTS = """query($first: Int!, $after: String, $status: CartStatus) { me {
  carts(first: $first, after: $after, status: $status) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id status lines { sku quantity } } } } } }"""


async def new_cart(gql: GraphQLClient, token: str) -> str:
    cart_id: str = data(await gql.post(CREATE, {"ch": "WEB"}, token=token))["createCart"]["id"]
    return cart_id


def lines(cart: dict[str, Any]) -> dict[str, int]:
    return {line["sku"]: line["quantity"] for line in cart["lines"]}


async def test_set_quantity_is_absolute_idempotent_and_zero_removes(
    fresh_gql: GraphQLClient,
) -> None:
    devi = fresh_gql.token(DEVI_ID)
    cart = await new_cart(fresh_gql, devi)
    args = {"c": cart, "s": DEVI_COFFEE_SKU, "q": 3}
    first = data(await fresh_gql.post(SET, args, token=devi))["setCartLineQuantity"]
    assert lines(first) == {DEVI_COFFEE_SKU: 3}
    again = data(await fresh_gql.post(SET, args, token=devi))["setCartLineQuantity"]
    assert again == first, "the same request twice leaves the same cart"
    both = await asyncio.gather(
        *(fresh_gql.post(SET, {**args, "q": 5}, token=devi) for _ in range(4))
    )
    assert {tuple(lines(data(b)["setCartLineQuantity"]).items()) for b in both} == {
        ((DEVI_COFFEE_SKU, 5),)
    }, "concurrent repeats agree and never add up"
    fewer = data(await fresh_gql.post(SET, {**args, "q": 1}, token=devi))["setCartLineQuantity"]
    assert lines(fewer) == {DEVI_COFFEE_SKU: 1}
    gone = data(await fresh_gql.post(SET, {**args, "q": 0}, token=devi))["setCartLineQuantity"]
    assert gone["lines"] == []
    still = data(await fresh_gql.post(SET, {**args, "q": 0}, token=devi))["setCartLineQuantity"]
    assert still["lines"] == [], "removing a line that is not there is no error"


async def test_set_quantity_checks_input_like_add_cart_line(fresh_gql: GraphQLClient) -> None:
    devi = fresh_gql.token(DEVI_ID)
    cart = await new_cart(fresh_gql, devi)
    await fresh_gql.post(SET, {"c": cart, "s": DEVI_SODA_SKU, "q": 2}, token=devi)
    for variables, argument in (
        ({"c": cart, "s": DEVI_SODA_SKU, "q": -1}, "quantity"),
        ({"c": cart, "s": DEVI_SODA_SKU, "q": 10_001}, "quantity"),
        ({"c": cart, "s": "NO-SUCH-SKU", "q": 1}, "sku"),
    ):
        body = await fresh_gql.post(SET, variables, token=devi)
        error = body["errors"][0]["extensions"]
        assert error.get("argument") == argument, (variables, error)
        assert error["code"] in ("BAD_USER_INPUT", "NOT_FOUND"), error
    malformed = await fresh_gql.post(SET, {"c": "nope", "s": DEVI_SODA_SKU, "q": 1}, token=devi)
    assert malformed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    sam = await fresh_gql.post(
        SET, {"c": cart, "s": DEVI_SODA_SKU, "q": 9}, token=fresh_gql.token(SAM_ID)
    )
    assert sam["errors"][0]["extensions"]["code"] == "NOT_FOUND", (
        "someone else's cart answers as a missing one"
    )
    (mine,) = [
        e["node"]
        for e in data(await fresh_gql.post(CARTS, {"first": 50}, token=devi))["me"]["carts"][
            "edges"
        ]
        if e["node"]["id"] == cart
    ]
    assert lines(mine) == {DEVI_SODA_SKU: 2}, "refused requests changed nothing"


async def test_me_carts_pages_newest_change_first(fresh_gql: GraphQLClient) -> None:
    sam = fresh_gql.token(SAM_ID)
    made = [await new_cart(fresh_gql, sam) for _ in range(3)]
    await fresh_gql.post(SET, {"c": made[0], "s": DEVI_SODA_SKU, "q": 1}, token=sam)
    everything = data(await fresh_gql.post(CARTS, {"first": 50}, token=sam))["me"]["carts"]
    ids = [e["node"]["id"] for e in everything["edges"]]
    assert everything["totalCount"] == len(ids) and set(made) <= set(ids)
    assert ids[0] == made[0], "the cart changed last comes first"
    walked: list[str] = []
    after = None
    while True:
        page = data(await fresh_gql.post(CARTS, {"first": 2, "after": after}, token=sam))
        carts = page["me"]["carts"]
        assert carts["totalCount"] == len(ids)
        walked += [e["node"]["id"] for e in carts["edges"]]
        if not carts["pageInfo"]["hasNextPage"]:
            break
        after = carts["pageInfo"]["endCursor"]
    assert walked == ids, "pages of two walk the same list without gaps or repeats"
    open_only = data(await fresh_gql.post(CARTS, {"first": 50, "status": "OPEN"}, token=sam))
    assert all(e["node"]["status"] == "OPEN" for e in open_only["me"]["carts"]["edges"])
    devi = data(await fresh_gql.post(CARTS, {"first": 50}, token=fresh_gql.token(DEVI_ID)))
    assert not set(made) & {e["node"]["id"] for e in devi["me"]["carts"]["edges"]}
