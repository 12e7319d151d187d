"""The gateway's own state: what only the gateway owns, served by its SQL store
(SQLite or PostgreSQL) and never asked of a vendor — mined bundles and order history,
the identity graph, events, segments, shopping lists, offers, pricing rules and budgets,
demand signals, the native ledger and referrals. One Protocol per ``gateway.*`` capability.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from commercegraph.ports.commerce import (
    BasketQuery,
    BundleQuery,
    BundleRecord,
    CartActivityRecord,
    ExternalOrder,
    OrderRecord,
    PurchasedLine,
)
from commercegraph.ports.common import Money, Page
from commercegraph.ports.customer import (
    CustomerMetricsRecord,
    EventRecord,
    IdentityRecord,
    MergeRecord,
    OfferIssue,
    OfferRecord,
    RecentViewsQuery,
    SegmentMembersQuery,
    SegmentRecord,
    ShoppingListEntryRecord,
)
from commercegraph.ports.pricing import (
    BudgetUsage,
    CustomerOrderStats,
    PricingRuleRecord,
    PricingRuleVersionRecord,
)
from commercegraph.ports.wallet import LoyaltyChange, ReferralRecord, ReferralSummary


@runtime_checkable
class OrderHistoryState(Protocol):
    """``gateway.order_history``.

    The gateway's record of orders from every channel, for mining and merges.
    """

    async def record_external_order(self, order: ExternalOrder) -> OrderRecord:
        """Create the order once per ``(customer_id, idempotency_key)``; a repeat returns it."""
        ...

    async def transfer_orders(self, source_customer_id: str, target_customer_id: str) -> int:
        """Give every order of the source customer to the target; returns how many moved."""
        ...

    async def baskets_with(self, queries: Sequence[BasketQuery]) -> list[list[tuple[str, ...]]]:
        """The most recent orders holding the sku, each as its distinct skus, newest first."""
        ...

    async def open_carts_with_activity(
        self, customer_ids: Sequence[str]
    ) -> list[list[CartActivityRecord]]:
        """Each customer's open carts with when they last changed, oldest change first."""
        ...

    async def purchased_lines(self, customer_ids: Sequence[str]) -> list[list[PurchasedLine]]:
        """Every order line each customer bought (cancelled orders left out), newest first."""
        ...

    async def order_baskets(self, since: datetime | None) -> list[tuple[str, ...]]:
        """The distinct skus of each order placed since ``since`` (for bundle mining)."""
        ...


@runtime_checkable
class BundleState(Protocol):
    """``gateway.bundles``: Curated and mined bundles."""

    async def bundles_by_id(self, ids: Sequence[str]) -> list[BundleRecord | None]: ...

    async def bundles_for_products(self, product_ids: Sequence[str]) -> list[list[BundleRecord]]:
        """Bundles each product is a component of, curated before mined."""
        ...

    async def search_bundles(self, queries: Sequence[BundleQuery]) -> list[Page[BundleRecord]]: ...

    async def replace_bundles(self, kind: str, bundles: Sequence[BundleRecord]) -> int:
        """Replace every bundle of ``kind`` (e.g. the mined ones) in one transaction."""
        ...


@runtime_checkable
class IdentityGraphState(Protocol):
    """``gateway.identity``.

    The identity graph: linked identifiers, merges, recently viewed products.
    """

    async def identities(self, customer_ids: Sequence[str]) -> list[list[IdentityRecord]]: ...

    async def link_identifier(
        self, customer_id: str, kind: str, value: str, source: str
    ) -> IdentityRecord:
        """Link a normalised identifier; ``Conflict`` if another customer holds it."""
        ...

    async def merge_customers(
        self,
        source_customer_id: str,
        target_customer_id: str,
        actor: str,
        idempotency_key: str,
        details: dict[str, Any] | None = None,
    ) -> MergeRecord:
        """Move identifiers and events to the target and record the merge (with ``details``
        of what other backends moved), once."""
        ...

    async def merges(self, source_customer_ids: Sequence[str]) -> list[MergeRecord | None]: ...

    async def recently_viewed(self, queries: Sequence[RecentViewsQuery]) -> list[list[str]]:
        """Distinct skus the customer viewed, most recent first."""
        ...


@runtime_checkable
class EventLogState(Protocol):
    """``gateway.events``: Ingested events, unique per (source, id)."""

    async def events_by_id(self, keys: Sequence[tuple[str, str]]) -> list[EventRecord | None]:
        """Events by ``(source, id)``: an event id is unique within its sender only."""
        ...

    async def record_events(self, events: Sequence[EventRecord]) -> list[EventRecord]:
        """Store each event unless its (source, id) is already stored; returns what is stored."""
        ...


@runtime_checkable
class SegmentState(Protocol):
    """``gateway.segments``: Segment memberships and customer figures (RFM, lifetime value)."""

    async def segments(self, customer_ids: Sequence[str]) -> list[list[SegmentRecord]]:
        """Segment memberships as last computed."""
        ...

    async def customer_metrics(
        self, customer_ids: Sequence[str]
    ) -> list[CustomerMetricsRecord | None]: ...

    async def customers_in_segment(self, queries: Sequence[SegmentMembersQuery]) -> list[Page[str]]:
        """Customer ids in a segment, by id, with cursor pagination."""
        ...

    async def refresh_segments(self, customer_ids: Sequence[str]) -> None:
        """Recompute these customers' segments and figures (their orders changed)."""
        ...


@runtime_checkable
class ShoppingListState(Protocol):
    """``gateway.shopping_lists``: Smart shopping lists."""

    async def shopping_list_entries(
        self, customer_ids: Sequence[str]
    ) -> list[list[ShoppingListEntryRecord]]: ...

    async def set_shopping_list_entry(
        self, customer_id: str, sku: str, quantity: int, status: str, now: datetime
    ) -> None:
        """Upsert the customer's entry for ``sku`` (``LISTED`` or ``DISMISSED``)."""
        ...


@runtime_checkable
class OfferState(Protocol):
    """``gateway.offers``: Issued offers, their caps, and the webhook outbox."""

    async def issue_offers(
        self,
        customer_id: str,
        offers: Sequence[OfferIssue],
        *,
        trigger: str,
        now: datetime,
        max_new_marketing_per_day: int,
        notify_event: str | None = None,
    ) -> list[OfferRecord]:
        """Issue each offer whose cap has passed (at most once per cap, under concurrency),
        write a webhook outbox row with each new one when ``notify_event`` is given, and
        return every offer of the customer still unexpired, newest first."""
        ...


@runtime_checkable
class RuleState(Protocol):
    """``gateway.rules``: Pricing rules, their versions and budgets."""

    async def rules_revision(self) -> int:
        """A number that changes whenever any rule changes; cheap to read on every request."""
        ...

    async def active_rules(self) -> tuple[int, list[PricingRuleRecord]]:
        """``(revision, every active rule)``, consistent with each other."""
        ...

    async def list_rules(self, first: int, after: str | None) -> Page[PricingRuleRecord]: ...

    async def rules_by_id(self, ids: Sequence[str]) -> list[PricingRuleRecord | None]: ...

    async def save_rule(self, rule: PricingRuleRecord, actor: str) -> PricingRuleRecord:
        """Create or replace (bumping ``version``) and record the version; returns it saved."""
        ...

    async def delete_rule(self, rule_id: str, actor: str) -> bool: ...

    async def rule_versions(self, ids: Sequence[str]) -> list[list[PricingRuleVersionRecord]]: ...

    async def budget_usage(self, keys: Sequence[tuple[str, str]]) -> list[BudgetUsage]:
        """``(rule id, customer id or "")`` → redemptions so far, in total and by the customer."""
        ...

    async def redeem(
        self, order_id: str, customer_id: str | None, rule_ids: Sequence[str]
    ) -> list[str]:
        """Count one redemption of each rule for the order, atomically against its budgets.

        Idempotent per order: a second call returns the first call's rule ids. Raises
        ``Conflict`` (nothing recorded) when any budget is exhausted.
        """
        ...


@runtime_checkable
class DemandState(Protocol):
    """``gateway.demand``: Demand signals the rules read (views, order counts)."""

    async def product_views(self, skus: Sequence[str]) -> list[int]:
        """``product_viewed`` events per sku in the last 24 hours."""
        ...

    async def customer_order_stats(
        self, customer_ids: Sequence[str]
    ) -> list[CustomerOrderStats]: ...


@runtime_checkable
class LedgerState(Protocol):
    """``gateway.ledger``.

    Maintenance of the gateway's own ledger: transfers, pending and expiring points,
    idempotency records.
    """

    async def transfer_balance(
        self, source_customer_id: str, target_customer_id: str, idempotency_key: str
    ) -> list[Money]:
        """Move every stored-value and points balance of the source to the target, once per
        key; returns the amounts moved."""
        ...

    async def release_pending_points(self, now: datetime | None = None) -> int:
        """Make points whose return window has ended available; returns how many."""
        ...

    async def expire_points(self, now: datetime | None = None) -> int:
        """Expire lots past their date, oldest first; returns how many points expired."""
        ...

    async def purge_idempotency_records(self, older_than: datetime) -> int:
        """Forget remembered results older than ``older_than`` (callers keep >= 24 h)."""
        ...


@runtime_checkable
class ReferralState(Protocol):
    """``gateway.referrals``: Referral codes and rewards."""

    async def referral_summaries(self, customer_ids: Sequence[str]) -> list[ReferralSummary]: ...

    async def create_referral_code(self, customer_id: str) -> str: ...

    async def referrer_for_code(self, code: str) -> str | None: ...

    async def record_referral(self, referred_id: str, code: str) -> ReferralRecord: ...

    async def reward_referral(
        self, referred_id: str, points: int, now: datetime | None = None
    ) -> LoyaltyChange | None:
        """Pay the referrer once, when the referred customer's first order completes."""
        ...
