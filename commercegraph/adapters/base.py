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
    CartsPort,
    CatalogPort,
    CategoryRecord,
    ExternalOrder,
    FacetCount,
    NewOrder,
    NewOrderLine,
    OrderLineRecord,
    OrderQuery,
    OrderRecord,
    OrdersPort,
    ProductFacets,
    ProductRecord,
    ProductSearch,
    PurchasedLine,
    SearchPort,
    VariantRecord,
)
from commercegraph.ports.common import (
    Money,
    Page,
)
from commercegraph.ports.content import (
    ContentEntriesPort,
    ContentKey,
    ContentRecord,
)
from commercegraph.ports.customer import (
    ConsentPort,
    ConsentRecord,
    CustomerMetricsRecord,
    CustomerProfilesPort,
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
from commercegraph.ports.gateway_state import (
    BundleState,
    DemandState,
    EventLogState,
    IdentityGraphState,
    LedgerState,
    OfferState,
    OrderHistoryState,
    ReferralState,
    RuleState,
    SegmentState,
    ShoppingListState,
)
from commercegraph.ports.inventory import (
    LocationRecord,
    LocationsPort,
    ReservationLine,
    ReservationRecord,
    ReservationsPort,
    StockPort,
    StockRecord,
)
from commercegraph.ports.pricing import (
    BudgetUsage,
    CustomerOrderStats,
    PriceRow,
    PricesPort,
    PricingRuleRecord,
    PricingRuleVersionRecord,
)
from commercegraph.ports.wallet import (
    BalancesPort,
    LoyaltyChange,
    LoyaltyPort,
    LoyaltyRecord,
    NewPaymentMethod,
    PaymentMethodRecord,
    PaymentMethodsPort,
    PaymentsPort,
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
class CommerceBackend(
    CatalogPort, SearchPort, CartsPort, OrdersPort, OrderHistoryState, BundleState, Protocol
):
    """Commerce as the gateway calls it: the vendor capabilities and its own order history
    and bundles."""


@runtime_checkable
class ContentBackend(ContentEntriesPort, Protocol):
    """Content as the gateway calls it."""


@runtime_checkable
class CustomerBackend(
    CustomerProfilesPort,
    ConsentPort,
    IdentityGraphState,
    EventLogState,
    SegmentState,
    ShoppingListState,
    OfferState,
    Protocol,
):
    """Customers as the gateway calls it (CRM write-back is optional and routed apart)."""


@runtime_checkable
class PricingBackend(PricesPort, RuleState, DemandState, Protocol):
    """Pricing as the gateway calls it: price rows, and its own rules and demand signals."""


@runtime_checkable
class InventoryBackend(LocationsPort, StockPort, ReservationsPort, Protocol):
    """Inventory as the gateway calls it."""


@runtime_checkable
class WalletBackend(
    BalancesPort,
    PaymentsPort,
    PaymentMethodsPort,
    LoyaltyPort,
    LedgerState,
    ReferralState,
    Protocol,
):
    """Wallet and loyalty as the gateway calls it: the vendor capabilities and the
    maintenance and referrals of the gateway's own ledger."""


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
