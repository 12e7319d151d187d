"""Wallet and loyalty for a placed order: pay it, refund it, award its points.

These are what ``placeOrder``, the till and order cancellation call, for an order the
caller was shown to own. Each effect is keyed by the order id, so a retried checkout never
pays or awards twice; each reads through the request's loaders and writes through the
wallet port.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from commercegraph.adapters.base import (
    LoyaltyChange,
    Money,
    OrderRecord,
    PaymentMethodRecord,
    PointsEarning,
    ProductRecord,
    WalletPosting,
)
from commercegraph.errors import BadUserInput, Conflict, NotFound
from commercegraph.services.earning import (
    DEFAULT_RULES,
    EarningRules,
    EarnLine,
    OrderEarning,
    TierChange,
    following_tier,
    points_for_order,
    rewards_message,
)
from commercegraph.usecases.checkout_tenders import PaymentExchange, refuse_other_currency
from commercegraph.usecases.shopping import ShoppingPorts

COMPLETED_STATUSES = frozenset({"COMPLETED", "DELIVERED", "PICKED_UP"})


@dataclass(frozen=True, slots=True)
class OrderPayment:
    order_id: str
    posting: WalletPosting | None  # one ledger transaction for wallet and reward credit
    wallet_amount: Money
    reward_credit_amount: Money
    charged: Money  # what is left for the payment method (or due at pickup)
    payment_method: PaymentMethodRecord | None
    pay_at_pickup: bool = False
    gift_card_amount: Money | None = None  # spent from a gift card, in the order's currency
    exchange: PaymentExchange | None = None  # how a wallet in another currency was converted


@dataclass(frozen=True, slots=True)
class OrderRefund:
    order_id: str
    refunded: tuple[WalletPosting, ...]
    loyalty: LoyaltyChange


@dataclass(frozen=True, slots=True)
class OrderRewards:
    """A ``LoyaltyChange`` told as the customer hears it at checkout."""

    order_id: str
    points_earned: int
    pending_points: int
    points: int
    tier_before: str
    tier_after: str
    reached_new_tier: bool
    points_to_next_tier: int | None
    multipliers: tuple[str, ...]
    message: str


def order_key(order_id: str, what: str) -> str:
    return f"order:{order_id}:{what}"


async def pay_order(
    ports: ShoppingPorts,
    order: OrderRecord,
    *,
    wallet_amount: int,
    payment_method_id: str | None = None,
    use_reward_credit: bool = True,
) -> OrderPayment:
    """Pay ``order`` from reward credit, then ``wallet_amount`` from the wallet, and leave
    the rest to ``payment_method_id`` (required when anything is left)."""
    (placed,) = await ports.checkout_log().for_orders([order.id])
    if placed is not None and placed.plan is not None and not placed.plan.payment.pay_at_pickup:
        # its checkout took the payment before the order existed: paying again charges twice
        raise Conflict("This order was paid at checkout", argument="orderId")
    cid, total = order.customer_id, order.total
    if not 0 <= wallet_amount <= total.amount:
        raise BadUserInput(
            f"`walletAmount` must be between 0 and the order total {total.amount}",
            argument="walletAmount",
        )
    if wallet_amount:
        refuse_other_currency(await ports.reads.wallet.load(cid), total, "walletAmount")
    credit: Money | None = await ports.reads.reward_credit.load(cid) if use_reward_credit else None
    from_credit = 0
    if credit is not None and credit.currency == total.currency:
        from_credit = max(0, min(credit.amount, total.amount - wallet_amount))
    remainder = total.amount - wallet_amount - from_credit
    method: PaymentMethodRecord | None = None
    if payment_method_id is not None or remainder > 0:
        if payment_method_id is None:
            raise BadUserInput(
                f"{remainder} is left to pay: name a payment method", argument="paymentMethodId"
            )
        methods: list[PaymentMethodRecord] = await ports.reads.payment_methods.load(cid)
        method = next((p for p in methods if p.id == payment_method_id), None)
        if method is None:
            raise NotFound("No such payment method", argument="paymentMethodId")
    posting = None
    if wallet_amount or from_credit:
        # one ledger transaction: the wallet and the reward credit are both taken or neither
        posting = await ports.wallet.pay(
            cid,
            wallet_amount,
            f"order {order.id}",
            order_key(order.id, "pay"),
            "WALLET",
            reward_amount=from_credit,
        )
        from_credit = posting.reward_amount  # a retry reports what the first payment took
    return OrderPayment(
        order.id,
        posting,
        Money(wallet_amount, total.currency),
        Money(from_credit, total.currency),
        Money(total.amount - wallet_amount - from_credit, total.currency),
        method,
    )


async def refund_order(ports: ShoppingPorts, order: OrderRecord) -> OrderRefund:
    """On cancellation: give back what the wallet and reward credit paid, take back points."""
    port, cid = ports.wallet, order.customer_id
    refunded: list[WalletPosting] = []
    payment = await port.find_posting(cid, order_key(order.id, "pay"))
    if payment is None:  # paid by its checkout, before the order existed
        (placed,) = await ports.checkout_log().for_orders([order.id])
        if placed is not None and placed.payment is not None:
            payment = await port.find_posting(cid, f"checkout:{placed.id}:pay")
    if payment is not None:
        refunded.append(await port.refund(cid, payment.id, None, order_key(order.id, "refund")))
    change = await port.reverse_order_points(cid, order.id, order_key(order.id, "points-reversal"))
    return OrderRefund(order.id, tuple(refunded), change)


async def _earn_lines(ports: ShoppingPorts, order: OrderRecord) -> list[EarnLine]:
    products: list[ProductRecord | None] = await asyncio.gather(
        *(ports.reads.product_by_sku.load(line.sku) for line in order.lines)
    )
    return [
        EarnLine(
            line.unit_price.amount * line.quantity,
            product.category if product else None,
            product.category_id if product else None,
        )
        for line, product in zip(order.lines, products, strict=True)
    ]


async def award_order_points(
    ports: ShoppingPorts, order: OrderRecord, now: datetime, rules: EarningRules = DEFAULT_RULES
) -> OrderRewards:
    """Points for a placed order, pending until its return window ends; says whether the
    customer reached a new tier. Awarding the same order again returns the first award."""
    loyalty = await ports.reads.loyalty.load(order.customer_id)
    lines = await _earn_lines(ports, order)

    def earning_at(tier: str) -> OrderEarning:
        return points_for_order(
            lines,
            total=order.total.amount,
            currency=order.total.currency,
            tier=tier,
            channel=order.channel,
            fulfillment=order.fulfillment,
            rules=rules,
        )

    earning = earning_at(loyalty.tier if loyalty is not None else "BRONZE")
    pending_days = 0 if order.status in COMPLETED_STATUSES else rules.return_window_days
    change = await ports.wallet.earn_points(
        PointsEarning(
            customer_id=order.customer_id,
            points=earning.points,
            qualifying_amount=earning.qualifying_amount,
            source="ORDER",
            occurred_at=max(order.placed_at, now),
            order_id=order.id,
            pending_days=pending_days,
            validity_days=rules.validity_days,
        ),
        order_key(order.id, "earn"),
    )
    if change.replayed:  # told as it was first told, at the tier the order earned under
        earning = earning_at(change.tier_before)
    return rewards_of(order.id, change, earning.multipliers, pending=pending_days > 0)


def rewards_of(
    order_id: str, change: LoyaltyChange, multipliers: tuple[str, ...], *, pending: bool
) -> OrderRewards:
    tier = TierChange(
        change.tier_before,
        change.tier_after,
        change.points_to_next_tier,
        following_tier(change.tier_after),
    )
    return OrderRewards(
        order_id=order_id,
        points_earned=change.points_earned,
        pending_points=change.pending_points,
        points=change.points,
        tier_before=change.tier_before,
        tier_after=change.tier_after,
        reached_new_tier=change.reached_new_tier,
        points_to_next_tier=change.points_to_next_tier,
        multipliers=multipliers,
        message=rewards_message(change.points_earned, pending, tier),
    )


async def order_completed(
    ports: ShoppingPorts, order: OrderRecord, rules: EarningRules = DEFAULT_RULES
) -> LoyaltyChange | None:
    """The referred customer's first completed order pays their referrer, once."""
    if order.status not in COMPLETED_STATUSES:
        return None
    return await ports.wallet.reward_referral(order.customer_id, rules.referral_points)
