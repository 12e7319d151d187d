"""placeOrder: validate, run the checkout saga, then award the order's points.

The saga (``usecases.checkout``) holds the stock, takes the payment, places the order and
commits the hold, recording each step; a retried checkout (same idempotency key) answers
the checkout's first outcome, its order or its coded failure, and repeats nothing. Points
never fail a checkout that went through — they are logged and can be run again (staff
``awardOrderPoints``). Segments follow checkout orders at the next
``commercegraph segments refresh``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from commercegraph.adapters.base import (
    Money,
    OrderRecord,
    PaymentMethodRecord,
    WalletPosting,
)
from commercegraph.auth import Caller
from commercegraph.errors import CommerceGraphError, InsufficientFunds, OutOfStock
from commercegraph.store.models.base import utcnow
from commercegraph.usecases import checkout as saga
from commercegraph.usecases.carts import open_cart
from commercegraph.usecases.checkout_log import CheckoutRecord, Failure, UnpaidLimits
from commercegraph.usecases.checkout_plan import (
    Fulfillment,
    PaymentChoice,
    fingerprint,
    plan_checkout,
)
from commercegraph.usecases.checkout_recovery import saga_settings
from commercegraph.usecases.checkout_tenders import payment_exchange
from commercegraph.usecases.order_payments import (
    OrderPayment,
    OrderRewards,
    award_order_points,
)
from commercegraph.usecases.shopping import ShoppingPorts

log = logging.getLogger("commercegraph.checkout")


@dataclass(frozen=True)
class Settled:
    order: OrderRecord
    payment: OrderPayment | None
    rewards: OrderRewards | None


def checkout_ports(ports: ShoppingPorts) -> saga.CheckoutPorts:
    return saga.CheckoutPorts(
        ports.checkout_log(),
        ports.commerce,
        ports.inventory,
        ports.wallet,
        ports.pricing,
        ports.tenders,
    )


async def order_payment(
    ports: ShoppingPorts, record: CheckoutRecord, order: OrderRecord
) -> OrderPayment:
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
        methods = await ports.reads.payment_methods.load(record.customer_id)
        method = next((m for m in methods if m.id == pay.payment_method_id), None)
    return OrderPayment(
        order.id,
        posting,
        Money(pay.wallet_amount, currency),
        Money(pay.reward_amount, currency),
        Money(pay.charged_amount, currency),
        method,
        pay_at_pickup=pay.pay_at_pickup,
        gift_card_amount=Money(pay.gift_card_amount, currency) if pay.gift_card_id else None,
        exchange=payment_exchange(pay, currency),
    )


async def checkout_and_settle(
    ports: ShoppingPorts,
    caller: Caller,
    cart_id: str,
    fulfillment: Fulfillment,
    key: str,
    choice: PaymentChoice,
    now: datetime,
    *,
    shown_cart_id: str,
) -> Settled:
    """Check out the customer's cart ``cart_id`` (``shown_cart_id`` as the caller named it)
    under the idempotency ``key`` (checked); the cart is read only when the key has no
    checkout yet."""
    customer_id = caller.require_customer()
    saga_ports = checkout_ports(ports)
    timing, hook = saga_settings(ports.settings)

    record = await saga_ports.log.by_key(customer_id, key)
    if record is not None:
        saga.same_request(record, fingerprint(cart_id, fulfillment, choice))
        record = await saga.run(
            saga_ports, record, saga.new_owner(), clock=utcnow, timing=timing, hook=hook
        )
    else:
        placed = await ports.commerce.order_for_key(customer_id, key, cart_id)
        if placed is not None:  # placed before checkouts were recorded
            return Settled(placed, None, None)
        try:
            cart = await open_cart(ports.commerce, caller, cart_id, shown_as=shown_cart_id)
            planned = await plan_checkout(ports, customer_id, cart, fulfillment, key, choice, now)
        except (InsufficientFunds, OutOfStock) as exc:
            # refusals that depend on the moment, not on the request: the key keeps them
            failure = Failure(exc.code, exc.message, dict(exc.extensions))
            asked = fingerprint(cart_id, fulfillment, choice)
            record = await saga_ports.log.refuse(customer_id, key, asked, failure)
            saga.same_request(record, asked)
            record = await saga.run(
                saga_ports, record, saga.new_owner(), clock=utcnow, timing=timing, hook=hook
            )
        else:
            limits = UnpaidLimits(
                ports.settings.checkout_max_unpaid_orders, ports.settings.checkout_max_unpaid_units
            )
            record = await saga.start(
                saga_ports, planned, clock=utcnow, timing=timing, unpaid_limits=limits, hook=hook
            )
    order_id = saga.outcome(record)
    (order,) = await ports.commerce.orders_by_id([order_id])
    assert order is not None, order_id
    payment = await order_payment(ports, record, order)
    rewards = None
    try:
        rewards = await award_order_points(ports, order, now)
    except CommerceGraphError as exc:
        log.warning("points for order %s not awarded: %s", order.id, exc.message)
    return Settled(order, payment, rewards)
