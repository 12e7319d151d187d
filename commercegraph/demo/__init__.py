"""The deterministic demo retailer: catalogue, stores, customers and two years of history.

``seed_demo(store, customers=500, seed=42, now=None)`` fills migrated, empty tables; the
same ``(customers, seed, now)`` always writes the same rows. The catalogue, locations,
prices, stock and content are fixed; the seed varies the generated customers. Devi and
Sam, the reference-story customers, are always written in addition to the ``customers``
generated ones. ``clear_demo(store)`` empties every table again (``seed --reset``).
"""

from __future__ import annotations

from commercegraph.demo.constants import (
    BERLIN_ID,
    DEVI_COFFEE_SKU,
    DEVI_ID,
    DEVI_SHOES_SKU,
    DEVI_SODA_SKU,
    DOWNTOWN_ID,
    SAM_ID,
    SAM_PHONE_SKU,
    WAREHOUSE_ID,
)
from commercegraph.demo.generator import SeedSummary, clear_demo, default_now, seed_demo

__all__ = [
    "BERLIN_ID",
    "DEVI_COFFEE_SKU",
    "DEVI_ID",
    "DEVI_SHOES_SKU",
    "DEVI_SODA_SKU",
    "DOWNTOWN_ID",
    "SAM_ID",
    "SAM_PHONE_SKU",
    "WAREHOUSE_ID",
    "SeedSummary",
    "clear_demo",
    "default_now",
    "seed_demo",
]
