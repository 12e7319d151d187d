"""Write checks: carts change as asked, and every write that moves money or stock, repeated
with the same idempotency key (or reservation reference), takes effect once.

Each run uses fresh keys, so the checks can run again on the same backend; they change the
backend's data (a cart, an order, one unit of stock, one cent paid and refunded).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from commercegraph.adapters.base import (
    CartRecord,
    NewOrder,
    NewOrderLine,
    NewPaymentMethod,
    OrderQuery,
    ReservationLine,
)
from commercegraph.contract.fixture import MISSING, ContractFixture, ContractViolation, expect
from commercegraph.errors import Conflict

WriteCheck = Callable[[Any, ContractFixture], Awaitable[None]]
HOLD_MINUTES = 15


def fresh(kind: str) -> str:
    return f"contract-{kind}-{uuid.uuid4().hex[:12]}"


def quantity_of(cart: CartRecord, sku: str) -> int:
    return sum(line.quantity for line in cart.lines if line.sku == sku)


async def carts(adapter: Any, fx: ContractFixture) -> None:
    cart = await adapter.create_cart(fx.customer_id, fx.channel, fx.currency)
    expect(cart.status == "OPEN" and not cart.lines, "create_cart: an open, empty cart")
    expect(cart.currency == fx.currency, "create_cart: in the currency asked for")
    cart = await adapter.set_cart_line(cart.id, fx.sku, 2)
    expect(quantity_of(cart, fx.sku) == 2, "set_cart_line: adds the line")
    cart = await adapter.set_cart_line(cart.id, fx.sku, 1)
    expect(quantity_of(cart, fx.sku) == 3, "set_cart_line: merges with the existing line")
    cart = await adapter.replace_cart_line(cart.id, fx.sku, 5)
    expect(quantity_of(cart, fx.sku) == 5, "replace_cart_line: holds exactly the quantity")
    again = await adapter.replace_cart_line(cart.id, fx.sku, 5)
    expect(again.lines == cart.lines, "replace_cart_line: the same quantity changes nothing")
    found = await adapter.carts_by_id([MISSING, cart.id, cart.id])
    expect(found[0] is None, "carts_by_id: None for a missing cart")
    expect(found[1] is not None and found[1].id == cart.id, "carts_by_id: key order")
    expect(found[1] is not None and found[1].lines == cart.lines, "carts_by_id: the cart as set")
    expect(found[1] == found[2], "carts_by_id: the same key twice answers alike")
    emptied = await adapter.replace_cart_line(cart.id, fx.sku, 0)
    expect(quantity_of(emptied, fx.sku) == 0, "replace_cart_line: 0 removes the line")


def new_order(fx: ContractFixture, cart_id: str, key: str) -> NewOrder:
    line = NewOrderLine(fx.sku, 1, 100)
    return NewOrder(
        customer_id=fx.customer_id,
        cart_id=cart_id,
        channel=fx.channel,
        currency=fx.currency,
        lines=(line,),
        subtotal=100,
        discount=0,
        total=100,
        fulfillment="PICKUP",
        location_id=fx.store_id,
        store_id=fx.store_id,
        address=None,
        idempotency_key=key,
        reservation_reference=fresh("hold"),
    )


async def filled_cart(adapter: Any, fx: ContractFixture) -> str:
    cart = await adapter.create_cart(fx.customer_id, fx.channel, fx.currency)
    await adapter.set_cart_line(cart.id, fx.sku, 1)
    return str(cart.id)


async def _order_count(adapter: Any, fx: ContractFixture) -> int | None:
    (page,) = await adapter.orders_for_customers([OrderQuery(fx.customer_id, first=1)])
    return None if page.total_count is None else int(page.total_count)


async def orders(adapter: Any, fx: ContractFixture) -> None:
    before = await _order_count(adapter, fx)
    cart_id = await filled_cart(adapter, fx)
    key = fresh("order")
    expect(
        await adapter.order_for_key(fx.customer_id, key, cart_id) is None,
        "order_for_key: None before the order is placed",
    )
    first = await adapter.place_order(new_order(fx, cart_id, key))
    expect(first.customer_id == fx.customer_id, "place_order: the customer's order")
    expect(first.total.amount == 100, "place_order: the total asked for, in minor units")
    second = await adapter.place_order(new_order(fx, cart_id, key))
    expect(second.id == first.id, "place_order: one idempotency key places one order")
    if before is not None:
        expect(
            await _order_count(adapter, fx) == before + 1,
            "place_order: one idempotency key places one order (the customer has more)",
        )
    kept = await adapter.order_for_key(fx.customer_id, key, cart_id)
    expect(kept is not None and kept.id == first.id, "order_for_key: the order placed")
    (found,) = await adapter.orders_by_id([first.id])
    expect(found is not None and found.id == first.id, "orders_by_id: finds the new order")
    other_cart = await filled_cart(adapter, fx)
    try:
        await adapter.place_order(new_order(fx, other_cart, key))
    except Conflict:
        pass
    else:
        raise ContractViolation("place_order: the key of another cart's order is a Conflict")


async def _stock_at(adapter: Any, fx: ContractFixture) -> tuple[int, int] | None:
    if not hasattr(adapter, "stock"):
        return None
    (rows,) = await adapter.stock([fx.sku])
    for row in rows:
        if row.location_id == fx.stock_location_id:
            return row.on_hand, row.reserved
    raise ContractViolation(f"stock: no row of {fx.sku} at {fx.stock_location_id}")


async def reservations(adapter: Any, fx: ContractFixture) -> None:
    lines = (ReservationLine(fx.sku, fx.stock_location_id, 1),)
    expires = datetime.now(UTC) + timedelta(minutes=HOLD_MINUTES)
    before = await _stock_at(adapter, fx)
    reference = fresh("hold")
    held = await adapter.reserve(reference, lines, expires)
    expect(held.status == "HELD" and held.reference == reference, "reserve: HELD")
    again = await adapter.reserve(reference, lines, expires)
    expect(again.reference == reference and again.status == "HELD", "reserve: a repeat is held")
    if before is not None:
        on_hand, reserved = before
        expect(
            await _stock_at(adapter, fx) == (on_hand, reserved + 1),
            "reserve: one reference takes the stock once",
        )
    (found,) = await adapter.reservations([reference])
    expect(found is not None and found.status == "HELD", "reservations: the hold")
    committed = await adapter.commit_reservation(reference)
    expect(committed is not None and committed.status == "COMMITTED", "commit_reservation")
    await adapter.commit_reservation(reference)
    if before is not None:
        on_hand, reserved = before
        expect(
            await _stock_at(adapter, fx) == (on_hand - 1, reserved),
            "commit_reservation: committing twice takes the units off hand once",
        )
    after_commit = await _stock_at(adapter, fx)
    other = fresh("hold")
    await adapter.reserve(other, lines, expires)
    released = await adapter.release_reservation(other)
    expect(released is not None and released.status == "RELEASED", "release_reservation")
    await adapter.release_reservation(other)
    expect(
        await _stock_at(adapter, fx) == after_commit,
        "release_reservation: releasing twice gives the units back once",
    )


async def _balance(adapter: Any, fx: ContractFixture) -> int | None:
    if not hasattr(adapter, "wallets"):
        return None
    (wallet,) = await adapter.wallets([fx.customer_id])
    return None if wallet is None else int(wallet.balance.amount)


async def payments(adapter: Any, fx: ContractFixture) -> None:
    before = await _balance(adapter, fx)
    key = fresh("pay")
    first = await adapter.pay(fx.customer_id, 1, "contract check", key)
    second = await adapter.pay(fx.customer_id, 1, "contract check", key)
    expect(second.transaction_id == first.transaction_id, "pay: one key, one transaction")
    expect(first.amount.amount == -1, "pay: a signed debit in minor units")
    if before is not None:
        expect(await _balance(adapter, fx) == before - 1, "pay: one key moves the money once")
    posting = await adapter.find_posting(fx.customer_id, key)
    expect(posting is not None, "find_posting: the payment made under the key")
    refund_key = fresh("refund")
    await adapter.refund(fx.customer_id, first.transaction_id, None, refund_key)
    await adapter.refund(fx.customer_id, first.transaction_id, None, refund_key)
    if before is not None:
        expect(await _balance(adapter, fx) == before, "refund: one key gives the money back once")


async def payment_methods(adapter: Any, fx: ContractFixture) -> None:
    method = NewPaymentMethod("CARD", fresh("token"), brand="Visa", last4="4242")
    added = await adapter.add_payment_method(fx.customer_id, method)
    expect(added.label.endswith("····4242"), "add_payment_method: a masked label")
    again = await adapter.add_payment_method(fx.customer_id, method)
    expect(again.id == added.id, "add_payment_method: the same token twice is one method")
    (listed,) = await adapter.payment_methods([fx.customer_id])
    expect([m.id for m in listed].count(added.id) == 1, "payment_methods: lists the added method")
    await adapter.remove_payment_method(fx.customer_id, added.id)
    (left,) = await adapter.payment_methods([fx.customer_id])
    expect(all(m.id != added.id for m in left), "remove_payment_method: no longer listed")


WRITES: dict[str, WriteCheck] = {
    "commerce.carts": carts,
    "commerce.orders": orders,
    "inventory.reservations": reservations,
    "wallet.payments": payments,
    "wallet.payment_methods": payment_methods,
}
# a write check needs these other capabilities of the same adapter
NEEDS: dict[str, frozenset[str]] = {"commerce.orders": frozenset({"commerce.carts"})}
