"""placeOrder: validate, run the checkout saga, then award the order's points.

The saga (``usecases.checkout``) holds the stock, takes the payment, places the order and
commits the hold, recording each step; a retried ``placeOrder`` (same idempotency key)
answers the checkout's first outcome, its order or its coded failure, and repeats nothing.
Points never fail a checkout that went through — they are logged and can be run again
(staff ``awardOrderPoints``). Segments follow checkout orders at the next
``commercegraph segments refresh``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from commercegraph.adapters.base import Money, OrderRecord, PaymentMethodRecord, WalletPosting
from commercegraph.context import Context
from commercegraph.errors import CommerceGraphError, InsufficientFunds, OutOfStock
from commercegraph.ids import expect_global_id
from commercegraph.resolvers import checkout, tenders
from commercegraph.resolvers import wallet as wallet_steps
from commercegraph.store.models.base import utcnow
from commercegraph.usecases import checkout as saga
from commercegraph.usecases.checkout_log import CheckoutRecord, Failure, UnpaidLimits
from commercegraph.usecases.checkout_recovery import saga_settings

log = logging.getLogger("commercegraph.checkout")


@dataclass(frozen=True)
class Settled:
    order: OrderRecord
    payment: wallet_steps.OrderPayment | None
    rewards: wallet_steps.OrderRewards | None


def checkout_ports(ctx: Context) -> saga.CheckoutPorts:
    r = ctx.registry
    return saga.CheckoutPorts(
        r.checkout_log(), r.commerce, r.inventory, r.wallet, r.pricing, r.tenders
    )


async def order_payment(
    ctx: Context, record: CheckoutRecord, order: OrderRecord
) -> wallet_steps.OrderPayment:
    """How the checkout paid, as recorded when it did."""
    assert record.plan is not None, record.id
    pay, currency = record.plan.payment, order.total.currency
    posting = None
    if record.payment is not None:
        p = record.payment
        posting = WalletPosting(
            p.transaction_id,
            "PAYMENT",
            Money(p.amount, p.unit),
            Money(p.balance, p.unit),
            reward_amount=p.reward_amount,
        )
    method: PaymentMethodRecord | None = None
    if pay.payment_method_id is not None:
        methods = await ctx.loaders.payment_methods.load(record.customer_id)
        method = next((m for m in methods if m.id == pay.payment_method_id), None)
    return wallet_steps.OrderPayment(
        order.id,
        posting,
        Money(pay.wallet_amount, currency),
        Money(pay.reward_amount, currency),
        Money(pay.charged_amount, currency),
        method,
        pay_at_pickup=pay.pay_at_pickup,
        gift_card_amount=Money(pay.gift_card_amount, currency) if pay.gift_card_id else None,
        exchange=tenders.payment_exchange(pay, currency),
    )


async def checkout_and_settle(
    ctx: Context,
    cart_id: str,
    fulfillment: checkout.Fulfillment,
    idempotency_key: str,
    *,
    wallet_amount: int = 0,
    payment_method_id: str | None = None,
    pay_at_pickup: bool = False,
    gift_card_code: str | None = None,
    gift_card_amount: int | None = None,
) -> Settled:
    customer_id = ctx.caller.require_customer()
    key = checkout.check_key(idempotency_key)
    local_cart = expect_global_id(cart_id, "Cart", "cartId")
    choice = checkout.PaymentChoice(
        wallet_amount, payment_method_id, pay_at_pickup, gift_card_code, gift_card_amount
    )
    ports = checkout_ports(ctx)
    timing, hook = saga_settings(ctx.settings)

    record = await ports.log.by_key(customer_id, key)
    if record is not None:
        saga.same_request(record, checkout.fingerprint(local_cart, fulfillment, choice))
        record = await saga.run(
            ports, record, saga.new_owner(), clock=utcnow, timing=timing, hook=hook
        )
    else:
        placed = await ctx.registry.commerce.order_for_key(customer_id, key, local_cart)
        if placed is not None:  # placed before checkouts were recorded
            return Settled(placed, None, None)
        try:
            planned = await checkout.plan_checkout(ctx, cart_id, fulfillment, key, choice)
        except (InsufficientFunds, OutOfStock) as exc:
            # refusals that depend on the moment, not on the request: the key keeps them
            failure = Failure(exc.code, exc.message, dict(exc.extensions))
            asked = checkout.fingerprint(local_cart, fulfillment, choice)
            record = await ports.log.refuse(customer_id, key, asked, failure)
            saga.same_request(record, asked)
            record = await saga.run(
                ports, record, saga.new_owner(), clock=utcnow, timing=timing, hook=hook
            )
        else:
            limits = UnpaidLimits(
                ctx.settings.checkout_max_unpaid_orders, ctx.settings.checkout_max_unpaid_units
            )
            record = await saga.start(
                ports, planned, clock=utcnow, timing=timing, unpaid_limits=limits, hook=hook
            )
    order_id = saga.outcome(record)
    (order,) = await ctx.registry.commerce.orders_by_id([order_id])
    assert order is not None, order_id
    payment = await order_payment(ctx, record, order)
    rewards = None
    try:
        rewards = await wallet_steps.award_order_points(ctx, order)
    except CommerceGraphError as exc:
        log.warning("points for order %s not awarded: %s", order.id, exc.message)
    return Settled(order, payment, rewards)
