"""Checkout validation: everything a checkout needs is checked and priced here, before
anything is written, and frozen into the plan the saga (``usecases.checkout``) carries out.

The cart (open, the customer's, not empty, each line within the per-line bound), where it
is filled from, its price, and how it is paid: reward credit first, then the wallet amount
asked for (the balance must cover it), the rest by one of the customer's payment methods,
or the whole order at pickup where that store and channel allow it. A checkout that nothing
pays for is refused. The hold's reference is derived from the customer and idempotency
key, so a retried or concurrent duplicate request finds the same hold and the same order.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from commercegraph.adapters.base import (
    CartRecord,
    LocationRecord,
    Money,
    NewOrder,
    NewOrderLine,
    PaymentMethodRecord,
    ReservationLine,
    StockRecord,
    WalletRecord,
)
from commercegraph.config import Settings
from commercegraph.errors import (
    BadUserInput,
    InsufficientFunds,
    NotFound,
    OutOfStock,
    PaymentRequired,
)
from commercegraph.ids import expect_global_id
from commercegraph.services.inventory import can_fill, shipping_locations
from commercegraph.usecases import checkout_tenders as tenders
from commercegraph.usecases.checkout_log import CheckoutPlan, NewCheckout, PaymentPlan
from commercegraph.usecases.pricing import budgeted_rules
from commercegraph.usecases.quote import QuoteResult, quote_cart
from commercegraph.usecases.shopping import ShoppingPorts

MAX_ADDRESS_LENGTH = 500


@dataclass(frozen=True, slots=True)
class Fulfillment:
    method: str  # SHIP | PICKUP
    store_id: str | None = None  # global Store ID
    address: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentChoice:
    wallet_amount: int = 0
    payment_method_id: str | None = None
    pay_at_pickup: bool = False
    gift_card_code: str | None = None
    gift_card_amount: int | None = None  # None: as much as the card covers


def fingerprint(cart_id: str, fulfillment: Fulfillment, payment: PaymentChoice) -> str:
    """What makes two requests under one key the same checkout."""
    paying: list[object] = [payment.wallet_amount, payment.payment_method_id, payment.pay_at_pickup]
    if payment.gift_card_code is not None:
        paying += [payment.gift_card_code, payment.gift_card_amount]
    request = {
        "cart": cart_id,
        "fulfillment": [fulfillment.method, fulfillment.store_id, fulfillment.address],
        "payment": paying,
    }
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()


async def _location(ports: ShoppingPorts, store_id: str) -> LocationRecord:
    local_id = expect_global_id(store_id, "Store", "fulfillment.storeId")
    (loc,) = await ports.inventory.locations_by_id([local_id])
    if loc is None:
        raise BadUserInput(f"No store {store_id!r}", argument="fulfillment.storeId")
    return loc


async def route(ports: ShoppingPorts, cart: CartRecord, fulfillment: Fulfillment) -> LocationRecord:
    """The one location that fills the whole order."""
    wanted: Counter[str] = Counter()
    for line in cart.lines:
        wanted[line.sku] += line.quantity
    if fulfillment.method == "PICKUP":
        if fulfillment.store_id is None:
            raise BadUserInput("Pickup needs a `storeId`", argument="fulfillment.storeId")
        store = await _location(ports, fulfillment.store_id)
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
        candidates = [await _location(ports, fulfillment.store_id)]
        if not candidates[0].can_ship:
            raise BadUserInput(
                f"{candidates[0].name} does not ship", argument="fulfillment.storeId"
            )
    else:
        locations = await ports.inventory.locations()
        sources = ports.settings.fulfillment_sources
        candidates = shipping_locations(locations, cart.channel, sources)
        if not candidates:
            raise BadUserInput(
                f"No location ships {cart.channel} orders", argument="fulfillment.method"
            )
    skus = sorted(wanted)
    rows: list[list[StockRecord]] = await ports.inventory.stock(skus)
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


def check_lines(settings: Settings, cart: CartRecord) -> None:
    if not cart.lines:
        raise BadUserInput("The cart is empty", argument="cartId")
    per_sku: Counter[str] = Counter()
    for line in cart.lines:
        per_sku[line.sku] += line.quantity
    bound = settings.checkout_max_line_quantity
    for sku, quantity in sorted(per_sku.items()):
        if quantity > bound:
            raise BadUserInput(
                f"At most {bound} units of one sku per order ({quantity} of {sku} in the cart)",
                argument="cartId",
                sku=sku,
                maxQuantity=bound,
            )


async def _payment_method(
    ports: ShoppingPorts, customer_id: str, payment_method_id: str
) -> PaymentMethodRecord:
    methods: list[PaymentMethodRecord] = await ports.reads.payment_methods.load(customer_id)
    method = next((p for p in methods if p.id == payment_method_id), None)
    if method is None:
        raise NotFound("No such payment method", argument="payment.paymentMethodId")
    return method


def _pay_at_pickup(
    settings: Settings,
    choice: PaymentChoice,
    fulfillment: Fulfillment,
    channel: str,
    location_id: str,
) -> PaymentPlan:
    if choice.wallet_amount or choice.payment_method_id or choice.gift_card_code:
        raise BadUserInput(
            "`payAtPickup` pays the whole order at the store: leave out `walletAmount`, "
            "`giftCardCode` and `paymentMethodId`",
            argument="payment.payAtPickup",
        )
    if fulfillment.method != "PICKUP":
        raise BadUserInput(
            "Only pickup orders can be paid at pickup", argument="payment.payAtPickup"
        )
    stores = settings.checkout_pay_at_pickup.get(channel, [])
    if "*" not in stores and location_id not in stores:
        raise PaymentRequired(
            f"This store does not take payment at pickup for {channel} orders: pay now",
            argument="payment.payAtPickup",
        )
    return PaymentPlan(pay_at_pickup=True)


async def plan_payment(
    ports: ShoppingPorts,
    customer_id: str,
    total: Money,
    choice: PaymentChoice,
    fulfillment: Fulfillment,
    channel: str,
    location_id: str,
) -> PaymentPlan:
    """The wallet amount and the gift card as asked, reward credit for what they leave,
    the rest by the payment method. A wallet in another currency than the order pays the
    converted amount at the pricing side's rate, or is refused (``CURRENCY_MISMATCH``)."""
    if choice.pay_at_pickup:
        plan = _pay_at_pickup(ports.settings, choice, fulfillment, channel, location_id)
        return PaymentPlan(charged_amount=total.amount, pay_at_pickup=plan.pay_at_pickup)
    wallet_amount = choice.wallet_amount
    if not 0 <= wallet_amount <= total.amount:
        raise BadUserInput(
            f"`walletAmount` must be between 0 and the order total {total.amount}",
            argument="payment.walletAmount",
        )
    card = await tenders.plan_gift_card(
        ports.tenders,
        choice.gift_card_code,
        choice.gift_card_amount,
        total,
        total.amount - wallet_amount,
    )
    wallet: WalletRecord | None = await ports.reads.wallet.load(customer_id)
    exchange = None
    if wallet_amount:
        exchange = await tenders.wallet_exchange(ports.tenders, wallet, total)
    wallet_unit = wallet.balance.currency if wallet is not None else total.currency
    credit: Money | None = await ports.reads.reward_credit.load(customer_id)
    from_credit = 0
    # reward credit is paid beside the wallet, in the wallet's unit: only when both match
    if credit is not None and credit.currency == total.currency == wallet_unit:
        from_credit = max(0, min(credit.amount, total.amount - wallet_amount - card.amount))
    remainder = total.amount - wallet_amount - card.amount - from_credit
    debit = exchange.convert(wallet_amount) if exchange is not None else wallet_amount
    if wallet_amount:
        balance = wallet.balance.amount if wallet is not None else 0
        if balance < debit:
            raise InsufficientFunds(
                f"The wallet holds {balance}, less than the {debit} asked for",
                argument="payment.walletAmount",
                balance=balance,
            )
    if choice.payment_method_id is not None:
        await _payment_method(ports, customer_id, choice.payment_method_id)
    elif remainder > 0:
        raise PaymentRequired(
            f"{remainder} is left to pay: name a payment method, use the wallet or a gift "
            "card, or choose to pay at pickup",
            argument="payment",
            due=remainder,
        )
    return PaymentPlan(
        wallet_amount=wallet_amount,
        reward_amount=from_credit,
        charged_amount=remainder,
        payment_method_id=choice.payment_method_id,
        gift_card_id=card.card_id,
        gift_card_amount=card.amount,
        **tenders.exchange_fields(exchange, debit, wallet_unit),
    )


async def plan_checkout(
    ports: ShoppingPorts,
    customer_id: str,
    cart: CartRecord,
    fulfillment: Fulfillment,
    key: str,
    payment: PaymentChoice,
    now: datetime,
) -> NewCheckout:
    """Validate and price the checkout of ``cart`` (open, the customer's); writes nothing."""
    check_lines(ports.settings, cart)
    location = await route(ports, cart, fulfillment)
    # priced for how it is fulfilled: a pickup order earns the rules on its store
    quote = await quote_cart(
        ports.prices,
        customer_id,
        cart.lines,
        channel=cart.channel,
        currency=cart.currency,
        now=now,
        store_id=location.id if fulfillment.method == "PICKUP" else None,
    )
    paying = await plan_payment(
        ports, customer_id, quote.total, payment, fulfillment, cart.channel, location.id
    )
    reference = f"checkout:{customer_id}:{key}"
    budgeted = await budgeted_rules(ports.prices, (r.rule_id for r in quote.applied_rules))
    plan = CheckoutPlan(
        order=new_order(cart, customer_id, quote, fulfillment, location, key, reference),
        hold=tuple(ReservationLine(line.sku, location.id, line.quantity) for line in cart.lines),
        hold_seconds=ports.settings.reservation_ttl_seconds,
        payment=paying,
        budget_rule_ids=tuple(budgeted),
    )
    return NewCheckout(customer_id, key, fingerprint(cart.id, fulfillment, payment), plan)
