"""The six ports and the canonical records they return.

Every read is batch-shaped: a list of keys in, a list of results out, in the same order,
``None`` (or an empty list) where nothing matches, so a DataLoader can call it once per
tick. Every write that moves money or stock takes an idempotency key. Adapters translate
their vendor's errors into ``commercegraph.errors``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, Literal, Protocol, TypeVar, runtime_checkable

T = TypeVar("T")

Domain = Literal["commerce", "content", "customer", "pricing", "inventory", "wallet"]


@dataclass(frozen=True, slots=True)
class Money:
    amount: int  # minor units
    currency: str


# commerce


@dataclass(frozen=True, slots=True)
class VariantRecord:
    """One purchasable variant of a product, as a commerce system models it."""

    id: str
    sku: str
    name: str
    # (option name, value), e.g. (("size", "M"), ("colour", "blue"))
    options: tuple[tuple[str, str], ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class ProductRecord:
    id: str
    sku: str
    name: str
    brand: str | None
    category: str | None
    category_id: str | None
    tags: tuple[str, ...] = ()
    rating: float | None = None
    tier: int = 1
    floor_price: int = 0
    low_stock_threshold: int = 5
    released_at: datetime | None = None
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    # a vendor's product: its variants (``sku`` is the default variant's) and option axes
    variants: tuple[VariantRecord, ...] = ()
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()
    handle: str | None = None


@dataclass(frozen=True, slots=True)
class CategoryRecord:
    id: str
    name: str
    parent_id: str | None


PRODUCT_SORT_FIELDS = ("RELEVANCE", "NAME", "PRICE", "NEWEST")


@dataclass(frozen=True, slots=True)
class ProductSearch:
    """A search key; hashable so identical searches in one request are made once.

    ``sort`` is one of ``PRODUCT_SORT_FIELDS``; ``descending`` None means the field's
    natural order (RELEVANCE and NEWEST descending, NAME and PRICE ascending); PRICE
    orders by the list price in ``currency``, products without one last. Ties go by
    product id. With ``last`` the page is the last items before ``before`` (or of the
    whole result), still in sort order; ``first``/``after`` then do not apply.
    """

    query: str | None = None
    category: str | None = None
    first: int = 20
    after: str | None = None
    sort: str = "RELEVANCE"
    descending: bool | None = None
    currency: str | None = None
    last: int | None = None
    before: str | None = None


@dataclass(frozen=True, slots=True)
class FacetCount:
    """One facet value (a brand or a category id) and how many products of the search have it."""

    value: str
    count: int


@dataclass(frozen=True, slots=True)
class ProductFacets:
    """How many products of a search each brand and each category holds, most first."""

    brands: tuple[FacetCount, ...]
    categories: tuple[FacetCount, ...]


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    has_next_page: bool
    end_cursor: str | None
    total_count: int | None = None
    cursors: tuple[str, ...] = ()
    has_previous_page: bool = False


@dataclass(frozen=True, slots=True)
class OrderLineRecord:
    sku: str
    quantity: int
    unit_price: Money


@dataclass(frozen=True, slots=True)
class OrderRecord:
    id: str
    customer_id: str
    channel: str
    placed_at: datetime
    total: Money
    subtotal: Money
    discount: Money
    fulfillment: str
    store_id: str | None
    status: str  # PLACED | READY_FOR_PICKUP | SHIPPED | COMPLETED | CANCELLED | RETURNED | ...
    lines: tuple[OrderLineRecord, ...]


@dataclass(frozen=True, slots=True)
class OrderQuery:
    customer_id: str
    first: int = 10
    after: str | None = None
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class CartLineRecord:
    sku: str
    quantity: int
    bundle_id: str | None = None


@dataclass(frozen=True, slots=True)
class CartRecord:
    id: str
    customer_id: str | None
    channel: str
    currency: str
    status: str  # OPEN | ORDERED
    lines: tuple[CartLineRecord, ...]


@dataclass(frozen=True, slots=True)
class CartQuery:
    """A page of one customer's carts, most recently changed first, optionally by status."""

    customer_id: str
    first: int = 10
    after: str | None = None
    status: str | None = None  # OPEN or ORDERED; None is every cart


@dataclass(frozen=True, slots=True)
class ExternalOrder:
    """A sale recorded elsewhere (a store's point of sale), idempotent by its key."""

    idempotency_key: str
    customer_id: str
    channel: str
    placed_at: datetime
    currency: str
    lines: tuple[OrderLineRecord, ...]
    discount: int = 0
    store_id: str | None = None
    fulfillment: str = "PICKUP"
    status: str = "COMPLETED"


@dataclass(frozen=True, slots=True)
class BasketQuery:
    sku: str
    limit: int = 500


@dataclass(frozen=True, slots=True)
class PurchasedLine:
    order_id: str
    placed_at: datetime
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class CartActivityRecord:
    cart: CartRecord
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NewOrderLine:
    sku: str
    quantity: int
    unit_price: int  # minor units, in the order's currency
    bundle_id: str | None = None


@dataclass(frozen=True, slots=True)
class NewOrder:
    """What checkout asks the commerce backend to record; ``idempotency_key`` is unique
    per customer, so placing the same order twice returns the first one."""

    customer_id: str
    cart_id: str
    channel: str
    currency: str
    lines: tuple[NewOrderLine, ...]
    subtotal: int
    discount: int
    total: int
    fulfillment: str  # SHIP | PICKUP
    location_id: str  # where it ships from or is picked up
    store_id: str | None  # the pickup store
    address: str | None
    idempotency_key: str
    reservation_reference: str


@dataclass(frozen=True, slots=True)
class BundleComponentRecord:
    product_id: str
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class BundleRecord:
    id: str
    name: str
    kind: str  # FIXED | MIX_AND_MATCH | FREQUENTLY_BOUGHT_TOGETHER
    components: tuple[BundleComponentRecord, ...]
    discount_percent: int = 0
    pick_count: int | None = None  # MIX_AND_MATCH: how many of the components make one set
    support: float | None = None
    lift: float | None = None


@dataclass(frozen=True, slots=True)
class BundleQuery:
    product_id: str | None = None
    first: int = 20
    after: str | None = None


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


@dataclass(frozen=True, slots=True)
class ContentKey:
    entity_type: str  # product | category | placement
    entity_key: str
    locale: str
    # the product's sku, so a content system keyed by sku (not by our ids) can find it
    sku: str | None = None


@dataclass(frozen=True, slots=True)
class ContentRecord:
    title: str
    body: str
    images: tuple[str, ...]
    locale: str


@runtime_checkable
class ContentBackend(Protocol):
    async def entries(self, keys: Sequence[ContentKey]) -> list[ContentRecord | None]:
        """The entry in the key's locale, else in the language's other locale, else None."""
        ...


# customer


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


@dataclass(frozen=True, slots=True)
class LocationRecord:
    id: str
    name: str
    kind: str  # WAREHOUSE | STORE
    lat: float
    lon: float
    region: str
    address: str
    can_ship: bool
    can_pickup: bool


@dataclass(frozen=True, slots=True)
class StockRecord:
    sku: str
    location_id: str
    on_hand: int
    reserved: int
    safety_stock: int


@dataclass(frozen=True, slots=True)
class ReservationLine:
    sku: str
    location_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class ReservationRecord:
    reference: str
    status: str  # HELD | COMMITTED | RELEASED | EXPIRED
    lines: tuple[ReservationLine, ...]
    expires_at: datetime


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


@dataclass(frozen=True, slots=True)
class WalletRecord:
    customer_id: str
    balance: Money


@dataclass(frozen=True, slots=True)
class LoyaltyRecord:
    customer_id: str
    points: int
    tier: str
    points_to_next_tier: int | None
    pending_points: int
    expiring_soon: int


@dataclass(frozen=True, slots=True)
class PaymentMethodRecord:
    id: str
    kind: str
    label: str
    is_default: bool


@dataclass(frozen=True, slots=True)
class WalletTransactionRecord:
    id: str
    amount: Money
    kind: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TransactionQuery:
    customer_id: str
    first: int = 10
    after: str | None = None


@dataclass(frozen=True, slots=True)
class WalletPosting:
    """One ledger transaction as seen from the customer's account."""

    transaction_id: str
    kind: str
    amount: Money  # signed movement on the customer's account
    balance: Money  # the account's balance right after this posting
    replayed: bool = False  # True when an idempotency key returned an earlier result
    reward_amount: int = 0  # also taken from reward credit in the same transaction


@dataclass(frozen=True, slots=True)
class NewPaymentMethod:
    kind: str  # CARD | PAYPAL | APPLE_PAY | GOOGLE_PAY | BANK_ACCOUNT
    provider_token: str
    brand: str | None = None
    last4: str | None = None
    email: str | None = None
    make_default: bool = False


@dataclass(frozen=True, slots=True)
class PointsEarning:
    customer_id: str
    points: int
    qualifying_amount: int  # minor units counted towards the tier
    source: str  # ORDER | REFERRAL | ADJUSTMENT
    occurred_at: datetime
    order_id: str | None = None
    pending_days: int = 0  # points stay pending this long (the return window)
    validity_days: int = 365  # then expire this long after becoming available


@dataclass(frozen=True, slots=True)
class LoyaltyChange:
    transaction_id: str | None
    points_earned: int
    points: int  # available after
    pending_points: int  # pending after
    tier_before: str
    tier_after: str
    points_to_next_tier: int | None
    reached_new_tier: bool = False
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class RedemptionRecord:
    transaction_id: str
    points: int
    into: str  # WALLET_CREDIT | ORDER_DISCOUNT
    credit: Money
    points_left: int
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class ReferralRecord:
    referrer_id: str
    referred_id: str
    code: str
    status: str  # PENDING | REWARDED
    created_at: datetime
    rewarded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReferralSummary:
    code: str | None
    referred: int
    rewarded: int
    points_earned: int


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
