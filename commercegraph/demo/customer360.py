"""Customer 360 for the demo: segments, RFM and lifetime value computed once after seeding,
so a fresh demo answers ``segments``, ``rfm`` and ``lifetimeValue`` straight away."""

from __future__ import annotations

from datetime import datetime

from commercegraph.customer360.refresh import refresh_all
from commercegraph.demo.constants import CURRENCY
from commercegraph.store.db import Store


async def seed_customer360(store: Store, now: datetime) -> None:
    await refresh_all(store, CURRENCY, now)
