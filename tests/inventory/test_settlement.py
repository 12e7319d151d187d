"""placeOrder end to end: pay from the wallet (split with PayPal), earn points, say when the
order lifts the tier — once, however often the same checkout is retried."""

from __future__ import annotations

from typing import Any

from commercegraph.demo import DEVI_ID, DEVI_SHOES_SKU, DOWNTOWN_ID
from commercegraph.ids import to_global_id
from commercegraph.store.db import Store
from tests.conftest import GraphQLClient
from tests.inventory.conftest import set_stock, stock_of
from tests.inventory.test_checkout import data, error

PLACE_AND_PAY = """mutation($c: ID!, $k: String!, $p: CheckoutPaymentInput) {
  placeOrder(cartId: $c, idempotencyKey: $k, payment: $p,
             fulfillment: {method: PICKUP, storeId: "%s"}) {
    id total { amount }
    payment { walletAmount { amount } rewardCreditAmount { amount } chargedAmount { amount }
              paymentMethod { label } walletBalance { amount } }
    rewards { pointsEarned pendingPoints tierBefore tierAfter reachedNewTier message } } }""" % (
    to_global_id("Store", DOWNTOWN_ID)
)
WALLET = (
    "{ me { wallet { balance { amount } paymentMethods { id label } } orders { totalCount } } }"
)


async def _cart(gql: GraphQLClient, token: str) -> str:
    cart = data(await gql.post("mutation { createCart(channel: MOBILE_APP) { id } }", token=token))
    cart_id: str = cart["createCart"]["id"]
    added = await gql.post(
        'mutation($c: ID!) { addCartLine(cartId: $c, sku: "%s", quantity: 1) { id } }'
        % DEVI_SHOES_SKU,
        {"c": cart_id},
        token=token,
    )
    data(added)
    return cart_id


async def test_devis_next_purchase_reaches_a_reward_level_and_says_so(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    token = fresh_gql.token(DEVI_ID)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 5)
    before: dict[str, Any] = data(await fresh_gql.post(WALLET, token=token))["me"]
    paypal = next(p for p in before["wallet"]["paymentMethods"] if "PayPal" in p["label"])
    balance = before["wallet"]["balance"]["amount"]
    pay = {"walletAmount": 1000, "paymentMethodId": paypal["id"]}
    cart_id = await _cart(fresh_gql, token)

    variables = {"c": cart_id, "k": "devi-shoes-1", "p": pay}
    order = data(await fresh_gql.post(PLACE_AND_PAY, variables, token=token))["placeOrder"]
    rewards, payment = order["rewards"], order["payment"]
    assert rewards["reachedNewTier"] is True and rewards["tierBefore"] != rewards["tierAfter"]
    assert rewards["tierAfter"].title() in rewards["message"] and rewards["pointsEarned"] > 0
    assert payment["walletAmount"]["amount"] == 1000
    assert payment["paymentMethod"]["label"] == paypal["label"]
    paid = (
        payment["walletAmount"]["amount"]
        + payment["rewardCreditAmount"]["amount"]
        + payment["chargedAmount"]["amount"]
    )
    assert paid == order["total"]["amount"]
    assert payment["walletBalance"]["amount"] == balance - 1000
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (4, 0, 0)

    # The same checkout again: the same order, rewards and payment, nothing taken twice.
    again = data(await fresh_gql.post(PLACE_AND_PAY, variables, token=token))["placeOrder"]
    assert again["id"] == order["id"] and again["rewards"] == rewards
    after = data(await fresh_gql.post(WALLET, token=token))["me"]
    assert after["wallet"]["balance"]["amount"] == balance - 1000
    assert after["orders"]["totalCount"] == before["orders"]["totalCount"] + 1
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (4, 0, 0)


async def test_an_unaffordable_wallet_amount_places_nothing(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    token = fresh_gql.token(DEVI_ID)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 5)
    before: dict[str, Any] = data(await fresh_gql.post(WALLET, token=token))["me"]
    too_much = before["wallet"]["balance"]["amount"] + 1
    cart_id = await _cart(fresh_gql, token)
    body = await fresh_gql.post(
        PLACE_AND_PAY,
        {"c": cart_id, "k": "devi-broke-1", "p": {"walletAmount": too_much}},
        token=token,
    )
    assert error(body)["code"] == "INSUFFICIENT_FUNDS"
    after = data(await fresh_gql.post(WALLET, token=token))["me"]
    assert after["orders"]["totalCount"] == before["orders"]["totalCount"]
    assert after["wallet"]["balance"] == before["wallet"]["balance"]
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (5, 0, 0)
