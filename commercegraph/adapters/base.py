"""The six ports and the canonical records they return.

Every read is batch-shaped: a list of keys in, a list of results out, in the same order,
``None`` (or an empty list) where nothing matches, so a DataLoader can call it once per
tick. Every write that moves money or stock takes an idempotency key. Adapters translate
their vendor's errors into ``commercegraph.errors``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, Protocol, TypeVar, runtime_checkable

T = TypeVar("T")

Domain = Literal["commerce", "content", "customer", "pricing", "inventory", "wallet"]


@dataclass(frozen=True, slots=True)
class Money:
    amount: int  # minor units
    currency: str


# --- commerce -----------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class CategoryRecord:
    id: str
    name: str
    parent_id: str | None


@dataclass(frozen=True, slots=True)
class ProductSearch:
    """A search key; hashable so identical searches in one request are made once."""

    query: str | None = None
    category: str | None = None
    first: int = 20
    after: str | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    has_next_page: bool
    end_cursor: str | None
    total_count: int | None = None
    cursors: tuple[str, ...] = ()


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
    status: str
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
    status: str
    lines: tuple[CartLineRecord, ...]


@runtime_checkable
class CommerceBackend(Protocol):
    async def products_by_id(self, ids: Sequence[str]) -> list[ProductRecord | None]: ...
    async def products_by_sku(self, skus: Sequence[str]) -> list[ProductRecord | None]: ...
    async def search_products(
        self, searches: Sequence[ProductSearch]
    ) -> list[Page[ProductRecord]]: ...
    async def categories_by_id(self, ids: Sequence[str]) -> list[CategoryRecord | None]: ...
    async def related_products(self, keys: Sequence[tuple[str, str]]) -> list[list[str]]:
        """``(product_id, relation kind)`` → related product ids."""
        ...

    async def orders_by_id(self, ids: Sequence[str]) -> list[OrderRecord | None]: ...
    async def orders_for_customers(
        self, queries: Sequence[OrderQuery]
    ) -> list[Page[OrderRecord]]: ...
    async def carts_by_id(self, ids: Sequence[str]) -> list[CartRecord | None]: ...
    async def create_cart(
        self, customer_id: str | None, channel: str, currency: str
    ) -> CartRecord: ...
    async def set_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        """Add ``quantity`` of ``sku`` (merging with an existing line); 0 or less removes."""
        ...


# --- content ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContentKey:
    entity_type: str  # product | category | placement
    entity_key: str
    locale: str


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


# --- customer -----------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    key: str  # e.g. rfm:champions, abc:A, behaviour:weekend-shopper
    name: str
    kind: str  # RFM | ABC | BEHAVIOUR


@dataclass(frozen=True, slots=True)
class RecentViewsQuery:
    customer_id: str
    first: int = 10


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


# --- pricing ------------------------------------------------------------------------


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


# --- inventory ----------------------------------------------------------------------


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


@runtime_checkable
class InventoryBackend(Protocol):
    async def locations(self) -> list[LocationRecord]: ...
    async def locations_by_id(self, ids: Sequence[str]) -> list[LocationRecord | None]: ...
    async def stock(self, skus: Sequence[str]) -> list[list[StockRecord]]:
        """Every location's stock row for each sku."""
        ...


# --- wallet and loyalty -------------------------------------------------------------


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


PORTS: dict[str, type[Any]] = {
    "commerce": CommerceBackend,
    "content": ContentBackend,
    "customer": CustomerBackend,
    "pricing": PricingBackend,
    "inventory": InventoryBackend,
    "wallet": WalletBackend,
}
