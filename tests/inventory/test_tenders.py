"""Tenders beside the wallet, through placeOrder on SQLite and PostgreSQL: a wallet in
another currency converts at the pricing rate or is refused, a gift card pays part of an
order beside the wallet and a card with the ledger balanced, one card spent concurrently
never goes below zero, a key answers its first outcome, and an expired card is refused."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from commercegraph.adapters.native.tenders import NativeTenders
from commercegraph.adapters.registry import build_registry
from commercegraph.auth import Caller
from commercegraph.context import Context
from commercegraph.demo import DEVI_SHOES_SKU, DOWNTOWN_ID
from commercegraph.errors import Conflict
from commercegraph.ids import to_global_id
from commercegraph.resolvers import checkout, settlement
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.usecases import checkout as saga
from commercegraph.usecases.tenders import refund_gift_card_tender
from tests.conftest import GraphQLClient
from tests.inventory.conftest import set_stock
from tests.inventory.shoppers import orders_of, shopper, wallet_balance
from tests.inventory.test_checkout import ADD, CART, PICKUP_DOWNTOWN, data, error
from tests.wallet.audit import audit_ledger

CREATE_IN = f"mutation($cur: String) {{ createCart(channel: WEB, currency: $cur) {{ {CART} }} }}"
PAY = """mutation($c: ID!, $k: String!, $p: CheckoutPaymentInput) {
  placeOrder(cartId: $c, idempotencyKey: $k, payment: $p,
             fulfillment: {method: PICKUP, storeId: "%s"}) {
    id total { amount currency }
    payment {
      walletAmount { amount currency } chargedAmount { amount }
      giftCardAmount { amount currency } rewardCreditAmount { amount }
      exchange { orderAmount { amount currency } walletAmount { amount currency }
                 rate source asOf } } } }""" % (PICKUP_DOWNTOWN["storeId"])
ISSUE = """mutation($a: Int!, $k: String!, $cur: String, $exp: DateTime) {
  issueGiftCard(amount: $a, idempotencyKey: $k, currency: $cur, expiresAt: $exp) {
    code balance { amount currency } expiresAt expired } }"""
TOP_UP = """mutation($code: String!, $a: Int!, $k: String!) {
  topUpGiftCard(code: $code, amount: $a, idempotencyKey: $k) {
    amount { amount } balance { amount } replayed } }"""
BALANCE = "query($code: String!) { giftCard(code: $code) { balance { amount currency } expired } }"


async def cart_in(gql: GraphQLClient, token: str, currency: str, quantity: int = 1) -> str:
    cart = data(await gql.post(CREATE_IN, {"cur": currency}, token=token))["createCart"]
    data(await gql.post(ADD, {"c": cart["id"], "s": DEVI_SHOES_SKU, "q": quantity}, token=token))
    return str(cart["id"])


async def issue(gql: GraphQLClient, amount: int, **extra: Any) -> dict[str, Any]:
    variables = {"a": amount, "k": f"issue-{uuid.uuid4().hex}", **extra}
    return dict(
        data(await gql.post(ISSUE, variables, token=gql.token(staff=True)))["issueGiftCard"]
    )


async def card_balance(gql: GraphQLClient, code: str) -> int:
    body = await gql.post(BALANCE, {"code": code}, token=gql.token(staff=True))
    return int(data(body)["giftCard"]["balance"]["amount"])


async def new_shopper(gql: GraphQLClient, store: Store, wallet: int) -> tuple[str, str, str]:
    cid = f"cus_tender_{uuid.uuid4().hex[:8]}"
    card = await shopper(store, gql.settings, cid, wallet=wallet)
    return cid, card, gql.token(cid)


async def test_a_eur_order_never_spends_the_usd_wallet_one_for_one(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid, card, token = await new_shopper(fresh_gql, fresh_store, wallet=50_000)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 50)
    async with fresh_store.write() as session:  # no rate known: refused, nothing moves
        await session.execute(delete(m.ExchangeRate))
    cart = await cart_in(fresh_gql, token, "EUR")
    pay = {"walletAmount": 100, "paymentMethodId": card}
    refused = await fresh_gql.post(PAY, {"c": cart, "k": "eur-1", "p": pay}, token=token)
    assert error(refused)["code"] == "CURRENCY_MISMATCH", refused
    assert error(refused)["argument"] == "payment.walletAmount"
    assert (error(refused)["tenderCurrency"], error(refused)["orderCurrency"]) == ("USD", "EUR")
    assert await wallet_balance(fresh_store, cid) == 50_000
    assert await orders_of(fresh_store, cid) == 1  # the past one only

    # with a rate on the pricing side the wallet pays the converted amount, shown as such
    as_of = utcnow().replace(microsecond=0)
    await NativeTenders(fresh_store).set_rate("EUR", "USD", 1_086_957, "test desk", as_of)
    cart = await cart_in(fresh_gql, token, "EUR")
    placed = await fresh_gql.post(PAY, {"c": cart, "k": "eur-2", "p": pay}, token=token)
    order = data(placed)["placeOrder"]
    assert order["total"]["currency"] == "EUR"
    exchange = order["payment"]["exchange"]
    # 100 EUR cents × 1.086957 = 108.6957 → 109 USD cents (half to even, not half)
    assert exchange["orderAmount"] == {"amount": 100, "currency": "EUR"}
    assert exchange["walletAmount"] == {"amount": 109, "currency": "USD"}
    assert (exchange["rate"], exchange["source"]) == ("1.086957", "test desk")
    assert order["payment"]["walletAmount"] == {"amount": 100, "currency": "EUR"}
    assert order["payment"]["chargedAmount"]["amount"] == order["total"]["amount"] - 100
    assert await wallet_balance(fresh_store, cid) == 50_000 - 109
    again = await fresh_gql.post(PAY, {"c": cart, "k": "eur-2", "p": pay}, token=token)
    assert data(again)["placeOrder"]["id"] == order["id"]
    assert await wallet_balance(fresh_store, cid) == 50_000 - 109
    await audit_ledger(fresh_store)


async def test_a_gift_card_wallet_and_card_pay_one_order_with_the_ledger_balanced(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid, card, token = await new_shopper(fresh_gql, fresh_store, wallet=1_000)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 50)
    gift = await issue(fresh_gql, 2_000)
    assert gift["balance"] == {"amount": 2_000, "currency": "USD"} and not gift["expired"]
    staff = fresh_gql.token(staff=True)
    topped = data(
        await fresh_gql.post(TOP_UP, {"code": gift["code"], "a": 500, "k": "tu-1"}, token=staff)
    )["topUpGiftCard"]
    assert topped == {"amount": {"amount": 500}, "balance": {"amount": 2_500}, "replayed": False}
    replay = data(
        await fresh_gql.post(TOP_UP, {"code": gift["code"], "a": 500, "k": "tu-1"}, token=staff)
    )["topUpGiftCard"]
    assert replay["replayed"] and replay["balance"] == {"amount": 2_500}
    assert await card_balance(fresh_gql, gift["code"]) == 2_500

    cart = await cart_in(fresh_gql, token, "USD")
    code = gift["code"].lower().replace("-", " ")  # typed as it is read out
    pay = {
        "walletAmount": 1_000,
        "giftCardCode": code,
        "giftCardAmount": 1_500,
        "paymentMethodId": card,
    }
    order = data(await fresh_gql.post(PAY, {"c": cart, "k": "gc-1", "p": pay}, token=token))[
        "placeOrder"
    ]
    total = order["total"]["amount"]
    paid = order["payment"]
    assert paid["giftCardAmount"] == {"amount": 1_500, "currency": "USD"}
    assert paid["walletAmount"]["amount"] == 1_000 and paid["exchange"] is None
    assert paid["chargedAmount"]["amount"] == total - 2_500 - paid["rewardCreditAmount"]["amount"]
    assert await card_balance(fresh_gql, gift["code"]) == 1_000
    assert await wallet_balance(fresh_store, cid) == 0
    # the same key answers the same order and spends nothing more
    again = await fresh_gql.post(PAY, {"c": cart, "k": "gc-1", "p": pay}, token=token)
    assert data(again)["placeOrder"]["id"] == order["id"]
    assert await card_balance(fresh_gql, gift["code"]) == 1_000

    # asking more than the card holds is refused before anything moves
    cart2 = await cart_in(fresh_gql, token, "USD")
    short = {"giftCardCode": gift["code"], "giftCardAmount": 1_001, "paymentMethodId": card}
    body = await fresh_gql.post(PAY, {"c": cart2, "k": "gc-2", "p": short}, token=token)
    assert (error(body)["code"], error(body)["argument"]) == (
        "INSUFFICIENT_FUNDS",
        "payment.giftCardAmount",
    )
    # without an amount the card pays what it holds, the card the rest
    rest = {"giftCardCode": gift["code"], "paymentMethodId": card}
    second = data(await fresh_gql.post(PAY, {"c": cart2, "k": "gc-3", "p": rest}, token=token))
    assert second["placeOrder"]["payment"]["giftCardAmount"]["amount"] == 1_000
    assert await card_balance(fresh_gql, gift["code"]) == 0
    async with fresh_store.read() as session:
        kinds = list(
            await session.scalars(
                select(m.LedgerTransaction.kind).where(
                    m.LedgerTransaction.customer_id == cid,
                    m.LedgerTransaction.kind.like("GIFT_CARD%"),
                )
            )
        )
    assert sorted(kinds) == ["GIFT_CARD_PAYMENT", "GIFT_CARD_PAYMENT"]
    await audit_ledger(fresh_store)


async def test_one_gift_card_spent_by_many_checkouts_at_once_never_goes_below_zero(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    burst, share, fits = 12, 700, 5
    gift = await issue(fresh_gql, share * fits + share // 2)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 200)
    shoppers = [await new_shopper(fresh_gql, fresh_store, wallet=0) for _ in range(burst)]
    carts = [await cart_in(fresh_gql, token, "USD") for _, _, token in shoppers]

    def spend_all() -> Any:
        return asyncio.gather(
            *(
                fresh_gql.post(
                    PAY,
                    {
                        "c": cart,
                        "k": "burst",
                        "p": {
                            "giftCardCode": gift["code"],
                            "giftCardAmount": share,
                            "paymentMethodId": card,
                        },
                    },
                    token=token,
                )
                for cart, (_, card, token) in zip(carts, shoppers, strict=True)
            )
        )

    bodies = await spend_all()
    codes = sorted("ORDER" if not b.get("errors") else error(b)["code"] for b in bodies)
    assert codes.count("ORDER") == fits, codes
    assert set(codes) == {"ORDER", "INSUFFICIENT_FUNDS"}, codes
    assert await card_balance(fresh_gql, gift["code"]) == share // 2
    placed = sum([await orders_of(fresh_store, cid) - 1 for cid, _, _ in shoppers])
    assert placed == fits
    # every key answers again as it first did, and nothing more is spent
    again = await spend_all()
    assert [a.get("errors") and error(a)["code"] for a in again] == [
        b.get("errors") and error(b)["code"] for b in bodies
    ]
    assert [a["data"]["placeOrder"] for a in again if not a.get("errors")] == [
        b["data"]["placeOrder"] for b in bodies if not b.get("errors")
    ]
    assert await card_balance(fresh_gql, gift["code"]) == share // 2
    await audit_ledger(fresh_store)


async def test_an_expired_gift_card_is_refused_and_changes_nothing(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid, card, token = await new_shopper(fresh_gql, fresh_store, wallet=0)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 50)
    soon = (utcnow() + timedelta(days=30)).isoformat()
    gift = await issue(fresh_gql, 1_000, exp=soon)
    async with fresh_store.write() as session:  # a month passes
        await session.execute(
            update(m.GiftCard)
            .where(m.GiftCard.code == gift["code"])
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    cart = await cart_in(fresh_gql, token, "USD")
    pay = {"giftCardCode": gift["code"], "paymentMethodId": card}
    body = await fresh_gql.post(PAY, {"c": cart, "k": "exp-1", "p": pay}, token=token)
    assert (error(body)["code"], error(body)["argument"]) == (
        "GIFT_CARD_EXPIRED",
        "payment.giftCardCode",
    )
    staff = fresh_gql.token(staff=True)
    topped = await fresh_gql.post(TOP_UP, {"code": gift["code"], "a": 100, "k": "t"}, token=staff)
    assert error(topped)["code"] == "GIFT_CARD_EXPIRED"
    state = data(await fresh_gql.post(BALANCE, {"code": gift["code"]}, token=staff))["giftCard"]
    assert state == {"balance": {"amount": 1_000, "currency": "USD"}, "expired": True}
    assert await orders_of(fresh_store, cid) == 1
    # a EUR order cannot spend a USD gift card either
    usd = await issue(fresh_gql, 1_000)
    eur_cart = await cart_in(fresh_gql, token, "EUR")
    mixed = await fresh_gql.post(
        PAY,
        {"c": eur_cart, "k": "mix-1", "p": {"giftCardCode": usd["code"], "paymentMethodId": card}},
        token=token,
    )
    assert error(mixed)["code"] == "CURRENCY_MISMATCH"
    assert await card_balance(fresh_gql, usd["code"]) == 1_000
    # customers cannot issue gift cards
    denied = await fresh_gql.post(ISSUE, {"a": 100, "k": "nope"}, token=token)
    assert error(denied)["code"] == "FORBIDDEN"
    await audit_ledger(fresh_store)


async def test_a_store_issues_one_membership_card_that_identifies_the_customer(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid, _, token = await new_shopper(fresh_gql, fresh_store, wallet=0)
    staff = fresh_gql.token(staff=True)
    issue_card = """mutation($c: ID!, $s: ID!) { issueMembershipCard(customerId: $c, storeId: $s) {
      number customerId storeId } }"""

    variables = {"c": to_global_id("Customer", cid), "s": PICKUP_DOWNTOWN["storeId"]}
    first = data(await fresh_gql.post(issue_card, variables, token=staff))["issueMembershipCard"]
    assert first["number"].startswith("MC-") and first["storeId"] == PICKUP_DOWNTOWN["storeId"]
    second = data(await fresh_gql.post(issue_card, variables, token=staff))["issueMembershipCard"]
    assert second == first
    found = await fresh_gql.post(
        "query($v: String!) { customerByIdentifier(kind: LOYALTY_CARD, value: $v) { id } }",
        {"v": first["number"]},
        token=staff,
    )
    assert data(found)["customerByIdentifier"]["id"] == variables["c"]
    denied = await fresh_gql.post(issue_card, variables, token=token)
    assert error(denied)["code"] == "FORBIDDEN"


async def test_a_checkout_that_fails_after_spending_the_gift_card_gives_it_back(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    """The card is spent before the wallet; when the wallet then cannot pay (drained by
    another payment after the checkout was planned) compensation puts the card back.
    A placed order's gift-card share can be refunded to the card, in parts, never more."""

    cid, card, _ = await new_shopper(fresh_gql, fresh_store, wallet=1_000)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 50)
    gift = await issue(fresh_gql, 800)
    settings = fresh_gql.settings
    caller = Caller(customer_id=cid, scopes=frozenset({"customer"}), subject=cid)
    ctx = Context.build(caller, build_registry(settings, fresh_store), settings)
    cart = await ctx.registry.commerce.create_cart(cid, "WEB", "USD")
    await ctx.registry.commerce.set_cart_line(cart.id, DEVI_SHOES_SKU, 1)
    pickup = checkout.Fulfillment("PICKUP", PICKUP_DOWNTOWN["storeId"])
    paying = checkout.PaymentChoice(1_000, card, gift_card_code=gift["code"], gift_card_amount=800)
    planned = await checkout.plan_checkout(
        ctx, to_global_id("Cart", cart.id), pickup, "drained", paying
    )
    await ctx.registry.wallet.pay(cid, 1, "elsewhere", "drain-first")  # the wallet falls short
    ports = settlement.checkout_ports(ctx)
    record = await saga.start(ports, planned, clock=utcnow, timing=saga.SagaTiming())
    assert record.status == "FAILED" and record.failure is not None
    assert record.failure.code == "INSUFFICIENT_FUNDS"
    assert await card_balance(fresh_gql, gift["code"]) == 800
    assert await wallet_balance(fresh_store, cid) == 999
    assert await orders_of(fresh_store, cid) == 1
    await audit_ledger(fresh_store)

    # the same card and wallet pay a fresh checkout; its gift-card share comes back in parts
    paying = checkout.PaymentChoice(999, card, gift_card_code=gift["code"], gift_card_amount=800)
    cart = await ctx.registry.commerce.create_cart(cid, "WEB", "USD")
    await ctx.registry.commerce.set_cart_line(cart.id, DEVI_SHOES_SKU, 1)
    planned = await checkout.plan_checkout(
        ctx, to_global_id("Cart", cart.id), pickup, "paid", paying
    )
    record = await saga.start(ports, planned, clock=utcnow, timing=saga.SagaTiming())
    assert record.status == "SUCCEEDED"
    assert await card_balance(fresh_gql, gift["code"]) == 0
    tenders = ctx.registry.tenders
    assert tenders is not None
    part = await refund_gift_card_tender(tenders, record, 300, "refund-part")
    assert part is not None and (part.amount, part.balance) == (300, 300)
    same = await refund_gift_card_tender(tenders, record, 300, "refund-part")
    assert same is not None and same.replayed and same.balance == 300
    rest = await refund_gift_card_tender(tenders, record, None, "refund-rest")
    assert rest is not None and (rest.amount, rest.balance) == (500, 800)

    with pytest.raises(Conflict):
        await refund_gift_card_tender(tenders, record, None, "refund-more")
    assert await card_balance(fresh_gql, gift["code"]) == 800
    await audit_ledger(fresh_store)


async def test_paying_a_placed_eur_order_from_a_usd_wallet_is_refused(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid, card, token = await new_shopper(fresh_gql, fresh_store, wallet=5_000)
    order_id = f"ord_eur_{uuid.uuid4().hex[:8]}"
    async with fresh_store.write() as session:
        session.add(
            m.Order(
                id=order_id,
                customer_id=cid,
                channel="STORE",
                placed_at=utcnow(),
                currency="EUR",
                subtotal=1_000,
                discount=0,
                total=1_000,
                fulfillment="PICKUP",
                store_id=None,
                status="PLACED",
            )
        )
    pay = """mutation($o: ID!, $p: ID) { payOrderWithWallet(orderId: $o, walletAmount: 100,
      paymentMethodId: $p) { walletAmount { amount } } }"""
    body = await fresh_gql.post(pay, {"o": to_global_id("Order", order_id), "p": card}, token=token)
    assert (error(body)["code"], error(body)["argument"]) == ("CURRENCY_MISMATCH", "walletAmount")
    assert await wallet_balance(fresh_store, cid) == 5_000
    await audit_ledger(fresh_store)


RETURN = """mutation($o: ID!, $l: ID) {
  changeOrderStatus(orderId: $o, status: RETURNED, locationId: $l) {
    changed refunded { amount } cardRefunded { amount } giftCardRefunded { amount currency } } }"""
COMPLETE = "mutation($o: ID!) { changeOrderStatus(orderId: $o, status: COMPLETED) { changed } }"


async def test_a_returned_order_puts_the_gift_card_share_back_on_the_card(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid, card, token = await new_shopper(fresh_gql, fresh_store, wallet=1_000)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 50)
    gift = await issue(fresh_gql, 2_000)
    cart = await cart_in(fresh_gql, token, "USD")
    pay = {
        "walletAmount": 400,
        "giftCardCode": gift["code"],
        "giftCardAmount": 1_200,
        "paymentMethodId": card,
    }
    order = data(await fresh_gql.post(PAY, {"c": cart, "k": "gc-ret", "p": pay}, token=token))[
        "placeOrder"
    ]
    assert await card_balance(fresh_gql, gift["code"]) == 800
    staff = fresh_gql.token(staff=True)
    data(await fresh_gql.post(COMPLETE, {"o": order["id"]}, token=staff))
    returned = data(await fresh_gql.post(RETURN, {"o": order["id"], "l": None}, token=staff))[
        "changeOrderStatus"
    ]
    assert returned["changed"] and returned["giftCardRefunded"] == {
        "amount": 1_200,
        "currency": "USD",
    }
    assert returned["refunded"]["amount"] == 400
    assert returned["cardRefunded"]["amount"] == order["payment"]["chargedAmount"]["amount"]
    assert await card_balance(fresh_gql, gift["code"]) == 2_000
    assert await wallet_balance(fresh_store, cid) == 1_000
    # asking again moves nothing more
    again = data(await fresh_gql.post(RETURN, {"o": order["id"], "l": None}, token=staff))[
        "changeOrderStatus"
    ]
    assert not again["changed"]
    assert await card_balance(fresh_gql, gift["code"]) == 2_000
    await audit_ledger(fresh_store)
