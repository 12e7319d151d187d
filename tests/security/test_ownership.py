"""Someone else's object answers exactly as a missing one, and tokens prove a real customer."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from sqlalchemy import func, select

from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID, SAM_ID
from commercegraph.ids import from_global_id, to_global_id
from commercegraph.store import models as m
from tests.conftest import GraphQLClient
from tests.factories import store_for

GHOST = "cus_ghost_never_seeded"
PAY = """mutation($id: ID!) { payOrderWithWallet(orderId: $id, walletAmount: 1) {
  walletAmount { amount } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
ADD = """mutation($c: ID!) { addCartLine(cartId: $c, sku: "%s", quantity: 1) { id } }""" % (
    DEVI_COFFEE_SKU
)
FILL = "mutation($c: ID!) { autoFillCart(cartId: $c) { added { sku } } }"


def _error(body: dict[str, Any]) -> dict[str, Any]:
    (error,) = body["errors"]
    return {"code": error["extensions"]["code"], "extensions": error["extensions"]}


def _masked(body: dict[str, Any], global_id: str) -> tuple[Any, ...]:
    """What the answer tells the caller, with the id it was asked about blanked out."""
    (error,) = body["errors"]
    local = from_global_id(global_id)[1]
    message = error["message"].replace(global_id, "<id>").replace(local, "<id>")
    return message, error["extensions"], body.get("data")


async def _devi_order(gql: GraphQLClient) -> str:
    body = await gql.post(
        "{ me { orders(first: 1) { edges { node { id } } } } }", token=gql.token(DEVI_ID)
    )
    return str(body["data"]["me"]["orders"]["edges"][0]["node"]["id"])


@pytest.mark.asyncio
async def test_another_customers_objects_answer_as_missing_ones(gql: GraphQLClient) -> None:
    sam, devi = gql.token(SAM_ID), gql.token(DEVI_ID)
    order = await _devi_order(gql)
    cart = (await gql.post("mutation { createCart { id } }", token=devi))["data"]["createCart"]
    devi_customer = to_global_id("Customer", DEVI_ID)
    made_up = {
        "Order": to_global_id("Order", "ord_made_up_0"),
        "Cart": to_global_id("Cart", "cart_made_up_0"),
        "Customer": to_global_id("Customer", "cus_made_up_0"),
    }
    cases = [
        (PAY, order, made_up["Order"]),
        (NODE, order, made_up["Order"]),
        (NODE, cart["id"], made_up["Cart"]),
        (ADD, cart["id"], made_up["Cart"]),
        (FILL, cart["id"], made_up["Cart"]),
        (NODE, devi_customer, made_up["Customer"]),
    ]
    for query, real, missing in cases:
        for token in (sam, None):
            theirs = await gql.post(query, {"id": real, "c": real}, token=token)
            nobodys = await gql.post(query, {"id": missing, "c": missing}, token=token)
            if token is None and "UNAUTHENTICATED" in str(nobodys):
                continue  # a mutation that needs a signed-in customer says so first
            assert _error(theirs)["code"] == "NOT_FOUND", (query, theirs)
            assert _masked(theirs, real) == _masked(nobodys, missing), (query, token)


@pytest.mark.asyncio
async def test_a_token_for_a_customer_that_does_not_exist_writes_nothing(
    gql: GraphQLClient,
) -> None:
    ghost = gql.token(GHOST)
    for mutation in (
        "mutation { createCart { id } }",
        'mutation { addToShoppingList(sku: "%s") { items { quantity } } }' % DEVI_COFFEE_SKU,
        'mutation { redeemPoints(points: 100, idempotencyKey: "ghost-1") { pointsLeft } }',
    ):
        body = await gql.post(mutation, token=ghost)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"], body
        assert body["data"] is None
    store = store_for(gql.settings.database_url)
    try:
        async with store.read() as session:
            carts = await session.scalar(
                select(func.count()).select_from(m.Cart).where(m.Cart.customer_id == GHOST)
            )
    finally:
        await store.dispose()
    assert carts == 0
    # a real customer's mutations are untouched
    assert "errors" not in await gql.post("mutation { createCart { id } }", token=gql.token(SAM_ID))


@pytest.mark.asyncio
@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
async def test_time_claims_must_be_numbers(gql: GraphQLClient, claim: str) -> None:
    now = int(time.time())
    claims = {
        "sub": SAM_ID,
        "scope": "customer",
        "iss": gql.settings.jwt_issuer,
        "aud": gql.settings.jwt_audience,
        "iat": now,
        "nbf": now - 10,
        "exp": now + 600,
    }
    good = jwt.encode(claims, gql.settings.jwt_secret, algorithm="HS256")
    assert "errors" not in await gql.post("{ me { email } }", token=good)
    claims[claim] = str(claims[claim])
    forged = jwt.encode(claims, gql.settings.jwt_secret, algorithm="HS256")
    response = await gql.http.post(
        "/graphql",
        json={"query": "{ me { email } }"},
        headers={"Authorization": f"Bearer {forged}"},
    )
    assert response.status_code == 401, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
