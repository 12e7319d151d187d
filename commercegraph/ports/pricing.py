"""Pricing: price rows by sku, currency, channel and customer group.

Records first, then one Protocol per vendor capability (see
``commercegraph.ports.capabilities``). An adapter implements the Protocols of the
capabilities it declares; reads are batch-shaped (one result per key, in key order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class PriceRow:
    sku: str
    currency: str
    amount: int
    channel: str | None
    customer_group: str | None
    min_quantity: int
    valid_from: datetime | None
    valid_until: datetime | None
    # whether ``amount`` includes tax, as the pricing system reports it (None: not said)
    tax_included: bool | None = None


@dataclass(frozen=True, slots=True)
class PricingRuleRecord:
    """A rule as stored; ``condition`` is CEL, ``effect`` the JSON effect document."""

    id: str
    name: str
    condition: str
    effect: str
    priority: int = 0
    stacking: str = "STACK"  # STACK | EXCLUSIVE | STOP_AFTER
    active: bool = True
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_redemptions: int | None = None
    max_redemptions_per_customer: int | None = None
    channels: tuple[str, ...] = ()  # empty: every channel
    currency: str | None = None  # None: every currency
    version: int = 1
    updated_by: str = ""
    updated_at: datetime | None = None
    created_by: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PricingRuleVersionRecord:
    rule: PricingRuleRecord
    change: str  # CREATED | UPDATED | DELETED


@dataclass(frozen=True, slots=True)
class BudgetUsage:
    redeemed: int
    redeemed_by_customer: int


@dataclass(frozen=True, slots=True)
class CustomerOrderStats:
    order_count: int
    lifetime_value: int  # minor units, orders in any currency summed as recorded


@runtime_checkable
class PricesPort(Protocol):
    """``pricing.prices``.

    Base price rows by sku and currency (channel, group, tiers and validity on each row).
    """

    async def price_rows(self, keys: Sequence[tuple[str, str]]) -> list[list[PriceRow]]:
        """``(sku, currency)`` → every base price row; selection is ``services.pricing``'s."""
        ...
