"""All models, imported so ``Base.metadata`` knows every table."""

from commercegraph.store.models.base import Base, UTCDateTime, utcnow
from commercegraph.store.models.catalog import (
    Brand,
    Category,
    ContentEntry,
    Location,
    Price,
    Product,
    ProductRelation,
    Stock,
)
from commercegraph.store.models.checkout import Checkout
from commercegraph.store.models.commerce import Cart, CartLine, Order, OrderLine
from commercegraph.store.models.customer import (
    Consent,
    Customer,
    CustomerIdentifier,
    CustomerSegment,
    Event,
)
from commercegraph.store.models.customer360 import (
    Customer360Model,
    CustomerMerge,
    CustomerMetrics,
)
from commercegraph.store.models.delivery import DeliveryFill, DeliverySubscription
from commercegraph.store.models.instore import ScanAndGoCart, StorePaymentCode
from commercegraph.store.models.inventory import (
    Bundle,
    BundleComponent,
    OrderFulfillment,
    StockReservation,
)
from commercegraph.store.models.loyalty import (
    PointsLot,
    QualifyingSpend,
    Referral,
    ReferralCode,
)
from commercegraph.store.models.offers import Campaign, OfferDispatch
from commercegraph.store.models.personalization import (
    OfferCap,
    OfferLogEntry,
    ShoppingListEntry,
    WebhookDelivery,
)
from commercegraph.store.models.pricing import (
    CustomerRuleBudget,
    PricingRevision,
    PricingRule,
    PricingRuleVersion,
    RuleRedemption,
)
from commercegraph.store.models.privacy import ErasedIdentifier, ErasureRequest, PrivacyAudit
from commercegraph.store.models.tenders import ExchangeRate, GiftCard
from commercegraph.store.models.wallet import (
    IdempotencyRecord,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    LoyaltyAccount,
    PaymentMethod,
)

__all__ = [
    "Base",
    "Brand",
    "Bundle",
    "BundleComponent",
    "Campaign",
    "Cart",
    "CartLine",
    "Category",
    "Checkout",
    "Consent",
    "ContentEntry",
    "Customer",
    "Customer360Model",
    "CustomerIdentifier",
    "CustomerMerge",
    "CustomerMetrics",
    "CustomerRuleBudget",
    "CustomerSegment",
    "DeliveryFill",
    "DeliverySubscription",
    "ErasedIdentifier",
    "ErasureRequest",
    "Event",
    "ExchangeRate",
    "GiftCard",
    "IdempotencyRecord",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "Location",
    "LoyaltyAccount",
    "OfferCap",
    "OfferDispatch",
    "OfferLogEntry",
    "Order",
    "OrderFulfillment",
    "OrderLine",
    "PaymentMethod",
    "PointsLot",
    "Price",
    "PricingRevision",
    "PricingRule",
    "PricingRuleVersion",
    "PrivacyAudit",
    "Product",
    "ProductRelation",
    "QualifyingSpend",
    "Referral",
    "ReferralCode",
    "RuleRedemption",
    "ScanAndGoCart",
    "ShoppingListEntry",
    "Stock",
    "StockReservation",
    "StorePaymentCode",
    "UTCDateTime",
    "WebhookDelivery",
    "utcnow",
]
