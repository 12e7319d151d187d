"""The smart shopping list: explicit entries plus replenishment inferred from orders, and
the cart it fills."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from commercegraph.adapters.base import (
    CartQuery,
    CartRecord,
    ProductRecord,
    PurchasedLine,
    ShoppingListEntryRecord,
)
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.services.replenishment import estimates
from commercegraph.services.shopping_list import DISMISSED, LISTED, ListItem, compose
from commercegraph.usecases import personal_reads as src
from commercegraph.usecases.personal_reads import PersonalPorts

MAX_LIST_QUANTITY = 999
OPEN_CARTS_LOOKED_AT = 20  # a customer's open carts searched for one to reuse


def due_window(ports: PersonalPorts) -> timedelta:
    return timedelta(days=ports.settings.replenishment_due_window_days)


async def shopping_list(ports: PersonalPorts, customer_id: str, now: datetime) -> list[ListItem]:
    history: list[PurchasedLine]
    entries: list[ShoppingListEntryRecord]
    history, entries = await asyncio.gather(
        src.purchase_history(ports, customer_id),
        ports.reads.shopping_list_entries.load(customer_id),
    )
    return compose(entries, estimates(history), now=now, window=due_window(ports))


async def _product(ports: PersonalPorts, sku: str) -> ProductRecord:
    if not sku or len(sku) > 64:
        raise BadUserInput("`sku` must be 1 to 64 characters", argument="sku")
    product: ProductRecord | None = await ports.reads.product_by_sku.load(sku)
    if product is None:
        raise NotFound(f"No product with sku {sku!r}")
    return product


async def add_item(
    ports: PersonalPorts, customer_id: str, sku: str, quantity: int, now: datetime
) -> None:
    if not 1 <= quantity <= MAX_LIST_QUANTITY:
        raise BadUserInput(
            f"`quantity` must be between 1 and {MAX_LIST_QUANTITY}", argument="quantity"
        )
    await _product(ports, sku)
    await ports.customer.set_shopping_list_entry(customer_id, sku, quantity, LISTED, now)


async def remove_item(ports: PersonalPorts, customer_id: str, sku: str, now: datetime) -> None:
    """Removes an explicit item, or hides an inferred one until the next purchase of it."""
    await _product(ports, sku)
    await ports.customer.set_shopping_list_entry(customer_id, sku, 0, DISMISSED, now)


@dataclass(frozen=True, slots=True)
class FilledCart:
    cart_id: str
    lines: tuple[tuple[str, int], ...]
    added: tuple[tuple[str, int], ...]


async def _open_cart(ports: PersonalPorts, customer_id: str, channel: str) -> CartRecord | None:
    """The customer's most recently changed open cart on this channel, in the default
    currency."""
    (page,) = await ports.commerce.carts_for_customers(
        [CartQuery(customer_id, first=OPEN_CARTS_LOOKED_AT, status="OPEN")]
    )
    currency = ports.settings.default_currency
    for cart in page.items:
        if cart.channel == channel and cart.currency == currency:
            return cart
    return None


async def auto_fill_cart(
    ports: PersonalPorts,
    customer_id: str,
    cart_id: str | None,
    channel: str,
    now: datetime,
    *,
    display_id: str | None = None,
) -> FilledCart:
    """Tops a cart up to each due item's usual quantity; running it twice adds nothing more.

    The cart is ``cart_id`` (a local id), else the customer's latest open cart on
    ``channel``, else a new one. ``cart_id`` is named in errors as ``display_id``.
    """
    if cart_id is not None:
        cart = await src.cart_for(ports, cart_id)
        if cart is None or cart.customer_id != customer_id:
            raise NotFound(f"No cart {display_id or cart_id!r}")
        if cart.status != "OPEN":
            raise BadUserInput(f"The cart is {cart.status.lower()}", argument="cartId")
    else:
        cart = await _open_cart(ports, customer_id, channel) or await src.new_cart(
            ports, customer_id, channel
        )
    due = [i for i in await shopping_list(ports, customer_id, now) if i.due_soon]
    stocked = await asyncio.gather(*(src.in_stock_for_channel(ports, i.sku, channel) for i in due))
    held = {line.sku: line.quantity for line in cart.lines if line.bundle_id is None}
    added = []
    for item, in_stock in zip(due, stocked, strict=True):
        missing = item.quantity - held.get(item.sku, 0)
        if in_stock and missing > 0:
            cart = await src.add_to_cart(ports, cart.id, item.sku, missing)
            added.append((item.sku, missing))
    # the cart was loaded (and cached for this request) before the fill
    ports.reads.cart_by_id.clear(cart.id).prime(cart.id, cart)
    return FilledCart(
        cart_id=cart.id,
        lines=tuple((line.sku, line.quantity) for line in cart.lines),
        added=tuple(added),
    )
