"""The demo retailer's bundles: a fixed running kit, a coffee mix-and-match and the
frequently-bought-together sets mined from the generated order history.

Called once by the generator after the orders are written; deterministic, since the
curated bundles are fixed and mining is a pure function of the orders.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from commercegraph.adapters.base import BundleComponentRecord, BundleRecord
from commercegraph.adapters.native import NativeCommerce
from commercegraph.adapters.native.bundles import insert_bundles
from commercegraph.config import Settings
from commercegraph.services.bundles import FIXED, MIX_AND_MATCH, MiningParams
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.usecases.bundles import mine_bundles

RUNNING_KIT_ID = "bdl_running_kit"
COFFEE_TRIO_ID = "bdl_coffee_any3"
# Devi's running shoes, sport earbuds and a box of protein bars (fixed catalogue SKUs).
RUNNING_KIT: tuple[tuple[str, int], ...] = (
    ("SKU-RUN-0001", 1),
    ("SKU-EAR-0007", 1),
    ("SKU-SNK-0031", 2),
)
COFFEE_CATEGORY = "cat_coffee_pods"
MINING_DAYS = 365


async def seed_bundles(store: Store, now: datetime) -> int:
    """Write the curated bundles, then mine the rest; returns how many bundles exist."""
    async with store.write() as session:
        kit_skus = [sku for sku, _ in RUNNING_KIT]
        ids = dict(
            (
                await session.execute(
                    select(m.Product.sku, m.Product.id).where(m.Product.sku.in_(kit_skus))
                )
            ).all()
        )
        coffee = (
            await session.execute(
                select(m.Product.id, m.Product.sku)
                .where(m.Product.category_id == COFFEE_CATEGORY)
                .order_by(m.Product.sku)
            )
        ).all()
        curated = [
            BundleRecord(
                id=RUNNING_KIT_ID,
                name="Running kit: shoes, sport earbuds and protein bars",
                kind=FIXED,
                components=tuple(BundleComponentRecord(ids[sku], sku, q) for sku, q in RUNNING_KIT),
                discount_percent=10,
            ),
            BundleRecord(
                id=COFFEE_TRIO_ID,
                name="Any 3 coffee pod packs, 15% off",
                kind=MIX_AND_MATCH,
                components=tuple(BundleComponentRecord(pid, sku, 1) for pid, sku in coffee),
                discount_percent=15,
                pick_count=3,
            ),
        ]
        await insert_bundles(session, curated, now)
    # Mining reads only the store; the defaults keep the demo independent of the environment.
    commerce = NativeCommerce(store, Settings.model_construct())
    mined = await mine_bundles(commerce, MiningParams(), now - timedelta(days=MINING_DAYS))
    return len(curated) + len(mined)
