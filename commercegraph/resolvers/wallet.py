"""Wallet and loyalty at checkout: pay an order, refund it, award its points.

These are what ``placeOrder`` and order cancellation call. Each effect is keyed by the
order id, so a retried checkout never pays or awards twice, and each reads through the
request's loaders and writes through the wallet port.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from commercegraph.adapters.base import (
    LoyaltyChange,
    Money,
    OrderRecord,
    PaymentMethodRecord,
    PointsEarning,
    ProductRecord,
    WalletPosting,
)
from commercegraph.context import Context
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
    exchange: Any = None  # how a wallet in another currency was converted


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


def _keys(order_id: str, what: str) -> str:
    return f"order:{order_id}:{what}"


async def load_order(ctx: Context, order_id: str) -> OrderRecord:
    order: OrderRecord | None = await ctx.loaders.order_by_id.load(order_id)
    if order is None:
        raise NotFound(f"No order {order_id!r}", argument="orderId")
    return require_own_order(ctx, order)


def require_own_order(ctx: Context, order: OrderRecord) -> OrderRecord:
    """Someone else's order is answered exactly as a missing one."""
    if not ctx.caller.can_see_customer(order.customer_id):
        raise NotFound(f"No order {order.id!r}", argument="orderId")
    return order


async def pay_order(
    ctx: Context,
    order: OrderRecord,
    *,
    wallet_amount: int,
    payment_method_id: str | None = None,
    use_reward_credit: bool = True,
) -> OrderPayment:
    """Pay ``order`` from reward credit, then ``wallet_amount`` from the wallet, and leave
    the rest to ``payment_method_id`` (required when anything is left)."""
    require_own_order(ctx, order)
    (placed,) = await ctx.registry.checkout_log().for_orders([order.id])
    if placed is not None and placed.plan is not None and not placed.plan.payment.pay_at_pickup:
        # its checkout took the payment before the order existed: paying again charges twice
        raise Conflict("This order was paid at checkout", argument="orderId")
    wallet_port = ctx.registry.wallet
    cid, total = order.customer_id, order.total
    if not 0 <= wallet_amount <= total.amount:
        raise BadUserInput(
            f"`walletAmount` must be between 0 and the order total {total.amount}",
            argument="walletAmount",
        )
    if wallet_amount:
        from commercegraph.resolvers.tenders import refuse_other_currency

        refuse_other_currency(await ctx.loaders.wallet.load(cid), total, "walletAmount")
    credit: Money | None = await ctx.loaders.reward_credit.load(cid) if use_reward_credit else None
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
        methods: list[PaymentMethodRecord] = await ctx.loaders.payment_methods.load(cid)
        method = next((p for p in methods if p.id == payment_method_id), None)
        if method is None:
            raise NotFound("No such payment method", argument="paymentMethodId")
    posting = None
    if wallet_amount or from_credit:
        # one ledger transaction: the wallet and the reward credit are both taken or neither
        posting = await wallet_port.pay(
            cid,
            wallet_amount,
            f"order {order.id}",
            _keys(order.id, "pay"),
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


async def refund_order(ctx: Context, order: OrderRecord) -> OrderRefund:
    """On cancellation: give back what the wallet and reward credit paid, take back points."""
    require_own_order(ctx, order)
    port, cid = ctx.registry.wallet, order.customer_id
    refunded: list[WalletPosting] = []
    payment = await port.find_posting(cid, _keys(order.id, "pay"))
    if payment is None:  # paid by its checkout, before the order existed
        (placed,) = await ctx.registry.checkout_log().for_orders([order.id])
        if placed is not None and placed.payment is not None:
            payment = await port.find_posting(cid, f"checkout:{placed.id}:pay")
    if payment is not None:
        refunded.append(await port.refund(cid, payment.id, None, _keys(order.id, "refund")))
    change = await port.reverse_order_points(cid, order.id, _keys(order.id, "points-reversal"))
    return OrderRefund(order.id, tuple(refunded), change)


async def _earn_lines(ctx: Context, order: OrderRecord) -> list[EarnLine]:
    products: list[ProductRecord | None] = await asyncio.gather(
        *(ctx.loaders.product_by_sku.load(line.sku) for line in order.lines)
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
    ctx: Context, order: OrderRecord, rules: EarningRules = DEFAULT_RULES
) -> OrderRewards:
    """Points for a placed order, pending until its return window ends; says whether the
    customer reached a new tier. Awarding the same order again returns the first award."""
    require_own_order(ctx, order)
    loyalty = await ctx.loaders.loyalty.load(order.customer_id)
    lines = await _earn_lines(ctx, order)

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
    change = await ctx.registry.wallet.earn_points(
        PointsEarning(
            customer_id=order.customer_id,
            points=earning.points,
            qualifying_amount=earning.qualifying_amount,
            source="ORDER",
            occurred_at=max(order.placed_at, ctx.now),
            order_id=order.id,
            pending_days=pending_days,
            validity_days=rules.validity_days,
        ),
        _keys(order.id, "earn"),
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
    ctx: Context, order: OrderRecord, rules: EarningRules = DEFAULT_RULES
) -> LoyaltyChange | None:
    """The referred customer's first completed order pays their referrer, once."""
    require_own_order(ctx, order)
    if order.status not in COMPLETED_STATUSES:
        return None
    return await ctx.registry.wallet.reward_referral(order.customer_id, rules.referral_points)
