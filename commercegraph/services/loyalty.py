"""Loyalty tiers: qualifying points earned over a rolling 12 months decide the tier."""

from __future__ import annotations

TIERS: tuple[tuple[str, int], ...] = (
    ("BRONZE", 0),
    ("SILVER", 1_000),
    ("GOLD", 3_000),
    ("PLATINUM", 8_000),
)
POINTS_PER_CURRENCY_UNIT = 1  # 1 point per whole unit spent (100 minor units)


def points_for_spend(amount_minor: int) -> int:
    return max(0, amount_minor) // 100 * POINTS_PER_CURRENCY_UNIT


def tier_for(qualifying_points: int) -> str:
    tier = TIERS[0][0]
    for name, threshold in TIERS:
        if qualifying_points >= threshold:
            tier = name
    return tier


def points_to_next_tier(qualifying_points: int) -> int | None:
    """Qualifying points still needed for the next tier; None at the top tier."""
    for _, threshold in TIERS:
        if qualifying_points < threshold:
            return threshold - qualifying_points
    return None
