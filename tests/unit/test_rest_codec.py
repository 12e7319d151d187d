"""The wire format round-trips every canonical record; the OpenAPI documents match the ports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commercegraph.adapters.base import (
    ContentKey,
    LocationRecord,
    Money,
    OrderLineRecord,
    OrderRecord,
    Page,
    PriceRow,
    ProductRecord,
    StockRecord,
)
from commercegraph.adapters.rest.codec import SAFE_INT_MAX, WireFormatError, _decode, decode, encode
from commercegraph.backends.openapi import render
from commercegraph.config import DOMAINS

when = st.datetimes(timezones=st.just(UTC))
text = st.text(max_size=12)
products = st.builds(
    ProductRecord,
    id=text,
    sku=text,
    name=text,
    brand=st.none() | text,
    category=st.none() | text,
    category_id=st.none() | text,
    tags=st.tuples(text, text),
    rating=st.none() | st.floats(0, 5),
    released_at=st.none() | when,
    attributes=st.dictionaries(text, st.integers() | text, max_size=3),
)


@given(st.lists(st.none() | products, max_size=4))
def test_products_round_trip(items: list[ProductRecord | None]) -> None:
    assert decode(list[ProductRecord | None], encode(items)) == items


@given(when, st.integers(-(10**12), 10**12))
def test_pages_of_orders_round_trip(placed: datetime, amount: int) -> None:
    order = OrderRecord(
        "o1",
        "c1",
        "WEB",
        placed,
        Money(amount, "USD"),
        Money(amount, "USD"),
        Money(0, "USD"),
        "SHIP",
        None,
        "PLACED",
        (OrderLineRecord("SKU", 2, Money(amount, "USD")),),
    )
    page = Page(items=(order,), has_next_page=True, end_cursor="x", total_count=3, cursors=("x",))
    assert decode(list[Page[OrderRecord]], encode([page])) == [page]


def test_keys_and_rows_round_trip() -> None:
    keys = [ContentKey("product", "p1", "de-DE"), ("SKU", "USD")]
    assert decode(ContentKey, encode(keys[0])) == keys[0]
    assert decode(tuple[str, str], encode(keys[1])) == keys[1]
    row = PriceRow("SKU", "USD", 1999, None, None, 1, None, datetime(2026, 1, 1, tzinfo=UTC))
    assert decode(list[list[PriceRow]], encode([[row], []])) == [[row], []]


@pytest.mark.parametrize(
    ("tp", "data"),
    [
        (int, "1"),
        (list[int], {"a": 1}),
        (Money, {"amount": 1}),
        (tuple[str, str], ["a"]),
        (str, None),
        (list[Money | None], [{"amount": "1", "currency": "USD"}]),
        (list[Money], [{"amount": None, "currency": "USD"}]),
        (list[Money], [None]),
        (tuple[Money, ...], [{"amount": 1.5, "currency": "USD"}]),
        (list[PriceRow], [{"sku": "S", "valid_from": "2026-01-01T00:00:00"}]),
    ],
)
def test_malformed_payloads_are_refused(tp: Any, data: Any) -> None:
    with pytest.raises(WireFormatError):
        decode(tp, data)


STOCK = {"sku": "S", "location_id": "L", "on_hand": 3, "reserved": 0, "safety_stock": 1}
ROW = {"sku": "S", "currency": "USD", "amount": 1999, "channel": None, "customer_group": "vip"}
ROW |= {"min_quantity": 1, "valid_from": None, "valid_until": "2026-01-01T00:00:00+00:00"}


@pytest.mark.parametrize(
    ("tp", "data"),
    [
        (StockRecord, STOCK),
        (StockRecord, STOCK | {"on_hand": 3.0}),  # JSON's 3.0 is the integer 3
        (StockRecord, STOCK | {"on_hand": SAFE_INT_MAX + 1}),
        (StockRecord, STOCK | {"reserved": True}),
        (StockRecord, STOCK | {"sku": 5}),
        (StockRecord, STOCK | {"safety_stock": None}),
        (StockRecord, {k: v for k, v in STOCK.items() if k != "reserved"}),
        (StockRecord, STOCK | {"extra": 1}),
        (StockRecord, [STOCK]),
        (
            LocationRecord,
            {"id": "L", "name": "n", "kind": "STORE", "lat": 1, "lon": 2.5}
            | {"region": "r", "address": "a", "can_ship": True, "can_pickup": 0},
        ),
        (PriceRow, ROW),
        (PriceRow, ROW | {"tax_included": True}),  # a field with a default, sent
        (PriceRow, ROW | {"channel": 7}),
        (PriceRow, ROW | {"valid_until": "2026-01-01T00:00:00"}),
        (ProductRecord, {"id": "p", "sku": "s", "name": "n", "tags": ["a"]}),
    ],
)
def test_the_generated_record_decoders_answer_as_the_general_path(tp: Any, data: Any) -> None:
    try:
        expected: Any = _decode(tp, data, {})
    except WireFormatError as exc:
        expected = type(exc)
    try:
        found: Any = decode(tp, data)
    except WireFormatError as exc:
        found = type(exc)
    assert found == expected
    assert type(found) is type(expected)


@pytest.mark.parametrize("domain", DOMAINS)
def test_openapi_documents_match_the_ports(domain: str, repo_root: Path) -> None:
    path = repo_root / "openapi" / f"{domain}.yaml"
    assert path.read_text(encoding="utf-8") == render(domain), (
        "run `commercegraph backends openapi` to regenerate openapi/"
    )
