"""Global ids and catalog cursors, remembered for the ids and sort keys seen before, are the
values built afresh."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

from commercegraph.adapters.native import product_search
from commercegraph.ids import from_global_id, to_global_id
from commercegraph.services.pagination import encode_cursor


def test_a_global_id_is_the_same_text_built_or_remembered() -> None:
    built = base64.urlsafe_b64encode(b"Product:commerce:p-77").decode()
    assert to_global_id("Product", "p-77") == built
    assert to_global_id("Product", "p-77") == built
    assert from_global_id(built) == ("Product", "p-77")
    assert to_global_id("Store", "p-77") != built


def test_a_cursor_is_the_same_text_built_or_remembered_and_keys_of_two_classes_differ() -> None:
    tag = "PRICE:a:EUR"
    first = product_search._cursor(tag, 1, "p1")
    assert first == encode_cursor(tag, 1, "p1")
    assert product_search._CURSORS[(tag, int, 1, "p1")] == first
    assert product_search._cursor(tag, 1.0, "p1") == encode_cursor(tag, 1.0, "p1") != first
    when = datetime(2026, 12, 6, 12, tzinfo=UTC)
    assert product_search._cursor(tag, when, "p1") == encode_cursor(tag, when.isoformat(), "p1")
    # the same instant in another zone is another cursor, and is not remembered
    east = when.astimezone(timezone(timedelta(hours=1)))
    assert product_search._cursor(tag, east, "p1") == encode_cursor(tag, east.isoformat(), "p1")
    assert product_search._CURSORS[(tag, datetime, when, "p1")] == encode_cursor(
        tag, when.isoformat(), "p1"
    )
