"""The checkout functions placeOrder calls, used directly with a request context."""

from __future__ import annotations

import pytest

from commercegraph.adapters.registry import build_registry
from commercegraph.auth import Caller
from commercegraph.config import Settings
from commercegraph.context import Context
from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID, SAM_ID
from commercegraph.errors import InsufficientFunds, NotFound
from commercegraph.resolvers import wallet as checkout
from tests.wallet.audit import audit_ledger
from tests.wallet.seeded import Demo, place_order


def context(demo: Demo, caller: Caller) -> Context:
    settings: Settings = demo.gql.settings
    return Context.build(caller, build_registry(settings, demo.store), settings)


def devi() -> Caller:
    return Caller(customer_id=DEVI_ID, scopes=frozenset({"customer"}), subject=DEVI_ID)


async def test_pay_award_and_refund_an_order_directly(demo: Demo) -> None:
    order_id = await place_order(demo.store, DEVI_ID, [(DEVI_COFFEE_SKU, 1, 1_899)])
    ctx = context(demo, devi())
    order = await checkout.load_order(ctx, order_id)
    balance = (await ctx.registry.wallet.wallets([DEVI_ID]))[0]
    assert balance is not None
    paid = await checkout.pay_order(ctx, order, wallet_amount=1_899)
    assert paid.posting is not None and paid.charged.amount == 0 and paid.payment_method is None
    assert paid.posting.balance.amount == balance.balance.amount - 1_899
    rewards = await checkout.award_order_points(ctx, order)
    assert rewards.points_earned > 0 and rewards.pending_points >= rewards.points_earned
    assert "points" in rewards.message
    refund = await checkout.refund_order(context(demo, devi()), order)
    assert [p.amount.amount for p in refund.refunded] == [1_899]
    assert refund.loyalty.points_earned == -rewards.points_earned
    again = await checkout.refund_order(context(demo, devi()), order)
    assert [p.transaction_id for p in again.refunded] == [p.transaction_id for p in refund.refunded]
    await audit_ledger(demo.store, [DEVI_ID])


async def test_a_short_wallet_takes_nothing_and_others_orders_are_refused(demo: Demo) -> None:
    order_id = await place_order(demo.store, DEVI_ID, [(DEVI_COFFEE_SKU, 50, 1_899)])
    ctx = context(demo, devi())
    order = await checkout.load_order(ctx, order_id)
    with pytest.raises(InsufficientFunds):
        await checkout.pay_order(ctx, order, wallet_amount=order.total.amount)
    sam = Caller(customer_id=SAM_ID, scopes=frozenset({"customer"}), subject=SAM_ID)
    with pytest.raises(NotFound):
        await checkout.pay_order(context(demo, sam), order, wallet_amount=1)
    await audit_ledger(demo.store, [DEVI_ID])


async def test_reward_credit_and_wallet_pay_together_and_come_back_together(demo: Demo) -> None:
    ctx = context(demo, devi())
    port = ctx.registry.wallet
    await port.redeem_points(DEVI_ID, 100, "ORDER_DISCOUNT", "checkout-credit")
    (credit,) = await port.reward_credits([DEVI_ID])
    (wallet,) = await port.wallets([DEVI_ID])
    assert credit is not None and credit.amount >= 100 and wallet is not None
    order_id = await place_order(demo.store, DEVI_ID, [(DEVI_COFFEE_SKU, 1, 1_899)])
    order = await checkout.load_order(ctx, order_id)
    paid = await checkout.pay_order(ctx, order, wallet_amount=500, payment_method_id="pm_devi_1")
    used = min(credit.amount, 1_899 - 500)
    assert paid.reward_credit_amount.amount == used and paid.wallet_amount.amount == 500
    assert paid.charged.amount == 1_899 - 500 - used
    # a retry after the credit is gone reports the first payment, not a conflict
    again = await checkout.pay_order(
        context(demo, devi()), order, wallet_amount=500, payment_method_id="pm_devi_1"
    )
    assert again.posting is not None and again.posting.replayed
    assert again.reward_credit_amount == paid.reward_credit_amount
    refund = await checkout.refund_order(context(demo, devi()), order)
    assert [p.amount.amount for p in refund.refunded] == [500 + used]
    assert (await port.reward_credits([DEVI_ID]))[0] == credit
    assert (await port.wallets([DEVI_ID]))[0] == wallet
    await audit_ledger(demo.store, [DEVI_ID])
