"""Interval inference on synthetic histories, and the shopping list built from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from commercegraph.adapters.base import PurchasedLine, ShoppingListEntryRecord
from commercegraph.services.replenishment import Purchase, estimate, estimates, purchases_by_sku
from commercegraph.services.shopping_list import EXPLICIT, REPLENISHMENT, compose

START = datetime(2026, 1, 1, 10, tzinfo=UTC)
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def order(n: int, at: datetime, *lines: tuple[str, int]) -> list[PurchasedLine]:
    return [PurchasedLine(f"ord_{n}", at, sku, q) for sku, q in lines]


def every(days: list[float], sku: str = "pods", quantity: int = 1) -> list[PurchasedLine]:
    at, lines = START, []
    for n, gap in enumerate([0.0, *days]):
        at = at + timedelta(days=gap)
        lines.extend(order(n, at, (sku, quantity)))
    return lines


def test_regular_three_week_cycle_is_due_three_weeks_after_the_last_purchase() -> None:
    found = estimates(every([21, 20, 22, 21, 21]))["pods"]
    assert found.median_interval_days == 21
    assert found.purchases == 6
    assert found.next_due_at - found.last_purchased_at == timedelta(days=21)


def test_an_outlier_gap_moves_the_cycle_little() -> None:
    # A holiday: one 70-day gap among three-week ones.
    found = estimates(every([21, 22, 70, 20, 21, 21]))["pods"]
    assert 20.5 <= found.median_interval_days <= 21.5
    assert 20.5 <= found.average_interval_days <= 21.5  # the 70 is left out of the mean


def test_fewer_than_three_purchases_give_no_estimate() -> None:
    assert estimates(every([21])) == {}
    assert "pods" in estimates(every([21, 21]))


def test_irregular_buying_is_not_a_habit() -> None:
    assert estimates(every([5, 60, 12, 90, 30])) == {}


def test_same_day_orders_merge_into_one_purchase() -> None:
    day = START
    lines = [
        *order(1, day, ("pods", 1)),
        *order(2, day + timedelta(hours=3), ("pods", 2), ("milk", 1)),
        *order(4, day + timedelta(days=14), ("pods", 1)),
    ]
    purchases = purchases_by_sku(lines)["pods"]
    assert [p.quantity for p in purchases] == [3, 1]
    assert purchases[0].at == day


@given(
    st.integers(min_value=3, max_value=60),
    st.lists(st.integers(min_value=-2, max_value=2), min_size=3, max_size=30),
)
def test_jittered_cycles_recover_their_period(period: int, jitter: list[int]) -> None:
    gaps = [max(1, period + j) for j in jitter]
    purchases = []
    at = START
    for gap in [0, *gaps]:
        at += timedelta(days=gap)
        purchases.append(Purchase(at, 1))
    found = estimate("x", purchases)
    if found is not None:  # very short periods with jitter may be called irregular
        assert abs(found.median_interval_days - period) <= 2
        assert found.next_due_at > found.last_purchased_at
    elif period >= 10:
        raise AssertionError(f"a {period}-day cycle with ±2 days jitter must be found")


def test_list_merges_explicit_items_and_due_replenishment() -> None:
    last = NOW - timedelta(days=19)
    history = [x for n in range(5) for x in order(n, last - timedelta(days=21 * n), ("pods", 1))]
    found = estimates(history)
    entries = [ShoppingListEntryRecord("milk", 2, "LISTED", NOW - timedelta(days=1))]
    items = compose(entries, found, now=NOW, window=timedelta(days=3))
    assert [(i.sku, i.source, i.due_soon) for i in items] == [
        ("pods", REPLENISHMENT, True),
        ("milk", EXPLICIT, False),
    ]
    later = compose(entries, found, now=NOW - timedelta(days=10), window=timedelta(days=3))
    assert not later[0].due_soon


def test_dismissed_inferred_item_returns_after_the_next_purchase() -> None:
    last = NOW - timedelta(days=19)
    history = [x for n in range(5) for x in order(n, last - timedelta(days=21 * n), ("pods", 1))]
    dismissed = [ShoppingListEntryRecord("pods", 0, "DISMISSED", NOW - timedelta(days=2))]
    assert compose(dismissed, estimates(history), now=NOW, window=timedelta(days=3)) == []
    bought_again = [*history, *order(99, NOW - timedelta(days=1), ("pods", 1))]
    items = compose(dismissed, estimates(bought_again), now=NOW, window=timedelta(days=3))
    assert [i.sku for i in items] == ["pods"]
