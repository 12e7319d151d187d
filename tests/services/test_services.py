"""Pure services: money, geo distance, ATP, base-price selection, identifiers, cursors."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commercegraph.adapters.base import LocationRecord, PriceRow, StockRecord
from commercegraph.errors import BadUserInput
from commercegraph.ids import expect_global_id, from_global_id, to_global_id
from commercegraph.services.geo import distance_km
from commercegraph.services.identity import normalise_identifier
from commercegraph.services.inventory import (
    available_to_promise,
    compute_availability,
    stock_status,
)
from commercegraph.services.loyalty import points_to_next_tier, tier_for
from commercegraph.services.money import format_money
from commercegraph.services.pagination import check_first, decode_cursor, encode_cursor
from commercegraph.services.pricing import select_base_price

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_format_money() -> None:
    assert format_money(1250, "USD") == "$12.50"
    assert format_money(-5, "EUR") == "-€0.05"
    assert format_money(123456789, "USD") == "$1,234,567.89"
    assert format_money(500, "JPY") == "¥500"
    assert format_money(1000, "CHF") == "10.00 CHF"


def test_distance_against_known_coordinates() -> None:
    # Portland (45.5152, -122.6784) to Seattle (47.6062, -122.3321) is about 233.5 km
    assert distance_km(45.5152, -122.6784, 47.6062, -122.3321) == pytest.approx(233.5, abs=1.5)
    # London to Paris is about 343.5 km
    assert distance_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.5, abs=1.5)
    assert distance_km(10, 10, 10, 10) == 0


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 100))
def test_atp_is_never_negative(on_hand: int, reserved: int, safety: int) -> None:
    atp = available_to_promise(StockRecord("S", "L", on_hand, reserved, safety))
    assert atp == max(0, on_hand - reserved - safety)
    assert atp >= 0


def test_stock_status_thresholds() -> None:
    assert stock_status(0, 5) == "OUT_OF_STOCK"
    assert stock_status(5, 5) == "LOW_STOCK"
    assert stock_status(6, 5) == "IN_STOCK"


def _loc(
    id: str, lat: float, lon: float, kind: str = "STORE", ship: bool = False, pickup: bool = True
) -> LocationRecord:
    return LocationRecord(id, id, kind, lat, lon, "r", "a", ship, pickup)


def test_availability_routes_channels_and_orders_by_distance() -> None:
    locations = [
        _loc("wh", 45.6, -122.6, kind="WAREHOUSE", ship=True, pickup=False),
        _loc("far", 45.40, -122.70),
        _loc("near", 45.52, -122.68, ship=True),
        _loc("empty", 45.521, -122.681),
    ]
    stock = [
        StockRecord("S", "wh", 100, 10, 2),
        StockRecord("S", "far", 3, 0, 0),
        StockRecord("S", "near", 4, 1, 1),
        StockRecord("S", "empty", 1, 1, 0),
    ]
    result = compute_availability(stock, locations, near=(45.5190, -122.6790), pickup_radius_km=25)
    assert result.online_atp == 88 + 2  # warehouse + shipping store
    assert [s.location.id for s in result.stores] == ["near", "far"]
    assert result.pickup_eligible
    store_only = compute_availability(stock, locations, channel="STORE", pickup_radius_km=25)
    assert store_only.online_atp == 0
    tight = compute_availability(stock, locations, near=(0.0, 0.0), pickup_radius_km=25)
    assert not tight.pickup_eligible


def _row(amount: int, **kw: object) -> PriceRow:
    base = dict(
        sku="S",
        currency="USD",
        amount=amount,
        channel=None,
        customer_group=None,
        min_quantity=1,
        valid_from=None,
        valid_until=None,
    )
    base.update(kw)
    return PriceRow(**base)  # type: ignore[arg-type]


def test_base_price_selection_prefers_specific_rows_and_tiers() -> None:
    rows = [
        _row(1000),
        _row(900, channel="MOBILE_APP"),
        _row(800, min_quantity=3),
        _row(700, customer_group="WHOLESALE"),
        _row(100, valid_until=NOW - timedelta(days=1)),
        _row(50, valid_from=NOW + timedelta(days=1)),
    ]
    pick = lambda **kw: select_base_price(rows, now=NOW, **kw).amount  # type: ignore[union-attr]  # noqa: E731
    assert pick(channel="WEB", customer_group=None, quantity=1) == 1000
    assert pick(channel="MOBILE_APP", customer_group=None, quantity=1) == 900
    assert pick(channel="WEB", customer_group=None, quantity=3) == 800
    assert pick(channel="WEB", customer_group="WHOLESALE", quantity=1) == 700
    assert select_base_price([], channel="WEB", customer_group=None, quantity=1, now=NOW) is None


def test_identifier_normalisation() -> None:
    assert normalise_identifier("EMAIL", "  Devi@Example.COM ") == "devi@example.com"
    assert normalise_identifier("PHONE", "+1 (503) 555-0100") == "+15035550100"
    assert normalise_identifier("PHONE", "0044 20 7946 0958") == "+442079460958"
    assert normalise_identifier("LOYALTY_CARD", "lc-devi-0001") == "LC-DEVI-0001"
    for kind, value in [
        ("EMAIL", "nope"),
        ("PHONE", "555-0100"),
        ("DEVICE", "has space"),
        ("X", "y"),
    ]:
        with pytest.raises(BadUserInput):
            normalise_identifier(kind, value)


def test_tiers() -> None:
    assert tier_for(0) == "BRONZE" and tier_for(1000) == "SILVER" and tier_for(9000) == "PLATINUM"
    assert points_to_next_tier(990) == 10 and points_to_next_tier(9000) is None


@given(st.lists(st.one_of(st.text(max_size=20), st.integers()), min_size=1, max_size=3))
def test_cursor_round_trip(parts: list[str | int]) -> None:
    assert decode_cursor(encode_cursor(*parts), len(parts)) == parts


@given(st.lists(st.one_of(st.text(), st.integers(), st.booleans()), max_size=5))
def test_a_cursor_is_its_parts_as_json_in_url_safe_base64(parts: list[str | int]) -> None:
    expected = base64.urlsafe_b64encode(json.dumps(parts).encode()).decode()
    assert encode_cursor(*parts) == expected


@given(st.text(max_size=40))
def test_decode_cursor_rejects_garbage_cleanly(garbage: str) -> None:
    # Anything that decodes must be a well-formed two-part cursor; everything else is
    # BadUserInput (never a raw decoding error).
    try:
        parts = decode_cursor(garbage, 2)
    except BadUserInput:
        return
    assert len(parts) == 2 and all(isinstance(p, str | int) for p in parts)


def test_decode_cursor_rejects_malformed_cursors() -> None:
    for bad in ["", "%%%", "not-base64!", encode_cursor("a"), encode_cursor("a", "b", "c")]:
        with pytest.raises(BadUserInput):
            decode_cursor(bad, 2)
    with pytest.raises(BadUserInput):
        decode_cursor(base64.urlsafe_b64encode(b'{"a": 1}').decode(), 1)
    with pytest.raises(BadUserInput):
        decode_cursor(base64.urlsafe_b64encode(b"[true, 1]").decode(), 2)


def test_check_first() -> None:
    assert check_first(0, 100) == 0
    with pytest.raises(BadUserInput):
        check_first(-1, 100)
    with pytest.raises(BadUserInput):
        check_first(101, 100)


def test_global_ids_round_trip_and_reject_tampering() -> None:
    gid = to_global_id("Product", "prd_00001")
    assert from_global_id(gid) == ("Product", "prd_00001")
    assert expect_global_id(gid, "Product") == "prd_00001"
    with pytest.raises(BadUserInput):
        expect_global_id(gid, "Customer")
    for bad in ["", "%%%", "UHJvZHVjdA==", "Q3VzdG9tZXI6Y29tbWVyY2U6eA=="]:
        with pytest.raises(BadUserInput):
            from_global_id(bad)
