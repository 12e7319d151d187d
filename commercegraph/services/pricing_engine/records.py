"""What the engine takes and returns: the shopper, lines, and the explained result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Shopper:
    """Everything about the caller and the occasion that a condition may look at."""

    customer_id: str | None = None
    segments: tuple[str, ...] = ()
    loyalty_tier: str = ""
    group: str = ""
    lifetime_value: int = 0
    order_count: int = 0
    channel: str = "WEB"
    fulfillment: str = "SHIP"
    store_id: str = ""
    store_region: str = ""
    currency: str = "USD"

    def customer_value(self) -> dict[str, Any]:
        rfm = next((s for s in self.segments if s.startswith("rfm:")), "")  # the key, as shown
        return {
            "id": self.customer_id or "",
            "anonymous": self.customer_id is None,
            "segments": list(self.segments),
            "rfm_segment": rfm,
            "loyalty_tier": self.loyalty_tier,
            "group": self.group,
            "lifetime_value": self.lifetime_value,
            "order_count": self.order_count,
            "is_first_order": self.customer_id is not None and self.order_count == 0,
        }


@dataclass(frozen=True, slots=True)
class LineInput:
    sku: str
    quantity: int
    unit_base: int
    category: str = ""
    brand: str = ""
    tags: tuple[str, ...] = ()
    floor_price: int = 0
    bundle_id: str | None = None
    stock_available: int = 0
    views_24h: int = 0
    valid_until: datetime | None = None  # when the base price stops applying


@dataclass(frozen=True, slots=True)
class AppliedAmount:
    rule_id: str
    name: str
    effect: str
    amount: int
    valid_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class LineResult:
    line: LineInput
    base_total: int
    total: int
    applied: tuple[AppliedAmount, ...]


@dataclass(frozen=True, slots=True)
class QuoteResult:
    currency: str
    lines: tuple[LineResult, ...]
    subtotal: int
    total: int
    applied: tuple[AppliedAmount, ...]  # per rule, summed over lines, in rule order

    @property
    def discounts(self) -> int:
        return self.subtotal - self.total

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(a.rule_id for a in self.applied)
