"""Offer rules: what each makes, and that consent decides what may be shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from commercegraph.adapters.base import (
    CartActivityRecord,
    CartLineRecord,
    CartRecord,
    ConsentRecord,
    LocationRecord,
    LoyaltyRecord,
    ProductRecord,
)
from commercegraph.services.offers import (
    ABANDONED_CART,
    AVAILABLE_IN_STORE,
    PICKUP_INCENTIVE,
    REPLENISHMENT_REMINDER,
    REWARD_LEVEL,
    OfferInputs,
    OfferRules,
    StoreStockView,
    offer_issues,
)
from commercegraph.services.replenishment import ReplenishmentEstimate

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
SHOES = ProductRecord("prd_1", "SKU-RUN", "Runner", None, "Running", "cat_run")
PODS = ProductRecord("prd_2", "SKU-COF", "Pods", None, "Coffee", "cat_cof")
DOWNTOWN = LocationRecord("loc_dt", "Downtown", "STORE", 45.5, -122.6, "PDX", "1 Main", True, True)
ALL = ConsentRecord(marketing_email=True, marketing_sms=False, personalization=True)
PERSONAL_ONLY = ConsentRecord(marketing_email=False, marketing_sms=False, personalization=True)
NONE = ConsentRecord(marketing_email=False, marketing_sms=False, personalization=False)


def inputs(consent: ConsentRecord | None, **overrides: object) -> OfferInputs:
    due = ReplenishmentEstimate(
        "SKU-COF", 6, 21.0, 21.0, NOW - timedelta(days=20), NOW + timedelta(days=1), 1
    )
    cart = CartRecord("cart_1", "cus_x", "WEB", "USD", "OPEN", (CartLineRecord("SKU-RUN", 2),))
    fields: dict[str, object] = {
        "now": NOW,
        "consent": consent,
        "viewed_in_store": [StoreStockView(SHOES, DOWNTOWN, 4, 0.3)],
        "pickup_nearby": [StoreStockView(PODS, DOWNTOWN, 9, 0.3)],
        "due": [(PODS, due)],
        "carts": [CartActivityRecord(cart, NOW - timedelta(hours=30))],
        "loyalty": LoyaltyRecord("cus_x", 620, "SILVER", 120, 0, 0),
    }
    fields.update(overrides)
    return OfferInputs(**fields)  # type: ignore[arg-type]


def kinds(consent: ConsentRecord | None, **overrides: object) -> list[str]:
    return [o.kind for o in offer_issues(inputs(consent, **overrides), OfferRules())]


def test_every_rule_fires_with_full_consent() -> None:
    issues = offer_issues(inputs(ALL), OfferRules())
    assert [o.kind for o in issues] == [
        AVAILABLE_IN_STORE,
        REPLENISHMENT_REMINDER,
        PICKUP_INCENTIVE,
        ABANDONED_CART,
        REWARD_LEVEL,
        REWARD_LEVEL,
    ]
    store_offer = issues[0]
    assert store_offer.sku == "SKU-RUN" and store_offer.store_id == "loc_dt"
    assert "Downtown" in store_offer.message and "viewed" in store_offer.reason
    assert all(o.reason and o.expires_at > NOW for o in issues)
    assert len({o.key for o in issues}) == len(issues)


def test_without_marketing_consent_only_the_service_reminder_remains() -> None:
    assert kinds(PERSONAL_ONLY) == [REPLENISHMENT_REMINDER]


def test_without_personalisation_consent_or_any_record_nothing_is_offered() -> None:
    assert kinds(NONE) == []
    assert kinds(None) == []


def test_a_cart_changed_recently_is_not_abandoned() -> None:
    cart = CartRecord("cart_2", "cus_x", "WEB", "USD", "OPEN", (CartLineRecord("SKU-RUN", 1),))
    fresh = [CartActivityRecord(cart, NOW - timedelta(hours=2))]
    empty = [
        CartActivityRecord(
            CartRecord("c3", "cus_x", "WEB", "USD", "OPEN", ()), NOW - timedelta(days=3)
        )
    ]
    assert ABANDONED_CART not in kinds(ALL, carts=fresh)
    assert ABANDONED_CART not in kinds(ALL, carts=empty)


def test_reward_levels() -> None:
    low = LoyaltyRecord("cus_x", 120, "BRONZE", 880, 0, 0)
    assert REWARD_LEVEL not in kinds(ALL, loyalty=low)
    near_top = LoyaltyRecord("cus_x", 1370, "BRONZE", 29, 0, 0)
    rewards = [
        o
        for o in offer_issues(inputs(ALL, loyalty=near_top), OfferRules())
        if o.kind == REWARD_LEVEL
    ]
    assert {o.key for o in rewards} == {"REWARD_LEVEL:points:1000", "REWARD_LEVEL:tier:BRONZE"}
    assert any("29 points" in o.message for o in rewards)
