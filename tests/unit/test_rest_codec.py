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
    Money,
    OrderLineRecord,
    OrderRecord,
    Page,
    PriceRow,
    ProductRecord,
)
from commercegraph.adapters.rest.codec import WireFormatError, decode, encode
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


@pytest.mark.parametrize("domain", DOMAINS)
def test_openapi_documents_match_the_ports(domain: str, repo_root: Path) -> None:
    path = repo_root / "openapi" / f"{domain}.yaml"
    assert path.read_text(encoding="utf-8") == render(domain), (
        "run `commercegraph backends openapi` to regenerate openapi/"
    )
