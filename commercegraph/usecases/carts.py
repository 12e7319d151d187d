"""Carts as their owner sees them: a cart belongs to its customer (or to nobody, while
anonymous); only that customer or staff may touch it, and anyone else is told it does not
exist (a different answer would tell them that the id does)."""

from __future__ import annotations

from collections.abc import Sequence

from commercegraph.adapters.base import BundleRecord, CartLineRecord, CartRecord, CommerceBackend
from commercegraph.auth import Caller
from commercegraph.errors import BadUserInput, Conflict, NotFound
from commercegraph.services.bundles import MIX_AND_MATCH


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
