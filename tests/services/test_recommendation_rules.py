"""The recommendation rules from the seeds: relevance, price range, segment fit, in stock."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

from commercegraph.adapters.base import ProductRecord
from commercegraph.services.recommendations import (
    CROSS_SELL,
    FREQUENTLY_BOUGHT_TOGETHER,
    UP_SELL,
    Anchor,
    Candidate,
    CoPurchase,
    PricePolicy,
    co_purchases,
    price_policy,
    rank,
    within_ratio,
)

POLICY = PricePolicy(up_sell_ratio=Fraction(3, 2), cross_sell_ratio=Fraction(1, 2))


def product(
    sku: str,
    category: str,
    *,
    rating: float | None = 4.0,
    tier: int = 1,
    released: int = 2024,
) -> ProductRecord:
    return ProductRecord(
        id=f"prd_{sku}",
        sku=sku,
        name=sku.title(),
        brand=None,
        category=category,
        category_id=f"cat_{category}",
        rating=rating,
        tier=tier,
        released_at=datetime(released, 1, 1, tzinfo=UTC),
    )


PHONE = Anchor(product("phone", "phones", rating=4.0, released=2023), 80_000)


def candidate(
    p: ProductRecord,
    price: int,
    *,
    in_stock: bool = True,
    accessory: bool = False,
    co: CoPurchase | None = None,
    anchor: Anchor = PHONE,
) -> Candidate:
    return Candidate(p, price, in_stock, anchor, accessory, co)


def skus(recs: list) -> list[str]:  # type: ignore[type-arg]
    return [r.product.sku for r in recs]


def policy_for(*segments: str) -> PricePolicy:
    return price_policy(
        segments,
        up_sell_ratio=1.5,
        up_sell_ratio_price_sensitive=1.2,
        cross_sell_ratio=0.5,
        cross_sell_ratio_price_sensitive=0.25,
        price_sensitive_segments=("behaviour:price-sensitive", "behaviour:discount-driven"),
        premium_segments=("rfm:champions",),
    )


def test_cross_sell_keeps_complements_and_drops_unrelated_and_substitutes() -> None:
    case = product("case", "cases")
    other_phone = product("phone2", "phones")
    unrelated = product("socks", "socks")
    found = rank(
        CROSS_SELL,
        [
            candidate(case, 2_000, accessory=True),
            candidate(other_phone, 20_000, co=CoPurchase("phone2", 5, 0.5)),
            candidate(unrelated, 1_000),  # neither related in the catalog nor co-purchased
        ],
        POLICY,
        frozenset(),
        "USD",
        5,
    )
    assert skus(found) == ["case"]
    assert "Phone" in found[0].reason and found[0].anchor_sku == "phone"


def test_cross_sell_price_cap_is_inclusive_and_exact() -> None:
    at_cap, over = product("at", "chargers"), product("over", "chargers")
    found = rank(
        CROSS_SELL,
        [candidate(at_cap, 40_000, accessory=True), candidate(over, 40_001, accessory=True)],
        POLICY,
        frozenset(),
        "USD",
        5,
    )
    assert skus(found) == ["at"]
    assert within_ratio(12_000, 8_000, Fraction(3, 2))
    assert not within_ratio(12_001, 8_000, Fraction(3, 2))


def test_owned_out_of_stock_and_anchor_are_excluded() -> None:
    owned, gone, fine = (
        product("owned", "cases"),
        product("gone", "cases"),
        product("fine", "cases"),
    )
    found = rank(
        CROSS_SELL,
        [
            candidate(owned, 1_000, accessory=True),
            candidate(gone, 1_000, accessory=True, in_stock=False),
            candidate(fine, 1_000, accessory=True),
            candidate(PHONE.product, 80_000, accessory=True),
        ],
        POLICY,
        frozenset({"owned"}),
        "USD",
        5,
    )
    assert skus(found) == ["fine"]


def test_up_sell_same_category_better_and_within_one_and_a_half_times() -> None:
    better = product("better", "phones", rating=4.6, released=2024)
    dearer = product("dearer", "phones", rating=4.8, tier=2, released=2025)
    worse = product("worse", "phones", rating=3.0, released=2020)
    cheaper = product("cheaper", "phones", rating=4.9, released=2025)
    other = product("laptop", "laptops", rating=5.0, released=2025)
    found = rank(
        UP_SELL,
        [
            candidate(better, 100_000),
            candidate(dearer, 120_001),  # 1.5 × 80 000 = 120 000
            candidate(worse, 90_000),
            candidate(cheaper, 70_000),
            candidate(other, 90_000),
        ],
        POLICY,
        frozenset(),
        "USD",
        5,
    )
    assert skus(found) == ["better"]
    assert "$200.00 more" in found[0].reason and "rated 4.6" in found[0].reason


def test_price_sensitive_segments_get_a_tighter_up_sell_cap() -> None:
    step = product("step", "phones", rating=4.5, released=2025)  # 1.15 × the anchor
    leap = product("leap", "phones", rating=4.7, released=2025)  # 1.4 × the anchor
    cands = [candidate(step, 92_000), candidate(leap, 112_000)]
    assert set(skus(rank(UP_SELL, cands, policy_for(), frozenset(), "USD", 5))) == {"step", "leap"}
    tight = policy_for("behaviour:discount-driven")
    assert tight.price_sensitive and tight.up_sell_ratio == Fraction(6, 5)
    assert skus(rank(UP_SELL, cands, tight, frozenset(), "USD", 5)) == ["step"]


def test_price_sensitive_cross_sell_cap_and_preference_for_cheaper() -> None:
    cheap, mid = product("cheap", "cases"), product("mid", "cases")
    cands = [candidate(cheap, 5_000, accessory=True), candidate(mid, 30_000, accessory=True)]
    assert skus(rank(CROSS_SELL, cands, policy_for(), frozenset(), "USD", 5)) == ["cheap", "mid"]
    sensitive = policy_for("behaviour:price-sensitive")
    assert skus(rank(CROSS_SELL, cands, sensitive, frozenset(), "USD", 5)) == ["cheap"]


def test_premium_segment_prefers_the_higher_tier_upgrade() -> None:
    tiered = product("tiered", "phones", rating=4.5, tier=2, released=2023)
    rated = product("rated", "phones", rating=4.5, released=2024)
    cands = [candidate(tiered, 100_000), candidate(rated, 100_000)]
    premium = policy_for("rfm:champions")
    assert premium.premium
    assert skus(rank(UP_SELL, cands, premium, frozenset(), "USD", 5))[0] == "tiered"


def test_co_purchases_need_two_shared_baskets() -> None:
    baskets = [("a", "b", "c"), ("a", "b"), ("a", "c"), ("a", "d", "b"), ("b", "d")]
    stats = co_purchases("a", baskets)
    assert set(stats) == {"b", "c"}
    assert stats["b"].baskets == 3 and stats["b"].confidence == 0.75
    assert stats["c"].confidence == 0.5
    assert co_purchases("zzz", baskets) == {}


def test_frequently_bought_together_ranks_by_share_of_baskets() -> None:
    pods, milk, rare = product("pods", "coffee"), product("milk", "dairy"), product("rare", "x")
    anchor = Anchor(product("machine", "machines"), 10_000)
    found = rank(
        FREQUENTLY_BOUGHT_TOGETHER,
        [
            candidate(milk, 300, co=CoPurchase("milk", 3, 0.3), anchor=anchor),
            candidate(pods, 900, co=CoPurchase("pods", 8, 0.8), anchor=anchor),
            candidate(rare, 100, co=CoPurchase("rare", 2, 0.05), anchor=anchor),
        ],
        POLICY,
        frozenset(),
        "USD",
        5,
    )
    assert skus(found) == ["pods", "milk"]
    assert found[0].score == 0.8 and "8 orders" in found[0].reason
