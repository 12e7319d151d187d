"""Checkout and what follows it: pay from the wallet, earn points.

``checkout.place_order`` makes the order exactly once; the steps here are keyed by the
order id, so a retried ``placeOrder`` (same idempotency key) repeats none of them and
answers as the first call did. Payment is checked before the order is made (so an
unaffordable wallet amount writes nothing); points and segments never fail a checkout
that went through — they are logged and can be run again (staff ``awardOrderPoints``).
Segments follow checkout orders at the next ``commercegraph segments refresh``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from commercegraph.adapters.base import OrderRecord, WalletRecord
from commercegraph.context import Context
from commercegraph.errors import BadUserInput, CommerceGraphError, InsufficientFunds
from commercegraph.resolvers import checkout
from commercegraph.resolvers import wallet as wallet_steps

log = logging.getLogger("commercegraph.checkout")


@dataclass(frozen=True)
class Settled:
    order: OrderRecord
    payment: wallet_steps.OrderPayment | None
    rewards: wallet_steps.OrderRewards | None


async def _check_wallet(ctx: Context, customer_id: str, wallet_amount: int) -> None:
    if wallet_amount < 0:
        raise BadUserInput("`walletAmount` must not be negative", argument="payment.walletAmount")
    if wallet_amount == 0:
        return
    wallet: WalletRecord | None = await ctx.loaders.wallet.load(customer_id)
    balance = wallet.balance.amount if wallet is not None else 0
    if balance < wallet_amount:
        raise InsufficientFunds(
            f"The wallet holds {balance}, less than the {wallet_amount} asked for",
            argument="payment.walletAmount",
            balance=balance,
        )


async def checkout_and_settle(
    ctx: Context,
    cart_id: str,
    fulfillment: checkout.Fulfillment,
    idempotency_key: str,
    *,
    wallet_amount: int = 0,
    payment_method_id: str | None = None,
) -> Settled:
    customer_id = ctx.caller.require_customer()
    await _check_wallet(ctx, customer_id, wallet_amount)
    order = await checkout.place_order(ctx, cart_id, fulfillment, idempotency_key)
    payment = None
    if wallet_amount or payment_method_id:
        # keyed by the order: a retry pays once; a race that emptied the wallet since the
        # check above surfaces here and the same placeOrder can be retried to pay
        payment = await wallet_steps.pay_order(
            ctx, order, wallet_amount=wallet_amount, payment_method_id=payment_method_id
        )
    rewards = None
    try:
        rewards = await wallet_steps.award_order_points(ctx, order)
    except CommerceGraphError as exc:
        log.warning("points for order %s not awarded: %s", order.id, exc.message)
    return Settled(order, payment, rewards)
