"""An order exists only once it is paid (or explicitly paid at pickup), and a key always
answers its checkout's first outcome — also under concurrency, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from commercegraph.demo import DEVI_SHOES_SKU, DOWNTOWN_ID
from commercegraph.store import models as m
from commercegraph.store.db import Store
from tests.conftest import GraphQLClient
from tests.inventory.conftest import set_stock, stock_of
from tests.inventory.shoppers import orders_of, shopper, unpaid_orders, wallet_balance
from tests.inventory.test_checkout import PICKUP_DOWNTOWN, data, error, new_cart
from tests.wallet.audit import audit_ledger

PAY = """mutation($c: ID!, $k: String!, $p: CheckoutPaymentInput) {
  placeOrder(cartId: $c, idempotencyKey: $k, payment: $p,
             fulfillment: {method: PICKUP, storeId: "%s"}) {
    id total { amount }
    payment { walletAmount { amount } chargedAmount { amount } } } }""" % (
    PICKUP_DOWNTOWN["storeId"]
)
BURST = 100
AFFORDABLE = 37
WALLET_SHARE = 1_000


def outcome(body: dict[str, Any]) -> str:
    if body.get("errors"):
        return str(body["errors"][0]["extensions"]["code"])
    return str(body["data"]["placeOrder"]["id"])


async def held_or_taken(store: Store, reference_prefix: str) -> int:
    async with store.read() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(m.StockReservation)
            .where(m.StockReservation.reference.startswith(reference_prefix))
        )
    return int(count or 0)


async def test_a_hundred_wallet_checkouts_against_a_balance_for_37_make_37_paid_orders(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid = f"cus_burst_{uuid.uuid4().hex[:8]}"
    card = await shopper(fresh_store, fresh_gql.settings, cid, wallet=AFFORDABLE * WALLET_SHARE)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 500)
    token = fresh_gql.token(cid)
    carts = [await new_cart(fresh_gql, token, (DEVI_SHOES_SKU, 1)) for _ in range(BURST)]
    pay = {"walletAmount": WALLET_SHARE, "paymentMethodId": card}

    bodies = await asyncio.gather(
        *(
            fresh_gql.post(PAY, {"c": cart["id"], "k": f"burst-{n}", "p": pay}, token=token)
            for n, cart in enumerate(carts)
        )
    )

    seen = Counter("ORDER" if outcome(b).startswith("T3Jk") else outcome(b) for b in bodies)
    assert seen == {"ORDER": AFFORDABLE, "INSUFFICIENT_FUNDS": BURST - AFFORDABLE}, seen
    assert await orders_of(fresh_store, cid) == AFFORDABLE + 1  # and the past one
    assert await wallet_balance(fresh_store, cid) == 0
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (500 - AFFORDABLE, 0, 0)
    assert await unpaid_orders(fresh_store) == []
    await audit_ledger(fresh_store)

    # every key answers again as it first did, the refused ones included
    again = await asyncio.gather(
        *(
            fresh_gql.post(PAY, {"c": cart["id"], "k": f"burst-{n}", "p": pay}, token=token)
            for n, cart in enumerate(carts)
        )
    )
    assert [outcome(b) for b in again] == [outcome(b) for b in bodies]
    assert await orders_of(fresh_store, cid) == AFFORDABLE + 1


async def test_an_unknown_payment_method_writes_nothing(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid = f"cus_nope_{uuid.uuid4().hex[:8]}"
    await shopper(fresh_store, fresh_gql.settings, cid)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 5)
    token = fresh_gql.token(cid)
    cart = await new_cart(fresh_gql, token, (DEVI_SHOES_SKU, 1))
    body = await fresh_gql.post(
        PAY, {"c": cart["id"], "k": "nope-1", "p": {"paymentMethodId": "pm_nope"}}, token=token
    )
    assert await orders_of(fresh_store, cid) == 1  # the past one only
    assert await held_or_taken(fresh_store, f"checkout:{cid}:") == 0
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (5, 0, 0)
    assert (error(body)["code"], error(body)["argument"]) == (
        "NOT_FOUND",
        "payment.paymentMethodId",
    )
    node = await fresh_gql.post(
        "query($id: ID!) { node(id: $id) { ... on Cart { status } } }",
        {"id": cart["id"]},
        token=token,
    )
    assert data(node)["node"]["status"] == "OPEN"


async def test_a_retry_after_success_answers_the_order_even_with_the_wallet_empty(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid = f"cus_retry_{uuid.uuid4().hex[:8]}"
    card = await shopper(fresh_store, fresh_gql.settings, cid, wallet=WALLET_SHARE)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 5)
    token = fresh_gql.token(cid)
    cart = await new_cart(fresh_gql, token, (DEVI_SHOES_SKU, 1))
    variables = {
        "c": cart["id"],
        "k": "retry-1",
        "p": {"walletAmount": WALLET_SHARE, "paymentMethodId": card},
    }
    first = data(await fresh_gql.post(PAY, variables, token=token))["placeOrder"]
    assert await wallet_balance(fresh_store, cid) == 0
    retries = await asyncio.gather(*(fresh_gql.post(PAY, variables, token=token) for _ in range(5)))
    assert [data(b)["placeOrder"] for b in retries] == [first] * 5
    assert await orders_of(fresh_store, cid) == 2
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (4, 0, 0)
    other = dict(variables, p={"walletAmount": 0, "paymentMethodId": card})
    reused = await fresh_gql.post(PAY, other, token=token)
    assert (error(reused)["code"], error(reused)["argument"]) == ("CONFLICT", "idempotencyKey")

    # paid at checkout: paying the order again is refused; cancelling it refunds the wallet
    await shopper(fresh_store, fresh_gql.settings, cid, wallet=WALLET_SHARE)
    twice = await fresh_gql.post(
        "mutation($o: ID!) { payOrderWithWallet(orderId: $o, walletAmount: 1000) "
        "{ walletAmount { amount } } }",
        {"o": first["id"]},
        token=token,
    )
    assert (error(twice)["code"], error(twice)["argument"]) == ("CONFLICT", "orderId")
    assert await wallet_balance(fresh_store, cid) == WALLET_SHARE
    refund = await fresh_gql.post(
        "mutation($o: ID!) { refundOrderToWallet(orderId: $o) { refunded { amount } } }",
        {"o": first["id"]},
        token=fresh_gql.token(staff=True),
    )
    assert data(refund)["refundOrderToWallet"]["refunded"]["amount"] == WALLET_SHARE
    assert await wallet_balance(fresh_store, cid) == 2 * WALLET_SHARE
    await audit_ledger(fresh_store)


async def test_a_refused_checkout_answers_its_refusal_again(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid = f"cus_short_{uuid.uuid4().hex[:8]}"
    card = await shopper(fresh_store, fresh_gql.settings, cid)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 1)
    token = fresh_gql.token(cid)
    cart = await new_cart(fresh_gql, token, (DEVI_SHOES_SKU, 2))
    variables = {"c": cart["id"], "k": "short-1", "p": {"paymentMethodId": card}}
    first = error(await fresh_gql.post(PAY, variables, token=token))
    assert first["code"] == "OUT_OF_STOCK"
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 10)
    assert error(await fresh_gql.post(PAY, variables, token=token)) == first
    assert await orders_of(fresh_store, cid) == 1
    # a new key is a new checkout, and the stock is there now
    placed = await fresh_gql.post(PAY, dict(variables, k="short-2"), token=token)
    assert data(placed)["placeOrder"]["payment"]["chargedAmount"]["amount"] > 0
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (8, 0, 0)
