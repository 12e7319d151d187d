"""Carts as their owner sees them: a cart belongs to its customer (or to nobody, while
anonymous); only that customer or staff may touch it, and anyone else is told it does not
exist (a different answer would tell them that the id does)."""

from __future__ import annotations

from collections.abc import Sequence

from commercegraph.adapters.base import (
    BundleRecord,
    CartLineRecord,
    CartRecord,
    CommerceBackend,
    ProductRecord,
)
from commercegraph.auth import Caller
from commercegraph.errors import BadUserInput, Conflict, NotFound
from commercegraph.loaders import Loaders
from commercegraph.services.bundles import MIX_AND_MATCH
from commercegraph.usecases.validation import MAX_QUANTITY

MAX_SKU_LENGTH = 64


def may_touch_cart(caller: Caller, cart: CartRecord) -> bool:
    return cart.customer_id is None or caller.can_see_customer(cart.customer_id)


async def load_cart(
    commerce: CommerceBackend, caller: Caller, cart_id: str, *, shown_as: str, argument: str
) -> CartRecord:
    """The cart as it is now (not through the request's loader: writes change it);
    ``shown_as`` is the id as the caller gave it, for the refusal."""
    (cart,) = await commerce.carts_by_id([cart_id])
    if cart is None or not may_touch_cart(caller, cart):
        raise NotFound(f"No cart {shown_as!r}", argument=argument)
    return cart


async def open_cart(
    commerce: CommerceBackend, caller: Caller, cart_id: str, *, shown_as: str
) -> CartRecord:
    cart = await load_cart(commerce, caller, cart_id, shown_as=shown_as, argument="cartId")
    if cart.status != "OPEN":
        raise Conflict(f"Cart {shown_as!r} is {cart.status.lower()}", argument="cartId")
    return cart


def bundle_lines(bundle: BundleRecord, picks: Sequence[str] | None) -> list[CartLineRecord]:
    """The cart lines one set of ``bundle`` adds; a mix-and-match set needs its picks."""
    if bundle.kind != MIX_AND_MATCH:
        if picks:
            raise BadUserInput("Only a mix-and-match bundle takes `skus`", argument="skus")
        return [CartLineRecord(c.sku, c.quantity, bundle.id) for c in bundle.components]
    size = bundle.pick_count or 1
    members = {c.sku for c in bundle.components}
    if picks is None or len(picks) != size:
        raise BadUserInput(f"Pick exactly {size} items of this bundle", argument="skus")
    strangers = sorted(set(picks) - members)
    if strangers:
        raise BadUserInput(f"{strangers[0]!r} is not part of this bundle", argument="skus")
    counts: dict[str, int] = {}
    for sku in picks:
        counts[sku] = counts.get(sku, 0) + 1
    return [CartLineRecord(sku, q, bundle.id) for sku, q in sorted(counts.items())]


async def product_for_sku(reads: Loaders, sku: str) -> ProductRecord:
    if not sku or len(sku) > MAX_SKU_LENGTH:
        raise BadUserInput(f"{sku!r} is not a sku", argument="sku")
    product: ProductRecord | None = await reads.product_by_sku.load(sku)
    if product is None:
        raise NotFound(f"No product with sku {sku!r}", argument="sku")
    return product


async def add_line(
    commerce: CommerceBackend,
    reads: Loaders,
    cart: CartRecord,
    sku: str,
    quantity: int,
    *,
    max_line_quantity: int,
) -> CartRecord:
    """``quantity`` more of ``sku``, within the per-sku bound an order may hold."""
    held = sum(line.quantity for line in cart.lines if line.sku == sku)
    if held + quantity > max_line_quantity:
        raise BadUserInput(
            f"At most {max_line_quantity} units of one sku per order ({held} already in the cart)",
            argument="quantity",
            maxQuantity=max_line_quantity,
        )
    await product_for_sku(reads, sku)
    return await commerce.set_cart_line(cart.id, sku, quantity)


def check_line_quantity(quantity: int) -> int:
    """A line's new quantity: 0 removes it."""
    if not 0 <= quantity <= MAX_QUANTITY:
        raise BadUserInput(f"`quantity` must be between 0 and {MAX_QUANTITY}", argument="quantity")
    return quantity


async def replace_line(
    commerce: CommerceBackend, reads: Loaders, cart: CartRecord, sku: str, quantity: int
) -> CartRecord:
    """Idempotent: the line ends holding ``quantity`` however often this is sent."""
    await product_for_sku(reads, sku)
    return await commerce.replace_cart_line(cart.id, sku, quantity)


async def remove_line(
    commerce: CommerceBackend, cart: CartRecord, sku: str, bundle_id: str | None
) -> CartRecord:
    line = next((li for li in cart.lines if li.sku == sku and li.bundle_id == bundle_id), None)
    if line is None:
        raise NotFound(f"Cart has no line for {sku!r}", argument="sku")
    return await commerce.set_cart_line(cart.id, sku, -line.quantity, bundle_id)


async def add_bundle(
    commerce: CommerceBackend,
    reads: Loaders,
    cart: CartRecord,
    bundle_id: str,
    picks: Sequence[str] | None,
    *,
    shown_as: str,
) -> CartRecord:
    """One set of the bundle ``bundle_id`` (``shown_as`` as the caller named it)."""
    bundle: BundleRecord | None = await reads.bundle_by_id.load(bundle_id)
    if bundle is None:
        raise NotFound(f"No bundle {shown_as!r}", argument="bundleId")
    for line in bundle_lines(bundle, picks):
        cart = await commerce.set_cart_line(cart.id, line.sku, line.quantity, line.bundle_id)
    return cart
