"""Context-aware offers: rules that turn what we know into offers, within consent.

Every offer is built from personal data, so none is made without the personalisation
consent; promotional ones (``marketing``) also need a marketing permission. Each rule
names its offer with a key (the product, store, cart or level it is about) so that the
offer log can cap how often the same offer is issued.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from commercegraph.adapters.base import (
    CartActivityRecord,
    ConsentRecord,
    LocationRecord,
    LoyaltyRecord,
    OfferIssue,
    ProductRecord,
)
from commercegraph.services.replenishment import ReplenishmentEstimate

AVAILABLE_IN_STORE = "AVAILABLE_IN_STORE"
PICKUP_INCENTIVE = "PICKUP_INCENTIVE"
REPLENISHMENT_REMINDER = "REPLENISHMENT_REMINDER"
ABANDONED_CART = "ABANDONED_CART"
REWARD_LEVEL = "REWARD_LEVEL"
BIRTHDAY = "BIRTHDAY"
CAMPAIGN = "CAMPAIGN"

KIND_ORDER = {
    kind: n
    for n, kind in enumerate(
        (AVAILABLE_IN_STORE, PICKUP_INCENTIVE, REPLENISHMENT_REMINDER, ABANDONED_CART, REWARD_LEVEL)
    )
}

# What an offer is worth to the shopper, higher first: the daily cap on new marketing offers
# keeps the highest, so a reward earned or a cart left behind is never crowded out by
# convenience nudges (pickup, available nearby).
PRIORITY: dict[str, int] = {
    BIRTHDAY: 60,
    REWARD_LEVEL: 50,
    CAMPAIGN: 45,
    ABANDONED_CART: 40,
    REPLENISHMENT_REMINDER: 30,
    AVAILABLE_IN_STORE: 20,
    PICKUP_INCENTIVE: 10,
}


def priority_of(kind: str) -> int:
    return PRIORITY.get(kind, 0)


# (lifetime of one offer, least time before the same offer may be issued again)
TIMING: dict[str, tuple[timedelta, timedelta]] = {
    AVAILABLE_IN_STORE: (timedelta(days=2), timedelta(days=7)),
    PICKUP_INCENTIVE: (timedelta(days=1), timedelta(days=3)),
    REPLENISHMENT_REMINDER: (timedelta(days=3), timedelta(days=7)),
    ABANDONED_CART: (timedelta(days=2), timedelta(days=3)),
    REWARD_LEVEL: (timedelta(days=7), timedelta(days=30)),
    BIRTHDAY: (timedelta(days=7), timedelta(days=300)),
    CAMPAIGN: (timedelta(days=7), timedelta(days=30)),
}


@dataclass(frozen=True, slots=True)
class StoreStockView:
    """A product in stock at a store near the customer's context."""

    product: ProductRecord
    store: LocationRecord
    available: int
    distance_km: float | None


@dataclass(frozen=True, slots=True)
class OfferInputs:
    now: datetime
    consent: ConsentRecord | None
    viewed_in_store: Sequence[StoreStockView] = ()
    pickup_nearby: Sequence[StoreStockView] = ()
    due: Sequence[tuple[ProductRecord, ReplenishmentEstimate]] = ()
    carts: Sequence[CartActivityRecord] = ()
    loyalty: LoyaltyRecord | None = None


@dataclass(frozen=True, slots=True)
class OfferRules:
    abandoned_after: timedelta = timedelta(hours=24)
    reward_step_points: int = 500
    near_tier_points: int = 250


def may_offer(consent: ConsentRecord | None, marketing: bool) -> bool:
    if consent is None or not consent.personalization:
        return False
    return not marketing or consent.marketing_email or consent.marketing_sms


def _issue(
    kind: str,
    key: str,
    now: datetime,
    *,
    title: str,
    message: str,
    reason: str,
    marketing: bool,
    sku: str | None = None,
    store_id: str | None = None,
) -> OfferIssue:
    lifetime, cap = TIMING[kind]
    return OfferIssue(
        key=f"{kind}:{key}",
        kind=kind,
        title=title,
        message=message,
        reason=reason,
        sku=sku,
        store_id=store_id,
        marketing=marketing,
        expires_at=now + lifetime,
        cap=cap,
        priority=priority_of(kind),
    )


def _away(distance_km: float | None) -> str:
    return f" ({distance_km:.1f} km away)" if distance_km is not None else ""


def available_in_store(views: Sequence[StoreStockView], now: datetime) -> list[OfferIssue]:
    return [
        _issue(
            AVAILABLE_IN_STORE,
            f"{v.product.sku}:{v.store.id}",
            now,
            title="Available in store",
            message=(
                f"The {v.product.name} you viewed online is available at "
                f"{v.store.name}{_away(v.distance_km)}."
            ),
            reason=f"You viewed {v.product.name} online and {v.store.name} near you has "
            f"{v.available} in stock",
            marketing=True,
            sku=v.product.sku,
            store_id=v.store.id,
        )
        for v in views
    ]


def pickup_incentive(items: Sequence[StoreStockView], now: datetime) -> list[OfferIssue]:
    return [
        _issue(
            PICKUP_INCENTIVE,
            f"{v.product.sku}:{v.store.id}",
            now,
            title="Pick it up today",
            message=f"Order {v.product.name} now and collect it at {v.store.name} today, "
            "no delivery fee.",
            reason=f"{v.product.name} is in your cart or due, and pickup-eligible at "
            f"{v.store.name}{_away(v.distance_km)}",
            marketing=True,
            sku=v.product.sku,
            store_id=v.store.id,
        )
        for v in items
    ]


def replenishment_reminders(
    due: Sequence[tuple[ProductRecord, ReplenishmentEstimate]], now: datetime
) -> list[OfferIssue]:
    return [
        _issue(
            REPLENISHMENT_REMINDER,
            f"{p.sku}:{est.last_purchased_at.date().isoformat()}",
            now,
            title=f"Time for more {p.name}?",
            message=f"You usually buy {p.name} every {est.median_interval_days:.0f} days; "
            f"it is due {est.next_due_at.date().isoformat()}.",
            reason=f"Bought {est.purchases} times, about every {est.median_interval_days:.0f} days",
            marketing=False,
            sku=p.sku,
        )
        for p, est in due
    ]


def abandoned_carts(
    carts: Sequence[CartActivityRecord], now: datetime, idle: timedelta
) -> list[OfferIssue]:
    issues = []
    for activity in carts:
        cart = activity.cart
        if not cart.lines or activity.updated_at > now - idle:
            continue
        units = sum(line.quantity for line in cart.lines)
        hours = int((now - activity.updated_at).total_seconds() // 3600)
        issues.append(
            _issue(
                ABANDONED_CART,
                cart.id,
                now,
                title="Still thinking it over?",
                message=f"You left {units} item{'s' if units != 1 else ''} in your cart.",
                reason=f"Your cart has not changed for {hours} hours",
                marketing=True,
            )
        )
    return issues


def reward_level(
    loyalty: LoyaltyRecord | None, now: datetime, rules: OfferRules
) -> list[OfferIssue]:
    if loyalty is None:
        return []
    issues = []
    level = loyalty.points // rules.reward_step_points
    if level >= 1:
        points = level * rules.reward_step_points
        issues.append(
            _issue(
                REWARD_LEVEL,
                f"points:{points}",
                now,
                title="You have a reward waiting",
                message=f"You have {loyalty.points} points: redeem {points} at checkout.",
                reason=f"Your balance reached {points} points",
                marketing=True,
            )
        )
    to_next = loyalty.points_to_next_tier
    if to_next is not None and 0 < to_next <= rules.near_tier_points:
        issues.append(
            _issue(
                REWARD_LEVEL,
                f"tier:{loyalty.tier}",
                now,
                title="Almost at the next tier",
                message=f"Only {to_next} points to go beyond {loyalty.tier.title()}.",
                reason=f"{to_next} points short of the next tier",
                marketing=True,
            )
        )
    return issues


def offer_issues(inputs: OfferInputs, rules: OfferRules) -> list[OfferIssue]:
    """Every offer the rules make for these inputs that consent allows, most useful first."""
    now = inputs.now
    candidates = [
        *available_in_store(inputs.viewed_in_store, now),
        *replenishment_reminders(inputs.due, now),
        *pickup_incentive(inputs.pickup_nearby, now),
        *abandoned_carts(inputs.carts, now, rules.abandoned_after),
        *reward_level(inputs.loyalty, now, rules),
    ]
    return [c for c in candidates if may_offer(inputs.consent, c.marketing)]


def birthday(born: date | None, today: date) -> list[OfferIssue]:
    """A birthday offer on the day (29 February birthdays on 28 February in other years)."""
    if born is None:
        return []
    month, day = born.month, born.day
    if (month, day) == (2, 29) and not _leap(today.year):
        day = 28
    if (today.month, today.day) != (month, day):
        return []
    now = datetime(today.year, today.month, today.day, tzinfo=UTC)
    return [
        _issue(
            BIRTHDAY,
            str(today.year),
            now,
            title="Happy birthday!",
            message="A birthday treat from us: enjoy a little something on your next order.",
            reason="It is your birthday",
            marketing=True,
        )
    ]


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def campaign_offer(
    campaign_id: str, title: str, message: str, segment_key: str, now: datetime
) -> OfferIssue:
    return _issue(
        CAMPAIGN,
        campaign_id,
        now,
        title=title,
        message=message,
        reason=f"You are in the segment {segment_key}",
        marketing=True,
    )
