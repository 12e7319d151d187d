"""Wallet and loyalty through the graph, on our own small demo stores (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID, SAM_ID
from commercegraph.ids import to_global_id
from commercegraph.store import models as m
from commercegraph.store.models.base import utcnow
from tests.wallet.audit import audit_ledger
from tests.wallet.conftest import make_customer
from tests.wallet.seeded import Demo, place_order

COFFEE_PRICE = 1_899

TOP_UP = """mutation($amount: Int!, $pm: ID!, $key: String!) {
  walletTopUp(amount: $amount, paymentMethodId: $pm, idempotencyKey: $key) { balance { amount currency } }
}"""
ME_WALLET = """{ me { wallet { balance { amount } paymentMethods { id kind label isDefault }
  transactions(first: 2) { edges { node { kind amount { amount } } } pageInfo { hasNextPage } } }
  loyalty { points tier pointsToNextTier pendingPoints expiringSoon }
  referral { code referred rewarded pointsEarned } } }"""
AWARD = """mutation($id: ID!) { awardOrderPoints(orderId: $id) {
  pointsEarned pendingPoints points tierBefore tierAfter reachedNewTier pointsToNextTier
  multipliers message } }"""


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body.get("errors")
    result: dict[str, Any] = body["data"]
    return result


def error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    ext: dict[str, Any] = body["errors"][0]["extensions"]
    return ext


async def test_devi_reaches_a_new_tier_with_her_next_purchase(demo: Demo) -> None:
    gql = demo.gql
    before = data(await gql.post(ME_WALLET, token=gql.token(DEVI_ID)))["me"]["loyalty"]
    assert 20 <= before["pointsToNextTier"] <= 80
    order_id = await place_order(demo.store, DEVI_ID, [(DEVI_COFFEE_SKU, 3, COFFEE_PRICE)])
    body = await gql.post(
        AWARD, {"id": to_global_id("Order", order_id)}, token=gql.token(staff=True)
    )
    rewards = data(body)["awardOrderPoints"]
    assert rewards["reachedNewTier"] is True
    assert rewards["tierBefore"] == before["tier"] and rewards["tierAfter"] != before["tier"]
    assert f"reached {rewards['tierAfter'].title()}" in rewards["message"]
    # 56.97 USD: 56 base points, coffee pods x2, app x1.5, pickup x1.1, then the tier's own
    assert rewards["pointsEarned"] >= 56 * 2 * 3 // 2
    assert rewards["pendingPoints"] == before["pendingPoints"] + rewards["pointsEarned"]
    again = data(
        await gql.post(AWARD, {"id": to_global_id("Order", order_id)}, token=gql.token(staff=True))
    )["awardOrderPoints"]
    assert again == rewards  # the order is the key: awarding twice changes nothing
    after = data(await gql.post(ME_WALLET, token=gql.token(DEVI_ID)))["me"]["loyalty"]
    assert after["tier"] == rewards["tierAfter"]
    assert after["pendingPoints"] == rewards["pendingPoints"]
    await audit_ledger(demo.store, [DEVI_ID])


async def test_top_up_is_idempotent_and_scoped_to_the_caller(demo: Demo) -> None:
    gql, token = demo.gql, demo.gql.token(SAM_ID)
    me = data(await gql.post(ME_WALLET, token=token))["me"]["wallet"]
    start = me["balance"]["amount"]
    pm = me["paymentMethods"][0]["id"]
    first = await gql.post(TOP_UP, {"amount": 1_500, "pm": pm, "key": "sam-top-1"}, token=token)
    assert data(first)["walletTopUp"]["balance"]["amount"] == start + 1_500
    retry = await gql.post(TOP_UP, {"amount": 1_500, "pm": pm, "key": "sam-top-1"}, token=token)
    assert data(retry) == data(first)
    changed = await gql.post(TOP_UP, {"amount": 1_600, "pm": pm, "key": "sam-top-1"}, token=token)
    assert error(changed) == {"code": "CONFLICT", "argument": "idempotencyKey"}
    devis = await gql.post(
        TOP_UP, {"amount": 100, "pm": "pm_devi_1", "key": "sam-top-2"}, token=token
    )
    assert error(devis)["code"] == "NOT_FOUND"
    anonymous = await gql.post(TOP_UP, {"amount": 100, "pm": pm, "key": "k"})
    assert error(anonymous)["code"] == "UNAUTHENTICATED"
    bad = await gql.post(TOP_UP, {"amount": -5, "pm": pm, "key": "sam-top-3"}, token=token)
    assert error(bad) == {"code": "BAD_USER_INPUT", "argument": "amount"}
    wallet = data(await gql.post(ME_WALLET, token=token))["me"]["wallet"]
    assert wallet["balance"]["amount"] == start + 1_500
    assert wallet["transactions"]["edges"][0]["node"] == {
        "kind": "TOP_UP",
        "amount": {"amount": 1_500},
    }


async def test_payment_methods_refuse_card_numbers(demo: Demo) -> None:
    gql, token = demo.gql, demo.gql.token(SAM_ID)
    add = """mutation($input: AddPaymentMethodInput!) {
      addPaymentMethod(input: $input) { id kind label isDefault } }"""
    pan = await gql.post(
        add,
        {
            "input": {
                "kind": "CARD",
                "providerToken": "4242424242424242",
                "brand": "Visa",
                "last4": "4242",
            }
        },
        token=token,
    )
    assert error(pan) == {"code": "BAD_USER_INPUT", "argument": "providerToken"}
    added = data(
        await gql.post(
            add,
            {
                "input": {
                    "kind": "PAYPAL",
                    "providerToken": "tok_pp_sam_0001",
                    "email": "sam@example.com",
                    "makeDefault": True,
                }
            },
            token=token,
        )
    )["addPaymentMethod"]
    assert added["label"] == "PayPal ····@example.com" and added["isDefault"]
    async with demo.store.read() as session:
        tokens = list(await session.scalars(select(m.PaymentMethod.provider_token)))
    assert not any(t.isdigit() and len(t) >= 12 for t in tokens)
    left = data(
        await gql.post(
            "mutation($id: ID!) { removePaymentMethod(id: $id) { id isDefault } }",
            {"id": added["id"]},
            token=token,
        )
    )["removePaymentMethod"]
    assert added["id"] not in {p["id"] for p in left} and sum(p["isDefault"] for p in left) == 1
    foreign = await gql.post(
        'mutation { setDefaultPaymentMethod(id: "pm_devi_1") { id } }', token=token
    )
    assert error(foreign)["code"] == "NOT_FOUND"


async def test_split_payment_refund_and_redemption_into_a_discount(demo: Demo) -> None:
    gql = demo.gql
    cid = await make_customer(demo.store)
    token = gql.token(cid)
    add = """mutation { addPaymentMethod(input: {kind: CARD, providerToken: "tok_visa_t_0001",
              brand: "Visa", last4: "4242"}) { id } }"""
    pm = data(await gql.post(add, token=token))["addPaymentMethod"]["id"]
    data(await gql.post(TOP_UP, {"amount": 3_000, "pm": pm, "key": "fund"}, token=token))
    order_id = await place_order(demo.store, cid, [(DEVI_COFFEE_SKU, 4, COFFEE_PRICE)])
    gid = to_global_id("Order", order_id)
    pay = """mutation($id: ID!, $w: Int!, $pm: ID) { payOrderWithWallet(orderId: $id, walletAmount: $w,
      paymentMethodId: $pm) { rewardCreditAmount { amount } walletAmount { amount }
      chargedAmount { amount } paymentMethod { label } walletBalance { amount } } }"""
    no_method = await gql.post(pay, {"id": gid, "w": 2_000}, token=token)
    assert error(no_method) == {"code": "BAD_USER_INPUT", "argument": "paymentMethodId"}
    too_much = await gql.post(pay, {"id": gid, "w": 9_000, "pm": pm}, token=token)
    assert error(too_much) == {"code": "BAD_USER_INPUT", "argument": "walletAmount"}
    paid = data(await gql.post(pay, {"id": gid, "w": 2_000, "pm": pm}, token=token))
    split = paid["payOrderWithWallet"]
    assert split["walletAmount"]["amount"] == 2_000 and split["walletBalance"]["amount"] == 1_000
    assert split["chargedAmount"]["amount"] == 4 * COFFEE_PRICE - 2_000
    assert split["paymentMethod"]["label"] == "Visa ····4242"
    assert data(await gql.post(pay, {"id": gid, "w": 2_000, "pm": pm}, token=token)) == paid
    other = await gql.post(pay, {"id": gid, "w": 1}, token=gql.token(SAM_ID))
    assert error(other)["code"] == "NOT_FOUND"
    award = data(await gql.post(AWARD, {"id": gid}, token=gql.token(staff=True)))
    assert award["awardOrderPoints"]["pendingPoints"] > 0
    refund = """mutation($id: ID!) { refundOrderToWallet(orderId: $id) { refunded { amount }
      pointsReversed loyalty { pendingPoints } } }"""
    assert error(await gql.post(refund, {"id": gid}, token=token))["code"] == "FORBIDDEN"
    back = data(await gql.post(refund, {"id": gid}, token=gql.token(staff=True)))
    assert back["refundOrderToWallet"]["refunded"]["amount"] == 2_000
    assert (
        back["refundOrderToWallet"]["pointsReversed"] == award["awardOrderPoints"]["pointsEarned"]
    )
    assert back["refundOrderToWallet"]["loyalty"]["pendingPoints"] == 0
    me = data(await gql.post(ME_WALLET, token=token))["me"]
    assert me["wallet"]["balance"]["amount"] == 3_000
    await audit_ledger(demo.store, [cid])


async def test_redeem_points_into_wallet_credit_and_order_discount(demo: Demo) -> None:
    gql, token = demo.gql, demo.gql.token(DEVI_ID)
    me = data(await gql.post(ME_WALLET, token=token))["me"]
    points, balance = me["loyalty"]["points"], me["wallet"]["balance"]["amount"]
    assert points >= 200
    redeem = """mutation($p: Int!, $k: String!, $into: RedemptionTarget!) {
      redeemPoints(points: $p, idempotencyKey: $k, into: $into) { points into credit { amount } pointsLeft } }"""
    credit = data(
        await gql.post(redeem, {"p": 100, "k": "r1", "into": "WALLET_CREDIT"}, token=token)
    )
    assert credit["redeemPoints"] == {
        "points": 100,
        "into": "WALLET_CREDIT",
        "credit": {"amount": 100},
        "pointsLeft": points - 100,
    }
    odd = await gql.post(redeem, {"p": 150, "k": "r2", "into": "WALLET_CREDIT"}, token=token)
    assert error(odd) == {"code": "BAD_USER_INPUT", "argument": "points"}
    too_many = await gql.post(
        redeem, {"p": points * 100, "k": "r3", "into": "WALLET_CREDIT"}, token=token
    )
    assert error(too_many)["code"] == "INSUFFICIENT_FUNDS"
    data(await gql.post(redeem, {"p": 100, "k": "r4", "into": "ORDER_DISCOUNT"}, token=token))
    after = data(await gql.post(ME_WALLET, token=token))["me"]
    assert after["wallet"]["balance"]["amount"] == balance + 100
    assert after["loyalty"]["points"] == points - 200
    order_id = await place_order(demo.store, DEVI_ID, [(DEVI_COFFEE_SKU, 1, COFFEE_PRICE)])
    pay = """mutation($id: ID!) { payOrderWithWallet(orderId: $id, walletAmount: 1000, paymentMethodId: "pm_devi_1") {
      rewardCreditAmount { amount } walletAmount { amount } chargedAmount { amount } } }"""
    paid = data(await gql.post(pay, {"id": to_global_id("Order", order_id)}, token=token))
    assert paid["payOrderWithWallet"] == {
        "rewardCreditAmount": {"amount": 100},
        "walletAmount": {"amount": 1_000},
        "chargedAmount": {"amount": COFFEE_PRICE - 1_100},
    }
    await audit_ledger(demo.store)


async def test_referrals_pay_once_and_refuse_a_second_identity(demo: Demo) -> None:
    gql = demo.gql
    code = data(
        await gql.post("mutation { createReferralCode { code referred } }", token=gql.token(SAM_ID))
    )["createReferralCode"]["code"]
    assert code and code.startswith("REF")
    again = data(
        await gql.post("mutation { createReferralCode { code } }", token=gql.token(SAM_ID))
    )["createReferralCode"]["code"]
    assert again == code
    apply = "mutation($c: String!) { applyReferralCode(code: $c) { code status } }"
    own = await gql.post(apply, {"c": code}, token=gql.token(SAM_ID))
    assert error(own)["code"] == "BAD_USER_INPUT"
    alias = await make_customer(demo.store, email="Sam+deals@example.com")
    second_identity = await gql.post(apply, {"c": code}, token=gql.token(alias))
    assert error(second_identity) == {"code": "BAD_USER_INPUT", "argument": "code"}
    assert "email" in second_identity["errors"][0]["message"]
    friend = await make_customer(demo.store, identifiers={"DEVICE": "dev-friend-01"})
    applied = data(await gql.post(apply, {"c": code}, token=gql.token(friend)))
    assert applied["applyReferralCode"] == {"code": code, "status": "PENDING"}
    twice = await gql.post(apply, {"c": code}, token=gql.token(friend))
    assert error(twice)["code"] == "CONFLICT"
    unknown = await gql.post(apply, {"c": "REFNOPE"}, token=gql.token(friend))
    assert error(unknown) == {"code": "NOT_FOUND", "argument": "code"}
    placed = await place_order(demo.store, friend, [(DEVI_COFFEE_SKU, 1, COFFEE_PRICE)])
    data(await gql.post(AWARD, {"id": to_global_id("Order", placed)}, token=gql.token(staff=True)))
    sam = data(await gql.post(ME_WALLET, token=gql.token(SAM_ID)))["me"]["referral"]
    assert sam["rewarded"] == 0 and sam["referred"] == 1  # not before the order completes
    done = await place_order(
        demo.store, friend, [(DEVI_COFFEE_SKU, 1, COFFEE_PRICE)], status="COMPLETED"
    )
    for _ in range(2):
        data(
            await gql.post(AWARD, {"id": to_global_id("Order", done)}, token=gql.token(staff=True))
        )
    sam = data(await gql.post(ME_WALLET, token=gql.token(SAM_ID)))["me"]["referral"]
    assert sam == {"code": code, "referred": 1, "rewarded": 1, "pointsEarned": 500}
    late = await make_customer(demo.store)
    await place_order(demo.store, late, [(DEVI_COFFEE_SKU, 1, COFFEE_PRICE)])
    refused = await gql.post(apply, {"c": code}, token=gql.token(late))
    assert error(refused) == {"code": "CONFLICT", "argument": "code"}


async def test_devis_points_show_what_expires_soon_and_exclude_what_expired(demo: Demo) -> None:
    gql = demo.gql
    loyalty = data(await gql.post(ME_WALLET, token=gql.token(DEVI_ID)))["me"]["loyalty"]
    now = utcnow()
    async with demo.store.read() as session:
        lots = list(
            await session.scalars(
                select(m.PointsLot).where(
                    m.PointsLot.customer_id == DEVI_ID,
                    m.PointsLot.status == "AVAILABLE",
                    m.PointsLot.remaining > 0,
                )
            )
        )
    assert lots, "the demo gives each of Devi's earnings a lot"
    assert loyalty["points"] == sum(lot.remaining for lot in lots if lot.expires_at > now)
    soon = [lot for lot in lots if now < lot.expires_at <= now + timedelta(days=30)]
    # (earlier tests in this module may have redeemed the soonest lots, first in first out)
    assert loyalty["expiringSoon"] == sum(lot.remaining for lot in soon)
