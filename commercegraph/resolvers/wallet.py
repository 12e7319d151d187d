"""Wallet and loyalty for the caller's orders (``usecases.order_payments``): pay an order,
refund it, award its points. Someone else's order is answered exactly as a missing one."""

from __future__ import annotations

from commercegraph.adapters.base import LoyaltyChange, OrderRecord
from commercegraph.context import Context
from commercegraph.errors import NotFound
from commercegraph.services.earning import DEFAULT_RULES, EarningRules
from commercegraph.usecases import order_payments
from commercegraph.usecases.order_payments import OrderPayment, OrderRefund, OrderRewards
from commercegraph.usecases.shopping import ShoppingPorts


def ports(ctx: Context) -> ShoppingPorts:
    return ShoppingPorts.of(ctx.registry, ctx.settings, ctx.loaders)


async def load_order(ctx: Context, order_id: str) -> OrderRecord:
    order: OrderRecord | None = await ctx.loaders.order_by_id.load(order_id)
    if order is None:
        raise NotFound(f"No order {order_id!r}", argument="orderId")
    return require_own_order(ctx, order)


def require_own_order(ctx: Context, order: OrderRecord) -> OrderRecord:
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
    require_own_order(ctx, order)
    return await order_payments.pay_order(
        ports(ctx),
        order,
        wallet_amount=wallet_amount,
        payment_method_id=payment_method_id,
        use_reward_credit=use_reward_credit,
    )


async def refund_order(ctx: Context, order: OrderRecord) -> OrderRefund:
    require_own_order(ctx, order)
    return await order_payments.refund_order(ports(ctx), order)


async def award_order_points(
    ctx: Context, order: OrderRecord, rules: EarningRules = DEFAULT_RULES
) -> OrderRewards:
    require_own_order(ctx, order)
    return await order_payments.award_order_points(ports(ctx), order, ctx.now, rules)


async def order_completed(
    ctx: Context, order: OrderRecord, rules: EarningRules = DEFAULT_RULES
) -> LoyaltyChange | None:
    require_own_order(ctx, order)
    return await order_payments.order_completed(ports(ctx), order, rules)
