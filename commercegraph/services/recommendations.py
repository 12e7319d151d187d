"""Cross-sell, up-sell and frequently-bought-together scoring over canonical records.

Every rule sees the same filters: the candidate is in stock for the channel, has a price
for the customer, is not the anchor and is not something the customer already owns, and
its price stays within the segment's cap relative to the anchor's price. Price caps are
compared as exact fractions of integer minor units, never as floats of money.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from commercegraph.adapters.base import ProductRecord
from commercegraph.services.money import format_money

CROSS_SELL, UP_SELL, FREQUENTLY_BOUGHT_TOGETHER = (
    "CROSS_SELL",
    "UP_SELL",
    "FREQUENTLY_BOUGHT_TOGETHER",
)
MIN_CO_PURCHASES = 2  # one shared basket is a coincidence, two start to be a pattern
MIN_FBT_CONFIDENCE = 0.1  # below one basket in ten the pairing is noise for a storefront


@dataclass(frozen=True, slots=True)
class PricePolicy:
    """Price caps relative to the anchor, chosen from the customer's segments."""

    up_sell_ratio: Fraction
    cross_sell_ratio: Fraction
    price_sensitive: bool = False
    premium: bool = False


def ratio(value: float) -> Fraction:
    return Fraction(str(value)).limit_denominator(10_000)


def price_policy(
    segment_keys: Iterable[str],
    *,
    up_sell_ratio: float,
    up_sell_ratio_price_sensitive: float,
    cross_sell_ratio: float,
    cross_sell_ratio_price_sensitive: float,
    price_sensitive_segments: Iterable[str],
    premium_segments: Iterable[str],
) -> PricePolicy:
    keys = set(segment_keys)
    sensitive = bool(keys & set(price_sensitive_segments))
    return PricePolicy(
        up_sell_ratio=ratio(up_sell_ratio_price_sensitive if sensitive else up_sell_ratio),
        cross_sell_ratio=ratio(cross_sell_ratio_price_sensitive if sensitive else cross_sell_ratio),
        price_sensitive=sensitive,
        premium=bool(keys & set(premium_segments)) and not sensitive,
    )


def within_ratio(price: int, anchor_price: int, cap: Fraction) -> bool:
    return price * cap.denominator <= anchor_price * cap.numerator


@dataclass(frozen=True, slots=True)
class CoPurchase:
    sku: str
    baskets: int
    confidence: float  # share of the anchor's baskets that also hold this sku


def co_purchases(anchor_sku: str, baskets: Sequence[Sequence[str]]) -> dict[str, CoPurchase]:
    """Skus bought in the same orders as ``anchor_sku``, from the anchor's baskets."""
    holding = [set(b) for b in baskets if anchor_sku in b]
    if not holding:
        return {}
    counts = Counter(sku for basket in holding for sku in basket if sku != anchor_sku)
    return {
        sku: CoPurchase(sku, n, n / len(holding))
        for sku, n in counts.items()
        if n >= MIN_CO_PURCHASES
    }


@dataclass(frozen=True, slots=True)
class Anchor:
    product: ProductRecord
    price: int  # minor units, for the same customer and channel as the candidates


@dataclass(frozen=True, slots=True)
class Candidate:
    product: ProductRecord
    price: int
    in_stock: bool
    anchor: Anchor
    accessory: bool = False
    co_purchase: CoPurchase | None = None
    bundle: str | None = None  # the name of a bundle holding both the anchor and the candidate


@dataclass(frozen=True, slots=True)
class Recommendation:
    product: ProductRecord
    price: int
    currency: str
    score: float
    reason: str
    anchor_sku: str


def _eligible(c: Candidate, owned: frozenset[str]) -> bool:
    return c.in_stock and c.product.sku not in owned and c.product.sku != c.anchor.product.sku


def _rating_bonus(p: ProductRecord) -> float:
    return 0.0 if p.rating is None else max(0.0, min(p.rating, 5.0)) / 5.0


def _best(recs: Iterable[Recommendation], first: int) -> list[Recommendation]:
    best: dict[str, Recommendation] = {}
    for r in recs:
        if r.product.sku not in best or r.score > best[r.product.sku].score:
            best[r.product.sku] = r
    ranked = sorted(best.values(), key=lambda r: (-r.score, r.price, r.product.sku))
    return ranked[:first]


def cross_sell(
    candidates: Sequence[Candidate],
    policy: PricePolicy,
    owned: frozenset[str],
    currency: str,
    first: int,
) -> list[Recommendation]:
    """Complements from other categories: catalog accessories, bundle partners and
    co-purchases."""
    recs = []
    for c in candidates:
        anchor = c.anchor.product
        if not _eligible(c, owned) or not (c.accessory or c.bundle or c.co_purchase):
            continue
        if c.product.category_id is not None and c.product.category_id == anchor.category_id:
            continue  # same category is a substitute, not a complement
        if not within_ratio(c.price, c.anchor.price, policy.cross_sell_ratio):
            continue
        confidence = c.co_purchase.confidence if c.co_purchase else 0.0
        score = (
            0.45 * c.accessory
            + 0.3 * (c.bundle is not None)
            + 0.35 * confidence
            + 0.1 * _rating_bonus(c.product)
        )
        if policy.price_sensitive and c.anchor.price:
            score += 0.1 * (1 - c.price / c.anchor.price)
        if c.accessory:
            reason = f"Goes with your {anchor.name}"
        elif c.bundle is not None:
            reason = f"Goes with {anchor.name} in the {c.bundle}"
        else:
            reason = f"Often bought with {anchor.name} ({confidence:.0%} of its orders)"
        recs.append(
            Recommendation(c.product, c.price, currency, round(score, 4), reason, anchor.sku)
        )
    return _best(recs, first)


def improvements(candidate: ProductRecord, anchor: ProductRecord) -> list[str]:
    """What makes the candidate better than the anchor; empty when nothing does."""
    better = []
    if candidate.tier > anchor.tier:
        better.append("a higher tier")
    if candidate.rating is not None and (anchor.rating is None or candidate.rating > anchor.rating):
        better.append(f"rated {candidate.rating:.1f}")
    if (
        candidate.released_at is not None
        and anchor.released_at is not None
        and candidate.released_at > anchor.released_at
    ):
        better.append("newer")
    return better


def up_sell(
    candidates: Sequence[Candidate],
    policy: PricePolicy,
    owned: frozenset[str],
    currency: str,
    first: int,
) -> list[Recommendation]:
    """Better products of the anchor's category, dearer but within the segment's cap."""
    recs = []
    for c in candidates:
        anchor = c.anchor.product
        if not _eligible(c, owned) or c.product.category_id != anchor.category_id:
            continue
        if c.price <= c.anchor.price or not within_ratio(
            c.price, c.anchor.price, policy.up_sell_ratio
        ):
            continue
        better = improvements(c.product, anchor)
        if not better:
            continue
        step = (c.price - c.anchor.price) / c.anchor.price if c.anchor.price else 1.0
        score = 0.2 * len(better) + 0.3 * _rating_bonus(c.product) + 0.2 * (1 - min(step, 1.0))
        if policy.premium:
            score += 0.1 * (c.product.tier > anchor.tier)
        extra = format_money(c.price - c.anchor.price, currency)
        reason = f"An upgrade on {anchor.name}: {', '.join(better)}, for {extra} more"
        recs.append(
            Recommendation(c.product, c.price, currency, round(score, 4), reason, anchor.sku)
        )
    return _best(recs, first)


def frequently_bought_together(
    candidates: Sequence[Candidate],
    owned: frozenset[str],
    currency: str,
    first: int,
) -> list[Recommendation]:
    """What shoppers put in the same basket as the anchor, by share of its baskets."""
    recs = []
    for c in candidates:
        co = c.co_purchase
        if not _eligible(c, owned) or co is None or co.confidence < MIN_FBT_CONFIDENCE:
            continue
        reason = (
            f"Bought together with {c.anchor.product.name} in {co.baskets} orders "
            f"({co.confidence:.0%})"
        )
        recs.append(
            Recommendation(
                c.product, c.price, currency, round(co.confidence, 4), reason, c.anchor.product.sku
            )
        )
    return _best(recs, first)


def rank(
    kind: str,
    candidates: Sequence[Candidate],
    policy: PricePolicy,
    owned: frozenset[str],
    currency: str,
    first: int,
) -> list[Recommendation]:
    if kind == CROSS_SELL:
        return cross_sell(candidates, policy, owned, currency, first)
    if kind == UP_SELL:
        return up_sell(candidates, policy, owned, currency, first)
    return frequently_bought_together(candidates, owned, currency, first)
