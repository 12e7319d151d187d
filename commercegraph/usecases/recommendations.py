"""Recommendations for a customer or a product: gather candidates, then let the service rank."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from commercegraph.adapters.base import ProductRecord, PurchasedLine
from commercegraph.config import Settings
from commercegraph.errors import BadUserInput
from commercegraph.services.recommendations import (
    CROSS_SELL,
    FREQUENTLY_BOUGHT_TOGETHER,
    MIN_FBT_CONFIDENCE,
    UP_SELL,
    Anchor,
    Candidate,
    CoPurchase,
    PricePolicy,
    Recommendation,
    improvements,
    price_policy,
    rank,
)
from commercegraph.usecases import personal_reads as src
from commercegraph.usecases.personal_reads import PersonalPorts, PersonalPrice

RECENT_ANCHORS = 3  # recent purchases that stand in for the product when none is given
VIEWED_ANCHORS = 2  # what the customer is looking at now says more than what they bought
RECENT_DAYS = timedelta(days=90)  # older purchases say little about what is needed now
MAX_FIRST = 20


def _policy(s: Settings, segments: Sequence[str]) -> PricePolicy:
    return price_policy(
        segments,
        up_sell_ratio=s.reco_up_sell_max_ratio,
        up_sell_ratio_price_sensitive=s.reco_up_sell_max_ratio_price_sensitive,
        cross_sell_ratio=s.reco_cross_sell_max_ratio,
        cross_sell_ratio_price_sensitive=s.reco_cross_sell_max_ratio_price_sensitive,
        price_sensitive_segments=s.reco_price_sensitive_segments,
        premium_segments=s.reco_premium_segments,
    )


def owned_skus(history: Sequence[PurchasedLine]) -> frozenset[str]:
    return frozenset(line.sku for line in history)


async def _recent_anchors(
    ports: PersonalPorts, customer_id: str, history: Sequence[PurchasedLine], now: datetime
) -> list[ProductRecord]:
    """The products viewed last, then the distinct products of the recent orders (or of the
    last order when none is recent)."""
    since = now - RECENT_DAYS
    recent = [line for line in history if line.placed_at >= since]
    if not recent and history:
        recent = [line for line in history if line.order_id == history[0].order_id]
    viewed = await src.recently_viewed(ports, customer_id, VIEWED_ANCHORS)
    bought = list(dict.fromkeys(line.sku for line in recent))[:RECENT_ANCHORS]
    skus = list(dict.fromkeys(viewed + bought))
    return await src.products_by_sku(ports, skus)


@dataclass(frozen=True, slots=True)
class _Related:
    product: ProductRecord
    accessory: bool = False
    co_purchase: CoPurchase | None = None
    bundle: str | None = None


async def _no_bundles() -> dict[str, str]:
    return {}


async def _related(ports: PersonalPorts, kind: str, anchor: ProductRecord) -> list[_Related]:
    """The candidates for one anchor, with what links each to it."""
    if kind == UP_SELL:
        # Only better products can be up-sells: pricing and stock are read for those alone.
        same = await src.same_category(ports, anchor)
        return [_Related(p) for p in same if improvements(p, anchor)]
    cross = kind == CROSS_SELL
    co, accessory_ids, bundled = await asyncio.gather(
        src.frequently_bought_with(ports, anchor),
        src.accessories_of(ports, anchor) if cross else asyncio.sleep(0, []),
        src.bundle_partners(ports, anchor) if cross else _no_bundles(),
    )
    if kind == FREQUENTLY_BOUGHT_TOGETHER:
        # The mined sets decide which pairings count; the anchor's own recent baskets say how
        # strongly. Before any mining has run, the basket statistics stand alone.
        partners = await src.mined_partners(ports, anchor)
        if partners:
            co = {sku: co.get(sku) or CoPurchase(sku, 0, MIN_FBT_CONFIDENCE) for sku in partners}
    by_id = await asyncio.gather(*(ports.reads.product_by_id.load(i) for i in accessory_ids))
    linked = list(dict.fromkeys([*co, *bundled]))
    by_sku = await asyncio.gather(*(ports.reads.product_by_sku.load(s) for s in linked))
    accessories = {p.sku for p in by_id if p is not None}
    found: dict[str, _Related] = {}
    for p in [*by_sku, *by_id]:
        if p is not None:
            found[p.sku] = _Related(p, p.sku in accessories, co.get(p.sku), bundled.get(p.sku))
    return list(found.values())


async def recommend(
    ports: PersonalPorts,
    price_of_product: PersonalPrice,
    *,
    kind: str,
    customer_id: str | None,
    product: ProductRecord | None,
    channel: str,
    first: int,
    now: datetime,
) -> list[Recommendation]:
    """Up to ``first`` products of ``kind`` for the customer (within their consent) or for
    ``product``, priced with ``price_of_product``."""
    if not 1 <= first <= MAX_FIRST:
        raise BadUserInput(f"`first` must be between 1 and {MAX_FIRST}", argument="first")
    history: list[PurchasedLine] = []
    segments: list[str] = []
    if customer_id is not None and not await src.may_personalise(ports, customer_id):
        # Without consent the caller is served as anyone would be: nothing they did counts.
        if product is None:
            return []
        customer_id = None
    if customer_id is not None:
        history, segments = await asyncio.gather(
            src.purchase_history(ports, customer_id), src.segment_keys(ports, customer_id)
        )
    if product is not None:
        anchors = [product]
    elif customer_id is not None:
        anchors = await _recent_anchors(ports, customer_id, history, now)
    else:
        raise BadUserInput("Give `productId` to recommend for", argument="productId")
    related = await asyncio.gather(*(_related(ports, kind, a) for a in anchors))
    products = {p.sku: p for p in anchors} | {
        r.product.sku: r.product for rs in related for r in rs
    }
    skus = list(products)
    prices, stocked = await asyncio.gather(
        asyncio.gather(*(price_of_product(products[s], channel) for s in skus)),
        asyncio.gather(*(src.in_stock_for_channel(ports, s, channel) for s in skus)),
    )
    price_of = dict(zip(skus, prices, strict=True))
    in_stock = dict(zip(skus, stocked, strict=True))
    candidates = []
    for anchor, rs in zip(anchors, related, strict=True):
        anchor_price = price_of[anchor.sku]
        if anchor_price is None:
            continue
        for r in rs:
            price = price_of[r.product.sku]
            if price is None:
                continue
            candidates.append(
                Candidate(
                    r.product,
                    price,
                    in_stock[r.product.sku],
                    Anchor(anchor, anchor_price),
                    r.accessory,
                    r.co_purchase,
                    r.bundle,
                )
            )
    owned = owned_skus(history) | {a.sku for a in anchors}
    return rank(
        kind,
        candidates,
        _policy(ports.settings, segments),
        owned,
        ports.settings.default_currency,
        first,
    )
