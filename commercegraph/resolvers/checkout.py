"""Checkout: turn a cart into an order, exactly once, without overselling.

``place_order`` is one sequence of steps — validate, price, route, reserve, place,
commit — so that payment (wallet), loyalty earning and budget redemptions can be added
as steps of their own between "place" and "commit". Every step after the hold releases
it on failure. The hold's reference is derived from the customer and idempotency key,
so a retried or concurrent duplicate request finds the same hold and the same order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from commercegraph.adapters.base import (
    CartRecord,
    LocationRecord,
    NewOrder,
    NewOrderLine,
    OrderRecord,
    ReservationLine,
    StockRecord,
)
from commercegraph.context import Context
from commercegraph.errors import BadUserInput, OutOfStock
from commercegraph.ids import expect_global_id
from commercegraph.resolvers.cart import open_cart
from commercegraph.resolvers.pricing import redeem
from commercegraph.resolvers.quote import QuoteResult, quote_cart
from commercegraph.services.inventory import can_fill, shipping_locations

MAX_KEY_LENGTH = 128
MAX_ADDRESS_LENGTH = 500


@dataclass(frozen=True, slots=True)
class Fulfillment:
    method: str  # SHIP | PICKUP
    store_id: str | None = None  # global Store ID
    address: str | None = None


def check_key(key: str) -> str:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise BadUserInput(
            f"`idempotencyKey` must be 1 to {MAX_KEY_LENGTH} printable characters",
            argument="idempotencyKey",
        )
    return key


async def _location(ctx: Context, store_id: str) -> LocationRecord:
    local_id = expect_global_id(store_id, "Store", "fulfillment.storeId")
    (loc,) = await ctx.registry.inventory.locations_by_id([local_id])
    if loc is None:
        raise BadUserInput(f"No store {store_id!r}", argument="fulfillment.storeId")
    return loc


async def route(ctx: Context, cart: CartRecord, fulfillment: Fulfillment) -> LocationRecord:
    """The one location that fills the whole order."""
    wanted: Counter[str] = Counter()
    for line in cart.lines:
        wanted[line.sku] += line.quantity
    if fulfillment.method == "PICKUP":
        if fulfillment.store_id is None:
            raise BadUserInput("Pickup needs a `storeId`", argument="fulfillment.storeId")
        store = await _location(ctx, fulfillment.store_id)
        if store.kind != "STORE" or not store.can_pickup:
            raise BadUserInput(
                f"{store.name} does not offer pickup", argument="fulfillment.storeId"
            )
        return store  # the hold itself proves the stock is there
    if not fulfillment.address or len(fulfillment.address) > MAX_ADDRESS_LENGTH:
        raise BadUserInput(
            f"Shipping needs an address of at most {MAX_ADDRESS_LENGTH} characters",
            argument="fulfillment.address",
        )
    if fulfillment.store_id is not None:
        candidates = [await _location(ctx, fulfillment.store_id)]
        if not candidates[0].can_ship:
            raise BadUserInput(
                f"{candidates[0].name} does not ship", argument="fulfillment.storeId"
            )
    else:
        locations = await ctx.registry.inventory.locations()
        candidates = shipping_locations(locations, cart.channel, ctx.settings.fulfillment_sources)
        if not candidates:
            raise BadUserInput(
                f"No location ships {cart.channel} orders", argument="fulfillment.method"
            )
    skus = sorted(wanted)
    rows: list[list[StockRecord]] = await ctx.registry.inventory.stock(skus)
    stock = dict(zip(skus, rows, strict=True))
    for loc in candidates:
        if can_fill(stock, loc.id, wanted):
            return loc
    raise OutOfStock("No location can ship the whole cart", skus=skus)


def new_order(
    cart: CartRecord,
    customer_id: str,
    quote: QuoteResult,
    fulfillment: Fulfillment,
    location: LocationRecord,
    key: str,
    reference: str,
) -> NewOrder:
    return NewOrder(
        customer_id=customer_id,
        cart_id=cart.id,
        channel=cart.channel,
        currency=cart.currency,
        lines=tuple(
            NewOrderLine(line.sku, line.quantity, line.unit_price.final.amount, line.bundle_id)
            for line in quote.lines
        ),
        subtotal=quote.subtotal.amount,
        discount=quote.discounts.amount,
        total=quote.total.amount,
        fulfillment=fulfillment.method,
        location_id=location.id,
        store_id=location.id if fulfillment.method == "PICKUP" else None,
        address=fulfillment.address if fulfillment.method == "SHIP" else None,
        idempotency_key=key,
        reservation_reference=reference,
    )


async def place_order(
    ctx: Context, cart_id: str, fulfillment: Fulfillment, idempotency_key: str
) -> OrderRecord:
    customer_id = ctx.caller.require_customer()
    key = check_key(idempotency_key)
    commerce, inventory = ctx.registry.commerce, ctx.registry.inventory
    local_cart = expect_global_id(cart_id, "Cart", "cartId")

    # 1. A retry of a checkout that went through returns its order.
    placed = await commerce.order_for_key(customer_id, key, local_cart)
    if placed is not None:
        return placed

    # 2. Validate the cart and price it.
    cart = await open_cart(ctx, cart_id)
    if not cart.lines:
        raise BadUserInput("The cart is empty", argument="cartId")

    # 3. Choose where it is filled from and hold the stock there.
    location = await route(ctx, cart, fulfillment)
    # priced for how it is fulfilled: a pickup order earns the rules on its store
    quote = await quote_cart(
        ctx,
        cart.lines,
        channel=cart.channel,
        currency=cart.currency,
        store_id=location.id if fulfillment.method == "PICKUP" else None,
    )
    reference = f"checkout:{customer_id}:{key}"
    expires = ctx.now + timedelta(seconds=ctx.settings.reservation_ttl_seconds)
    await inventory.reserve(
        reference,
        [ReservationLine(line.sku, location.id, line.quantity) for line in cart.lines],
        expires,
    )

    # 4. Count promotions with budgets once for this checkout (atomically: a budget spent
    #    meanwhile refuses the checkout, so the customer re-quotes), then record the order;
    #    on any failure give the stock back.
    try:
        await redeem(ctx, reference, [r.rule_id for r in quote.applied_rules])
        order = await commerce.place_order(
            new_order(cart, customer_id, quote, fulfillment, location, key, reference)
        )
    except Exception:
        await inventory.release_reservation(reference)
        raise

    # 5. The order stands: take the held units off hand.
    await inventory.commit_reservation(reference)
    return order
