"""Replenishment: how often a customer buys each product, and when it is due again.

Intervals are measured between distinct purchase days. The typical interval is the median
of the intervals (an outlier such as a holiday gap or a double shop moves it little); the
average reported is the mean of the intervals within a factor of two of that median. A
product needs at least three purchases, and intervals regular enough (median absolute
deviation at most half the median) to be called a habit rather than chance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from statistics import median

from commercegraph.adapters.base import PurchasedLine

MIN_PURCHASES = 3
MAX_RELATIVE_SPREAD = 0.5  # MAD / median above this is irregular buying, not a habit
OUTLIER_FACTOR = 2.0  # intervals outside [median / 2, median * 2] are left out of the mean
SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class Purchase:
    at: datetime
    quantity: int


@dataclass(frozen=True, slots=True)
class ReplenishmentEstimate:
    sku: str
    purchases: int
    median_interval_days: float
    average_interval_days: float
    last_purchased_at: datetime
    next_due_at: datetime
    typical_quantity: int

    def due_soon(self, now: datetime, window: timedelta) -> bool:
        return self.next_due_at <= now + window


def purchases_by_sku(lines: Iterable[PurchasedLine]) -> dict[str, list[Purchase]]:
    """Each sku's purchases, one per day (same-day orders merged), oldest first."""
    by_day: dict[str, dict[datetime, Purchase]] = defaultdict(dict)
    for line in lines:
        day = line.placed_at.replace(hour=0, minute=0, second=0, microsecond=0)
        seen = by_day[line.sku].get(day)
        quantity = line.quantity + (seen.quantity if seen else 0)
        at = min(line.placed_at, seen.at) if seen else line.placed_at
        by_day[line.sku][day] = Purchase(at, quantity)
    return {sku: sorted(days.values(), key=lambda p: p.at) for sku, days in by_day.items()}


def estimate(
    sku: str, purchases: Sequence[Purchase], *, min_purchases: int = MIN_PURCHASES
) -> ReplenishmentEstimate | None:
    """The replenishment cycle of one product, or None when there is no reliable one."""
    if len(purchases) < min_purchases:
        return None
    intervals = [(b.at - a.at).total_seconds() / SECONDS_PER_DAY for a, b in pairwise(purchases)]
    typical = median(intervals)
    if typical < 1.0:
        return None
    spread = median(abs(i - typical) for i in intervals)
    if spread > MAX_RELATIVE_SPREAD * typical:
        return None
    inliers = [i for i in intervals if typical / OUTLIER_FACTOR <= i <= typical * OUTLIER_FACTOR]
    average = sum(inliers) / len(inliers)
    last = purchases[-1]
    return ReplenishmentEstimate(
        sku=sku,
        purchases=len(purchases),
        median_interval_days=round(typical, 2),
        average_interval_days=round(average, 2),
        last_purchased_at=last.at,
        next_due_at=last.at + timedelta(days=typical),
        typical_quantity=max(1, round(median(p.quantity for p in purchases))),
    )


def estimates(lines: Iterable[PurchasedLine]) -> dict[str, ReplenishmentEstimate]:
    found = {}
    for sku, purchases in purchases_by_sku(lines).items():
        result = estimate(sku, purchases)
        if result is not None:
            found[sku] = result
    return found
