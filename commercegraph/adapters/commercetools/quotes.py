"""The gateway's quote pinned on a commercetools cart before the order is created from it.

commercetools prices a cart itself (``priceMode: Platform``). Checkout has already quoted
the order (unit prices, discounts, the total), so the cart's line items are set to the
``ExternalTotal`` price mode with ``setLineItemTotalPrice``: each line's ``price`` is the
quoted unit price and its ``totalPrice`` its share of the quoted total (the discount spread
over the lines in proportion to their value, in whole minor units, remainders to the
largest fractions). commercetools applies no cart discount to such a line, so the cart's
total, and the order created from it, is the quote to the minor unit. A cart that no longer
holds what was quoted (another sku, another quantity) is a ``Conflict`` and nothing changes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from commercegraph.adapters.base import NewOrder
from commercegraph.adapters.commercetools import mapping
from commercegraph.errors import Conflict


def allocate(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (equal parts when they are all 0), in
    whole units summing to ``total``; remainders go to the largest fractions, then the first."""
    if not weights:
        return []
    if sum(weights) == 0:
        weights = [1] * len(weights)
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    by_fraction = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in by_fraction[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _draft(currency: str, amount: int) -> dict[str, Any]:
    return {"currencyCode": currency, "centAmount": amount}


def _cents(money: Any) -> int | None:
    return mapping.minor_units(money) if isinstance(money, dict) else None


def pinning_actions(cart: dict[str, Any], order: NewOrder) -> list[dict[str, Any]]:
    """The ``setLineItemTotalPrice`` actions that make the cart's lines the quote (none for
    a line already priced so); ``Conflict`` when the cart holds other items than quoted."""
    quoted: dict[str, int] = defaultdict(int)
    gross: dict[str, int] = defaultdict(int)
    for line in order.lines:
        quoted[line.sku] += line.quantity
        gross[line.sku] += line.quantity * line.unit_price
    lines = list(cart.get("lineItems") or ())
    held: dict[str, int] = defaultdict(int)
    for item in lines:
        held[str((item.get("variant") or {}).get("sku") or "")] += int(item["quantity"])
    if dict(held) != dict(quoted) or cart.get("customLineItems"):
        raise Conflict(
            f"Cart {order.cart_id!r} no longer holds what was quoted; quote it again",
            argument="cartId",
        )
    skus = [str(item["variant"]["sku"]) for item in lines]
    units = {sku: gross[sku] // quoted[sku] for sku in quoted}
    weights = [units[sku] * int(item["quantity"]) for sku, item in zip(skus, lines, strict=True)]
    actions: list[dict[str, Any]] = []
    for item, sku, total in zip(lines, skus, allocate(order.total, weights), strict=True):
        price = _cents((item.get("price") or {}).get("value"))
        if (price, _cents(item.get("totalPrice"))) == (units[sku], total):
            continue  # already priced so, externally or by the platform itself
        actions.append(
            {
                "action": "setLineItemTotalPrice",
                "lineItemId": item["id"],
                "externalTotalPrice": {
                    "price": _draft(order.currency, units[sku]),
                    "totalPrice": _draft(order.currency, total),
                },
            }
        )
    return actions


def totals_the_quote(cart: dict[str, Any], order: NewOrder) -> bool:
    total = cart.get("totalPrice") or {}
    return total.get("currencyCode") == order.currency and _cents(total) == order.total
