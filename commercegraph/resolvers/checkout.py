"""Checkout validation for the caller (``usecases.checkout_plan``): the cart, where it is
filled from, its price and how it is paid, checked and frozen into the saga's plan."""

from __future__ import annotations

from commercegraph.context import Context
from commercegraph.resolvers.cart import open_cart
from commercegraph.usecases import checkout_plan
from commercegraph.usecases.checkout_log import NewCheckout
from commercegraph.usecases.checkout_plan import Fulfillment, PaymentChoice
from commercegraph.usecases.shopping import ShoppingPorts


async def plan_checkout(
    ctx: Context,
    cart_id: str,
    fulfillment: Fulfillment,
    key: str,
    payment: PaymentChoice,
) -> NewCheckout:
    """Validate and price the checkout; writes nothing."""
    customer_id = ctx.caller.require_customer()
    cart = await open_cart(ctx, cart_id)
    return await checkout_plan.plan_checkout(
        ShoppingPorts.of(ctx.registry, ctx.settings, ctx.loaders),
        customer_id,
        cart,
        fulfillment,
        key,
        payment,
        ctx.now,
    )
