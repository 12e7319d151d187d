"""Bundle mining over the commerce port: ``mine_bundles`` recomputes the
frequently-bought-together bundles from order history (``commercegraph mine-bundles``, the
worker's ``mine_bundles`` job and the demo seed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from commercegraph.adapters.base import BundleComponentRecord, BundleRecord, CommerceBackend
from commercegraph.config import Settings
from commercegraph.progress import progress
from commercegraph.services.bundles import FREQUENTLY_BOUGHT_TOGETHER, MiningParams, mine_itemsets

NAME_WORDS = 4  # words of each product name kept in a mined bundle's name


def mining_params(settings: Settings) -> MiningParams:
    return MiningParams(
        min_support=settings.bundle_min_support,
        min_lift=settings.bundle_min_lift,
        min_count=settings.bundle_min_orders,
        limit=settings.bundle_max_mined,
        discount_percent=settings.bundle_mined_discount_percent,
    )


async def mine_bundles(
    commerce: CommerceBackend, params: MiningParams, since: datetime | None
) -> list[BundleRecord]:
    """Replace the mined bundles with the pairs and triples of recent order history."""
    progress("reading order baskets", 0, 3)
    baskets = await commerce.order_baskets(since)
    progress(f"mining {len(baskets):,} baskets", 1, 3)
    itemsets = mine_itemsets(
        baskets,
        min_support=params.min_support,
        min_lift=params.min_lift,
        min_count=params.min_count,
        limit=params.limit,
    )
    progress("writing bundles", 2, 3)
    skus = sorted({sku for s in itemsets for sku in s.skus})
    products = dict(zip(skus, await commerce.products_by_sku(skus), strict=True))
    bundles = []
    for itemset in itemsets:
        parts = [products[sku] for sku in itemset.skus]
        if any(p is None for p in parts):
            continue  # sold once, since dropped from the catalog
        found = [p for p in parts if p is not None]
        bundles.append(
            BundleRecord(
                id=itemset.key,
                name=" + ".join(" ".join(p.name.split(",")[0].split()[:NAME_WORDS]) for p in found),
                kind=FREQUENTLY_BOUGHT_TOGETHER,
                components=tuple(BundleComponentRecord(p.id, p.sku, 1) for p in found),
                discount_percent=params.discount_percent,
                support=itemset.support,
                lift=itemset.lift,
            )
        )
    await commerce.replace_bundles(FREQUENTLY_BOUGHT_TOGETHER, bundles)
    return bundles


async def mine_recent_bundles(
    commerce: CommerceBackend, settings: Settings, now: datetime
) -> list[BundleRecord]:
    """Mine the orders of the last ``CG_BUNDLE_HISTORY_DAYS`` with the configured thresholds."""
    since = now - timedelta(days=settings.bundle_history_days)
    return await mine_bundles(commerce, mining_params(settings), since)
