"""The gateway's quote as a Vendure order carries it, and the check of Vendure's order
against it (``commercegraph.adapters.vendure.quotes``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from commercegraph.adapters.base import NewOrder, NewOrderLine
from commercegraph.adapters.vendure.quotes import check_cart_matches, mismatch, quote_document
from commercegraph.errors import Conflict


def order(lines: list[tuple[str, int, int]], total: int) -> NewOrder:
    subtotal = sum(q * p for _, q, p in lines)
    return NewOrder(
        customer_id="cus_1",
        cart_id="CART1",
        channel="WEB",
        currency="USD",
        lines=tuple(NewOrderLine(sku, q, p) for sku, q, p in lines),
        subtotal=subtotal,
        discount=subtotal - total,
        total=total,
        fulfillment="SHIP",
        location_id="loc_1",
        store_id=None,
        address="1 Main St",
        idempotency_key="k",
        reservation_reference="r",
    )


def vendure_order(lines: list[tuple[str, int, int]], total: int, currency: str = "USD") -> Any:
    return {
        "currencyCode": currency,
        "totalWithTax": total,
        "lines": [
            {"productVariant": {"sku": sku}, "quantity": q, "unitPriceWithTax": p}
            for sku, q, p in lines
        ],
    }


def test_the_adjustment_is_what_the_total_differs_from_the_lines() -> None:
    quote = json.loads(quote_document(order([("A", 2, 500), ("B", 1, 333)], total=1300)))
    assert quote == {"unitPrices": {"A": 500, "B": 333}, "adjustment": 1300 - 1333}


def test_a_sku_on_two_lines_is_priced_at_the_floor_of_its_average() -> None:
    quoted = order([("A", 1, 1000), ("A", 2, 901)], total=2802)
    quote = json.loads(quote_document(quoted))
    assert quote == {"unitPrices": {"A": 934}, "adjustment": 2802 - 3 * 934}
    assert mismatch(vendure_order([("A", 3, 934)], 2802), quoted) is None


def test_every_difference_is_named() -> None:
    quoted = order([("A", 2, 500)], total=900)
    assert mismatch(vendure_order([("A", 2, 500)], 900), quoted) is None
    assert "total is 1000" in str(mismatch(vendure_order([("A", 2, 500)], 1000), quoted))
    assert "prices A at 550" in str(mismatch(vendure_order([("A", 2, 550)], 900), quoted))
    assert "lines" in str(mismatch(vendure_order([("A", 1, 500)], 900), quoted))
    assert "currency is EUR" in str(mismatch(vendure_order([("A", 2, 500)], 900, "EUR"), quoted))


def test_a_cart_that_changed_since_the_quote_is_a_conflict() -> None:
    quoted = order([("A", 2, 500)], total=1000)
    check_cart_matches(vendure_order([("A", 1, 0), ("A", 1, 0)], 0), quoted)
    with pytest.raises(Conflict):
        check_cart_matches(vendure_order([("A", 3, 500)], 0), quoted)
    with pytest.raises(Conflict):
        check_cart_matches(vendure_order([("A", 2, 500), ("B", 1, 1)], 0), quoted)
