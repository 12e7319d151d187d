"""placeOrder for the caller (``usecases.settlement``): validate, run the checkout saga,
award the order's points."""

from __future__ import annotations

from commercegraph.context import Context
from commercegraph.ids import expect_global_id
from commercegraph.usecases import checkout as saga
from commercegraph.usecases import settlement
from commercegraph.usecases.checkout_plan import Fulfillment, PaymentChoice
from commercegraph.usecases.settlement import Settled
from commercegraph.usecases.shopping import ShoppingPorts
from commercegraph.usecases.validation import check_key


def checkout_ports(ctx: Context) -> saga.CheckoutPorts:
    return settlement.checkout_ports(ShoppingPorts.of(ctx.registry, ctx.settings, ctx.loaders))


async def checkout_and_settle(
    ctx: Context,
    cart_id: str,
    fulfillment: Fulfillment,
    idempotency_key: str,
    *,
    wallet_amount: int = 0,
    payment_method_id: str | None = None,
    pay_at_pickup: bool = False,
    gift_card_code: str | None = None,
    gift_card_amount: int | None = None,
) -> Settled:
    ctx.caller.require_customer()
    key = check_key(idempotency_key)
    local_cart = expect_global_id(cart_id, "Cart", "cartId")
    choice = PaymentChoice(
        wallet_amount, payment_method_id, pay_at_pickup, gift_card_code, gift_card_amount
    )
    return await settlement.checkout_and_settle(
        ShoppingPorts.of(ctx.registry, ctx.settings, ctx.loaders),
        ctx.caller,
        local_cart,
        fulfillment,
        key,
        choice,
        ctx.now,
        shown_cart_id=cart_id,
    )
