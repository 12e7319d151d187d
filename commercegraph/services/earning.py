"""Earning rules: points per currency unit, multiplied by tier, category, channel and pickup.

Multipliers are integer percentages and the arithmetic is exact (fractions), rounded down
once at the end, so the same order always earns the same points.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

from commercegraph.services.loyalty import TIERS, points_for_spend, points_to_next_tier, tier_for
from commercegraph.services.money import exponent


def _frozen(values: dict[str, int]) -> Mapping[str, int]:
    return MappingProxyType(values)


@dataclass(frozen=True)
class EarningRules:
    points_per_unit: int = 1
    tier_percent: Mapping[str, int] = field(
        default_factory=lambda: _frozen(
            {"BRONZE": 100, "SILVER": 125, "GOLD": 150, "PLATINUM": 200}
        )
    )
    # keyed by category id or lower-cased category name
    category_percent: Mapping[str, int] = field(
        default_factory=lambda: _frozen(
            {
                "cat_coffee_pods": 200,
                "cat_cases": 150,
                "cat_chargers": 150,
                "cat_screen_guards": 150,
                "cat_earbuds": 150,
            }
        )
    )
    channel_percent: Mapping[str, int] = field(default_factory=lambda: _frozen({"MOBILE_APP": 150}))
    pickup_percent: int = 110
    return_window_days: int = 30
    validity_days: int = 365
    referral_points: int = 500
    expiring_soon_days: int = 30
    point_value_minor: Fraction = Fraction(1)  # 100 points buy one currency unit of USD
    min_redemption: int = 100
    redemption_step: int = 100


DEFAULT_RULES = EarningRules()


@dataclass(frozen=True, slots=True)
class EarnLine:
    amount: int  # line total, minor units
    category: str | None = None
    category_id: str | None = None


@dataclass(frozen=True, slots=True)
class OrderEarning:
    points: int
    base_points: int
    qualifying_amount: int
    multipliers: tuple[str, ...]


def category_percent(line: EarnLine, rules: EarningRules) -> int:
    for key in (line.category_id, (line.category or "").lower()):
        if key and key in rules.category_percent:
            return rules.category_percent[key]
    return 100


def points_for_order(
    lines: Sequence[EarnLine],
    *,
    total: int,
    currency: str,
    tier: str,
    channel: str,
    fulfillment: str,
    rules: EarningRules = DEFAULT_RULES,
) -> OrderEarning:
    """Points for an order paying ``total`` (after discounts) for ``lines``."""
    unit = 10 ** exponent(currency)
    subtotal = sum(max(0, line.amount) for line in lines)
    paid = max(0, total)
    if subtotal == 0 or paid == 0:
        return OrderEarning(0, 0, paid, ())
    # a discount lowers every line in proportion, so category weights still apply fairly
    weighted = sum(
        Fraction(max(0, line.amount) * category_percent(line, rules), 100) for line in lines
    ) * Fraction(paid, subtotal)
    notes: list[str] = []
    scale = Fraction(rules.points_per_unit, unit)
    tier_pct = rules.tier_percent.get(tier, 100)
    channel_pct = rules.channel_percent.get(channel, 100)
    pickup_pct = rules.pickup_percent if fulfillment == "PICKUP" else 100
    if weighted != paid:
        notes.append("category")
    for name, pct in (("tier", tier_pct), ("channel", channel_pct), ("pickup", pickup_pct)):
        if pct != 100:
            notes.append(f"{name} x{pct / 100:g}")  # display only; the sums stay exact
        scale *= Fraction(pct, 100)
    base = math.floor(Fraction(paid * rules.points_per_unit, unit))
    return OrderEarning(math.floor(weighted * scale), base, paid, tuple(notes))


@dataclass(frozen=True, slots=True)
class TierChange:
    tier_before: str
    tier_after: str
    points_to_next_tier: int | None
    next_tier: str | None

    @property
    def reached_new_tier(self) -> bool:
        order = [name for name, _ in TIERS]
        return order.index(self.tier_after) > order.index(self.tier_before)


def next_tier(qualifying_points: int) -> str | None:
    return next((name for name, threshold in TIERS if qualifying_points < threshold), None)


def following_tier(tier: str) -> str | None:
    names = [name for name, _ in TIERS]
    position = names.index(tier) if tier in names else -1
    return names[position + 1] if position + 1 < len(names) else None


def tier_change(spend_before: int, spend_after: int) -> TierChange:
    """Tiers by qualifying spend (minor units) over the rolling window, before and after."""
    before, after = points_for_spend(spend_before), points_for_spend(spend_after)
    return TierChange(
        tier_for(before), tier_for(after), points_to_next_tier(after), next_tier(after)
    )


def rewards_message(points: int, pending: bool, change: TierChange) -> str:
    earned = f"You earned {points} points"
    if pending:
        earned += " (available after the return window)"
    if change.reached_new_tier:
        return f"{earned} and reached {change.tier_after.title()}!"
    if change.next_tier is not None:
        return (
            f"{earned}. {change.points_to_next_tier} qualifying points to "
            f"{change.next_tier.title()}."
        )
    return f"{earned}."


def redemption_value(points: int, rules: EarningRules = DEFAULT_RULES) -> int:
    """Minor units of credit that ``points`` buy (rounded down)."""
    return math.floor(points * rules.point_value_minor)
