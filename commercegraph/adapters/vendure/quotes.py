"""The gateway's quote as the Vendure order carries it, and the check that Vendure kept it.

The order's ``cgQuote`` custom field holds the quoted unit price of each sku and an
``adjustment``: what the order total differs from the sum of the lines at those prices (a
bundle's discount, a unit price's rounding). ``quote-plugin.js`` on the Vendure server prices
the lines and adds the adjustment from it. Before the order is paid, ``mismatch`` compares the
order Vendure computed with the quote, so an order is never placed at another total.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import orjson

from commercegraph.adapters.base import NewOrder
from commercegraph.errors import Conflict

QUOTE_FIELD = "cgQuote"


def quoted_lines(order: NewOrder) -> tuple[Counter[str], dict[str, int]]:
    """Quantity and unit price per sku; a sku quoted on several lines (in a bundle and out of
    it) is priced at the floor of its average, the rest going into the adjustment."""
    quantities: Counter[str] = Counter()
    amounts: Counter[str] = Counter()
    for line in order.lines:
        quantities[line.sku] += line.quantity
        amounts[line.sku] += line.quantity * line.unit_price
    units = {sku: amounts[sku] // quantity for sku, quantity in quantities.items() if quantity}
    return quantities, units


def quote_document(order: NewOrder) -> str:
    quantities, units = quoted_lines(order)
    lines_total = sum(units[sku] * quantity for sku, quantity in quantities.items())
    document = {"unitPrices": units, "adjustment": order.total - lines_total}
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS).decode()


def check_cart_matches(cart: dict[str, Any], order: NewOrder) -> None:
    """The Vendure cart holds exactly the quoted skus and quantities."""
    held: Counter[str] = Counter()
    for line in cart.get("lines") or []:
        held[str(line["productVariant"]["sku"])] += int(line["quantity"])
    quantities, _ = quoted_lines(order)
    if +held != +quantities:
        raise Conflict(
            "The cart changed since it was quoted; quote it again", cart_id=order.cart_id
        )


def mismatch(placed: dict[str, Any], order: NewOrder) -> str | None:
    """How the order Vendure computed differs from the quote; None when it is the quote."""
    quantities, units = quoted_lines(order)
    if placed.get("currencyCode") != order.currency:
        return f"its currency is {placed.get('currencyCode')}, the quote's {order.currency}"
    held: Counter[str] = Counter()
    for line in placed.get("lines") or []:
        sku = str(line["productVariant"]["sku"])
        held[sku] += int(line["quantity"])
        if int(line["unitPriceWithTax"]) != units.get(sku):
            return f"it prices {sku} at {line['unitPriceWithTax']}, the quote at {units.get(sku)}"
    if +held != +quantities:
        return "its lines are not the quoted lines"
    total = int(placed["totalWithTax"])
    if total != order.total:
        return f"its total is {total}, the quote's {order.total} (minor units)"
    return None
