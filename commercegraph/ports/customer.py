"""Customers: profiles, identifiers, consent; optional CRM write-back.

Records first, then one Protocol per vendor capability (see
``commercegraph.ports.capabilities``). An adapter implements the Protocols of the
capabilities it declares; reads are batch-shaped (one result per key, in key order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    id: str
    display_name: str
    email: str | None
    customer_group: str
    created_at: datetime
    home_store_id: str | None = None
    referred_by: str | None = None


@dataclass(frozen=True, slots=True)
class IdentityRecord:
    kind: str  # EMAIL | PHONE | LOYALTY_CARD | DEVICE | POS_CUSTOMER
    value: str
    source: str
    linked_at: datetime


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    marketing_email: bool
    marketing_sms: bool
    personalization: bool


@dataclass(frozen=True, slots=True)
class EventRecord:
    id: str
    type: str
    customer_id: str | None
    channel: str | None
    sku: str | None
    occurred_at: datetime
    payload: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    source: str = "legacy"  # the sender its id belongs to (see ``events.ingest.EventSource``)
    content_hash: str | None = field(default=None, compare=False)  # None: stored before hashes


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    key: str  # e.g. rfm:champions, abc:A, behaviour:weekend-shopper
    name: str
    kind: str  # RFM | ABC | BEHAVIOUR


@dataclass(frozen=True, slots=True)
class RecentViewsQuery:
    customer_id: str
    first: int = 10


@dataclass(frozen=True, slots=True)
class CustomerMetricsRecord:
    customer_id: str
    currency: str
    order_count: int
    revenue: int  # minor units, all time
    first_order_at: datetime | None
    last_order_at: datetime | None
    recency_score: int | None
    frequency_score: int | None
    monetary_score: int | None
    rfm_segment: str | None  # segment key, e.g. rfm:champions
    abc_class: str | None
    probability_alive: float | None
    expected_purchases_12m: float | None
    predicted_12m: int | None  # minor units
    computed_at: datetime


@dataclass(frozen=True, slots=True)
class SegmentMembersQuery:
    segment_key: str
    first: int = 20
    after: str | None = None


@dataclass(frozen=True, slots=True)
class MergeRecord:
    id: str
    source_customer_id: str
    target_customer_id: str
    actor: str
    merged_at: datetime
    summary: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class ShoppingListEntryRecord:
    sku: str
    quantity: int
    status: str  # LISTED | DISMISSED
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OfferIssue:
    """An offer a rule wants to show; ``key`` identifies it for its frequency cap."""

    key: str
    kind: str
    title: str
    message: str
    reason: str
    sku: str | None
    store_id: str | None
    marketing: bool
    expires_at: datetime
    cap: timedelta
    priority: int = 0  # higher first when the daily cap cannot take them all


@dataclass(frozen=True, slots=True)
class OfferRecord:
    id: str
    customer_id: str
    key: str
    kind: str
    title: str
    message: str
    reason: str
    sku: str | None
    store_id: str | None
    trigger: str
    marketing: bool
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class CustomerPropertyUpdate:
    """Properties the gateway computed (segments, RFM, lifetime value in minor units) to
    write back to a CRM contact; None clears a property."""

    customer_id: str
    email: str | None
    properties: dict[str, str | int | None] = field(hash=False, compare=False)


@runtime_checkable
class CustomerProfilesPort(Protocol):
    """``customer.profiles``: Customer profiles, and customers found by a normalised identifier."""

    async def customers_by_id(self, ids: Sequence[str]) -> list[CustomerRecord | None]: ...

    async def resolve_identifiers(self, identifiers: Sequence[tuple[str, str]]) -> list[str | None]:
        """``(kind, normalised value)`` → customer id."""
        ...


@runtime_checkable
class ConsentPort(Protocol):
    """``customer.consent``.

    Marketing and personalisation consent as the customer system holds it.
    """

    async def consents(self, customer_ids: Sequence[str]) -> list[ConsentRecord | None]: ...


@runtime_checkable
class CrmWriteBackPort(Protocol):
    """``customer.write_back``.

    Optional: the gateway's segments, RFM and lifetime value written to CRM contacts.
    """

    async def write_back(self, updates: Sequence[CustomerPropertyUpdate]) -> int:
        """Write each customer's computed properties to the CRM contact (found by id or
        email); returns how many contacts were updated."""
        ...
