"""The six domain interfaces the gateway calls, and (re-exported) the records they return.

Each interface is the union of the domain's vendor capabilities (``commercegraph.ports.<domain>``,
what a vendor adapter implements) and the gateway's own state kept in that domain
(``commercegraph.ports.gateway_state``, always served by the gateway's store); which adapter
serves which capability is ``commercegraph.ports.capabilities``' table and the registry's
routes. The native store implements all of it.

Every read is batch-shaped: a list of keys in, a list of results out, in the same order,
``None`` (or an empty list) where nothing matches, so a DataLoader can call it once per
tick. Every write that moves money or stock takes an idempotency key. Adapters translate
their vendor's errors into ``commercegraph.errors``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

from commercegraph.ports.commerce import (
    BasketQuery,
    BundleComponentRecord,
    BundleQuery,
    BundleRecord,
    CartActivityRecord,
    CartLineRecord,
    CartQuery,
    CartRecord,
    CategoryRecord,
    ExternalOrder,
    FacetCount,
    NewOrder,
    NewOrderLine,
    OrderLineRecord,
    OrderQuery,
    OrderRecord,
    ProductFacets,
    ProductRecord,
    ProductSearch,
    PurchasedLine,
    VariantRecord,
)
from commercegraph.ports.common import (
    Money,
    Page,
)
from commercegraph.ports.content import (
    ContentKey,
    ContentRecord,
)
from commercegraph.ports.customer import (
    ConsentRecord,
    CustomerMetricsRecord,
    CustomerPropertyUpdate,
    CustomerRecord,
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
from commercegraph.ports.inventory import (
    LocationRecord,
    ReservationLine,
    ReservationRecord,
    StockRecord,
)
from commercegraph.ports.pricing import (
    BudgetUsage,
    CustomerOrderStats,
    PriceRow,
    PricingRuleRecord,
    PricingRuleVersionRecord,
)
from commercegraph.ports.wallet import (
    LoyaltyChange,
    LoyaltyRecord,
    NewPaymentMethod,
    PaymentMethodRecord,
    PointsEarning,
    RedemptionRecord,
    ReferralRecord,
    ReferralSummary,
    TransactionQuery,
    WalletPosting,
    WalletRecord,
    WalletTransactionRecord,
)

Domain = Literal["commerce", "content", "customer", "pricing", "inventory", "wallet"]


# commerce


PRODUCT_SORT_FIELDS = ("RELEVANCE", "NAME", "PRICE", "NEWEST")


@runtime_checkable
class CommerceBackend(Protocol):
    async def products_by_id(self, ids: Sequence[str]) -> list[ProductRecord | None]: ...
    async def products_by_sku(self, skus: Sequence[str]) -> list[ProductRecord | None]: ...
    async def search_products(
        self, searches: Sequence[ProductSearch]
    ) -> list[Page[ProductRecord]]: ...
    async def product_facets(self, searches: Sequence[ProductSearch]) -> list[ProductFacets]:
        """Brand and category counts over each search's whole result (paging ignored)."""
        ...

    async def categories_by_id(self, ids: Sequence[str]) -> list[CategoryRecord | None]: ...
    async def related_products(self, keys: Sequence[tuple[str, str]]) -> list[list[str]]:
        """``(product_id, relation kind)`` → related product ids."""
        ...

    async def orders_by_id(self, ids: Sequence[str]) -> list[OrderRecord | None]: ...
    async def orders_for_customers(
        self, queries: Sequence[OrderQuery]
    ) -> list[Page[OrderRecord]]: ...
    async def carts_by_id(self, ids: Sequence[str]) -> list[CartRecord | None]: ...
    async def carts_for_customers(self, queries: Sequence[CartQuery]) -> list[Page[CartRecord]]:
        """Each customer's carts, most recently changed first."""
        ...

    async def create_cart(
        self, customer_id: str | None, channel: str, currency: str
    ) -> CartRecord: ...
    async def set_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        """Add ``quantity`` of ``sku`` (merging with an existing line); 0 or less removes."""
        ...

    async def replace_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        """Make the line of ``sku`` (and ``bundle_id``) hold exactly ``quantity``; 0 removes
        it. Setting the quantity it already has changes nothing."""
        ...

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

    async def place_order(self, order: NewOrder) -> OrderRecord:
        """Record the order and close its cart, atomically. The same customer and
        idempotency key return the order already placed (``Conflict`` if it came from
        another cart); a cart that is no longer open is a ``Conflict``."""
        ...

    async def order_for_key(
        self, customer_id: str, idempotency_key: str, cart_id: str
    ) -> OrderRecord | None:
        """The order placed under the key, if any; ``Conflict`` if it came from another cart."""
        ...

    async def bundles_by_id(self, ids: Sequence[str]) -> list[BundleRecord | None]: ...
    async def bundles_for_products(self, product_ids: Sequence[str]) -> list[list[BundleRecord]]:
        """Bundles each product is a component of, curated before mined."""
        ...

    async def search_bundles(self, queries: Sequence[BundleQuery]) -> list[Page[BundleRecord]]: ...
    async def order_baskets(self, since: datetime | None) -> list[tuple[str, ...]]:
        """The distinct skus of each order placed since ``since`` (for bundle mining)."""
        ...

    async def replace_bundles(self, kind: str, bundles: Sequence[BundleRecord]) -> int:
        """Replace every bundle of ``kind`` (e.g. the mined ones) in one transaction."""
        ...


# content


@runtime_checkable
class ContentBackend(Protocol):
    async def entries(self, keys: Sequence[ContentKey]) -> list[ContentRecord | None]:
        """The entry in the key's locale, else in the language's other locale, else None."""
        ...


# customer


@runtime_checkable
class CustomerBackend(Protocol):
    async def customers_by_id(self, ids: Sequence[str]) -> list[CustomerRecord | None]: ...
    async def resolve_identifiers(self, identifiers: Sequence[tuple[str, str]]) -> list[str | None]:
        """``(kind, normalised value)`` → customer id."""
        ...

    async def identities(self, customer_ids: Sequence[str]) -> list[list[IdentityRecord]]: ...
    async def consents(self, customer_ids: Sequence[str]) -> list[ConsentRecord | None]: ...
    async def recently_viewed(self, queries: Sequence[RecentViewsQuery]) -> list[list[str]]:
        """Distinct skus the customer viewed, most recent first."""
        ...

    async def segments(self, customer_ids: Sequence[str]) -> list[list[SegmentRecord]]:
        """Segment memberships as last computed."""
        ...

    async def events_by_id(self, keys: Sequence[tuple[str, str]]) -> list[EventRecord | None]:
        """Events by ``(source, id)``: an event id is unique within its sender only."""
        ...

    async def record_events(self, events: Sequence[EventRecord]) -> list[EventRecord]:
        """Store each event unless its (source, id) is already stored; returns what is stored."""
        ...

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
    async def customer_metrics(
        self, customer_ids: Sequence[str]
    ) -> list[CustomerMetricsRecord | None]: ...
    async def customers_in_segment(self, queries: Sequence[SegmentMembersQuery]) -> list[Page[str]]:
        """Customer ids in a segment, by id, with cursor pagination."""
        ...

    async def refresh_segments(self, customer_ids: Sequence[str]) -> None:
        """Recompute these customers' segments and figures (their orders changed)."""
        ...

    async def shopping_list_entries(
        self, customer_ids: Sequence[str]
    ) -> list[list[ShoppingListEntryRecord]]: ...
    async def set_shopping_list_entry(
        self, customer_id: str, sku: str, quantity: int, status: str, now: datetime
    ) -> None:
        """Upsert the customer's entry for ``sku`` (``LISTED`` or ``DISMISSED``)."""
        ...

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


# pricing


@runtime_checkable
class PricingBackend(Protocol):
    async def price_rows(self, keys: Sequence[tuple[str, str]]) -> list[list[PriceRow]]:
        """``(sku, currency)`` → every base price row; selection is ``services.pricing``'s."""
        ...

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

    async def product_views(self, skus: Sequence[str]) -> list[int]:
        """``product_viewed`` events per sku in the last 24 hours."""
        ...

    async def customer_order_stats(
        self, customer_ids: Sequence[str]
    ) -> list[CustomerOrderStats]: ...


# inventory


@runtime_checkable
class InventoryBackend(Protocol):
    async def locations(self) -> list[LocationRecord]: ...
    async def locations_by_id(self, ids: Sequence[str]) -> list[LocationRecord | None]: ...
    async def stock(self, skus: Sequence[str]) -> list[list[StockRecord]]:
        """Every location's stock row for each sku."""
        ...

    async def reserve(
        self, reference: str, lines: Sequence[ReservationLine], expires_at: datetime
    ) -> ReservationRecord:
        """Hold every line or none (``OutOfStock``). A reference already held is
        returned as it is, so a retried checkout never takes the stock twice."""
        ...

    async def commit_reservation(self, reference: str) -> ReservationRecord | None:
        """Take the held units off hand; committing twice changes nothing."""
        ...

    async def release_reservation(self, reference: str) -> ReservationRecord | None:
        """Give held units back; releasing twice changes nothing."""
        ...

    async def release_expired(self, now: datetime, limit: int = 1000) -> int:
        """Give back holds whose expiry has passed; returns how many lines expired."""
        ...

    async def reservations(self, references: Sequence[str]) -> list[ReservationRecord | None]: ...


# wallet and loyalty


@runtime_checkable
class WalletBackend(Protocol):
    async def wallets(self, customer_ids: Sequence[str]) -> list[WalletRecord | None]: ...
    async def loyalty_accounts(self, customer_ids: Sequence[str]) -> list[LoyaltyRecord | None]: ...
    async def payment_methods(
        self, customer_ids: Sequence[str]
    ) -> list[list[PaymentMethodRecord]]: ...
    async def transactions(
        self, queries: Sequence[TransactionQuery]
    ) -> list[Page[WalletTransactionRecord]]: ...
    async def transfer_balance(
        self, source_customer_id: str, target_customer_id: str, idempotency_key: str
    ) -> list[Money]:
        """Move every stored-value and points balance of the source to the target, once per
        key; returns the amounts moved."""
        ...

    # Writes: every movement is one balanced ledger transaction; keys scope per customer
    async def top_up(
        self, customer_id: str, amount: int, payment_method_id: str, idempotency_key: str
    ) -> WalletPosting:
        """Credit stored value charged to one of the customer's payment methods."""
        ...

    async def pay(
        self,
        customer_id: str,
        amount: int,
        reference: str,
        idempotency_key: str,
        account: str = "WALLET",
        reward_amount: int = 0,
    ) -> WalletPosting:
        """Debit ``amount`` from ``account`` (WALLET or REWARD credit) and ``reward_amount``
        from reward credit, in one transaction; ``InsufficientFunds`` when either is short."""
        ...

    async def refund(
        self, customer_id: str, payment_id: str, amount: int | None, idempotency_key: str
    ) -> WalletPosting:
        """Reverse (part of) a payment back to the account it came from."""
        ...

    async def find_posting(
        self, customer_id: str, idempotency_key: str
    ) -> WalletTransactionRecord | None:
        """The posting recorded under a ledger idempotency key, if any."""
        ...

    async def earn_points(self, earning: PointsEarning, idempotency_key: str) -> LoyaltyChange: ...
    async def reverse_order_points(
        self, customer_id: str, order_id: str, idempotency_key: str
    ) -> LoyaltyChange:
        """Take back what an order earned (pending first) and its qualifying spend."""
        ...

    async def release_order_points(self, customer_id: str, order_id: str) -> int:
        """Make an order's pending points available now (it completed); returns how many."""
        ...

    async def redeem_points(
        self, customer_id: str, points: int, into: str, idempotency_key: str
    ) -> RedemptionRecord: ...
    async def release_pending_points(self, now: datetime | None = None) -> int:
        """Make points whose return window has ended available; returns how many."""
        ...

    async def expire_points(self, now: datetime | None = None) -> int:
        """Expire lots past their date, oldest first; returns how many points expired."""
        ...

    async def add_payment_method(
        self, customer_id: str, method: NewPaymentMethod
    ) -> PaymentMethodRecord: ...
    async def remove_payment_method(self, customer_id: str, payment_method_id: str) -> None: ...
    async def set_default_payment_method(
        self, customer_id: str, payment_method_id: str
    ) -> PaymentMethodRecord: ...
    async def referral_summaries(self, customer_ids: Sequence[str]) -> list[ReferralSummary]: ...
    async def create_referral_code(self, customer_id: str) -> str: ...
    async def referrer_for_code(self, code: str) -> str | None: ...
    async def record_referral(self, referred_id: str, code: str) -> ReferralRecord: ...
    async def reward_referral(
        self, referred_id: str, points: int, now: datetime | None = None
    ) -> LoyaltyChange | None:
        """Pay the referrer once, when the referred customer's first order completes."""
        ...

    async def purge_idempotency_records(self, older_than: datetime) -> int:
        """Forget remembered results older than ``older_than`` (callers keep >= 24 h)."""
        ...

    async def reward_credits(self, customer_ids: Sequence[str]) -> list[Money | None]:
        """Credit from redeemed points set aside for the next order (ORDER_DISCOUNT)."""
        ...


PORTS: dict[str, type[Any]] = {
    "commerce": CommerceBackend,
    "content": ContentBackend,
    "customer": CustomerBackend,
    "pricing": PricingBackend,
    "inventory": InventoryBackend,
    "wallet": WalletBackend,
}

__all__ = [
    "PORTS",
    "BasketQuery",
    "BudgetUsage",
    "BundleComponentRecord",
    "BundleQuery",
    "BundleRecord",
    "CartActivityRecord",
    "CartLineRecord",
    "CartQuery",
    "CartRecord",
    "CategoryRecord",
    "CommerceBackend",
    "ConsentRecord",
    "ContentBackend",
    "ContentKey",
    "ContentRecord",
    "CustomerBackend",
    "CustomerMetricsRecord",
    "CustomerOrderStats",
    "CustomerPropertyUpdate",
    "CustomerRecord",
    "Domain",
    "EventRecord",
    "ExternalOrder",
    "FacetCount",
    "IdentityRecord",
    "InventoryBackend",
    "LocationRecord",
    "LoyaltyChange",
    "LoyaltyRecord",
    "MergeRecord",
    "Money",
    "NewOrder",
    "NewOrderLine",
    "NewPaymentMethod",
    "OfferIssue",
    "OfferRecord",
    "OrderLineRecord",
    "OrderQuery",
    "OrderRecord",
    "Page",
    "PaymentMethodRecord",
    "PointsEarning",
    "PriceRow",
    "PricingBackend",
    "PricingRuleRecord",
    "PricingRuleVersionRecord",
    "ProductFacets",
    "ProductRecord",
    "ProductSearch",
    "PurchasedLine",
    "RecentViewsQuery",
    "RedemptionRecord",
    "ReferralRecord",
    "ReferralSummary",
    "ReservationLine",
    "ReservationRecord",
    "SegmentMembersQuery",
    "SegmentRecord",
    "ShoppingListEntryRecord",
    "StockRecord",
    "TransactionQuery",
    "VariantRecord",
    "WalletBackend",
    "WalletPosting",
    "WalletRecord",
    "WalletTransactionRecord",
]
