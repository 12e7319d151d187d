"""Bundles: availability, discounts and mining frequently-bought-together sets.

Pure functions over canonical records; no I/O.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from commercegraph.adapters.base import BundleRecord, LocationRecord, StockRecord
from commercegraph.services.inventory import available_to_promise
from commercegraph.services.pricing_engine.effects import percent_of as percent_of_basis_points

FIXED = "FIXED"
MIX_AND_MATCH = "MIX_AND_MATCH"
FREQUENTLY_BOUGHT_TOGETHER = "FREQUENTLY_BOUGHT_TOGETHER"
KINDS = (FIXED, MIX_AND_MATCH, FREQUENTLY_BOUGHT_TOGETHER)


def sets_available(bundle: BundleRecord, atp_by_sku: Mapping[str, int]) -> int:
    """How many whole bundles one location can fill.

    A fixed set needs every component: the minimum over components of
    floor(ATP / quantity). A mix-and-match set takes any ``pick_count`` of its items.
    """
    if not bundle.components:
        return 0
    if bundle.kind == MIX_AND_MATCH:
        pool = sum(max(0, atp_by_sku.get(c.sku, 0)) for c in bundle.components)
        return pool // max(1, bundle.pick_count or 1)
    return min(max(0, atp_by_sku.get(c.sku, 0)) // c.quantity for c in bundle.components)


def bundle_stock(
    bundle: BundleRecord,
    stock_by_sku: Mapping[str, Sequence[StockRecord]],
    locations: Iterable[LocationRecord],
) -> list[StockRecord]:
    """One stock row per location whose available-to-promise is the bundle's sets there."""
    atp: Counter[tuple[str, str]] = Counter()
    for sku in {c.sku for c in bundle.components}:
        for s in stock_by_sku.get(sku, ()):
            atp[sku, s.location_id] += available_to_promise(s)
    return [
        StockRecord(
            bundle.id,
            loc.id,
            sets_available(bundle, {c.sku: atp[c.sku, loc.id] for c in bundle.components}),
            0,
            0,
        )
        for loc in locations
    ]


def percent_of(amount: int, percent: int) -> int:
    """``percent`` of ``amount`` in minor units, rounded as the pricing engine rounds."""
    return percent_of_basis_points(amount, percent * 100)


def bundle_discount(bundle: BundleRecord, lines: Sequence[tuple[str, int, int]]) -> int:
    """The discount on cart lines tied to ``bundle``: ``(sku, quantity, unit amount)``.

    Only whole sets are discounted; a mix-and-match set is discounted on its cheapest
    units, so splitting a basket across sets never raises the discount.
    """
    if bundle.discount_percent <= 0 or not lines:
        return 0
    quantity: Counter[str] = Counter()
    unit: dict[str, int] = {}
    for sku, q, amount in lines:
        quantity[sku] += q
        unit[sku] = amount
    if bundle.kind == MIX_AND_MATCH:
        size = max(1, bundle.pick_count or 1)
        members = {c.sku for c in bundle.components}
        units = sorted(
            (unit[sku], q) for sku, q in quantity.items() if sku in members and sku in unit
        )
        remaining = sum(q for _, q in units) // size * size
        base = 0
        for amount, q in units:
            take = min(q, remaining)
            base += take * amount
            remaining -= take
        return percent_of(base, bundle.discount_percent)
    if any(c.sku not in unit for c in bundle.components):
        return 0
    sets = min(quantity[c.sku] // c.quantity for c in bundle.components)
    per_set = sum(unit[c.sku] * c.quantity for c in bundle.components)
    return percent_of(sets * per_set, bundle.discount_percent)


@dataclass(frozen=True, slots=True)
class MiningParams:
    min_support: float = 0.002  # share of orders that must hold the set
    min_lift: float = 1.5  # bought together at least this much more often than chance
    min_count: int = 5  # and by at least this many orders, however many there are
    limit: int = 50
    discount_percent: int = 5


@dataclass(frozen=True, slots=True)
class Itemset:
    skus: tuple[str, ...]
    count: int  # orders containing every sku
    support: float  # count / orders
    lift: float  # support / product of the skus' own supports

    @property
    def key(self) -> str:
        digest = hashlib.sha256("|".join(self.skus).encode()).hexdigest()[:16]
        return f"bdl_fbt_{digest}"


def mine_itemsets(
    baskets: Sequence[Sequence[str]],
    *,
    min_support: float,
    min_lift: float,
    min_count: int = 2,
    max_size: int = 3,
    limit: int = 50,
) -> list[Itemset]:
    """Pairs and triples bought together more often than chance (Apriori).

    An itemset qualifies when at least ``max(min_count, min_support × orders)`` orders
    hold it and its lift reaches ``min_lift``. The strongest come first (lift, then
    count), at most ``limit`` of them.
    """
    n = len(baskets)
    if n == 0:
        return []
    threshold = max(min_count, min_support * n)
    sets = [tuple(sorted(set(b))) for b in baskets]
    singles: Counter[tuple[str, ...]] = Counter((sku,) for b in sets for sku in b)
    frequent: dict[tuple[str, ...], int] = {k: c for k, c in singles.items() if c >= threshold}
    level = frequent
    found: list[Itemset] = []
    for size in range(2, max_size + 1):
        items = {sku for key in level for sku in key}
        counts: Counter[tuple[str, ...]] = Counter()
        for basket in sets:
            kept = [sku for sku in basket if sku in items]
            for combo in combinations(kept, size):
                if all(sub in level for sub in combinations(combo, size - 1)):
                    counts[combo] += 1
        level = {k: c for k, c in counts.items() if c >= threshold}
        frequent.update(level)
        for combo, count in level.items():
            expected = 1.0
            for sku in combo:
                expected *= frequent[(sku,)] / n
            lift = (count / n) / expected
            if lift >= min_lift:
                found.append(Itemset(combo, count, count / n, lift))
        if not level:
            break
    found.sort(key=lambda s: (-s.lift, -s.count, s.skus))
    return found[:limit]
