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
from commercegraph.store.models.inventory import (
    Bundle,
    BundleComponent,
    OrderFulfillment,
    StockReservation,
)
from commercegraph.store.models.personalization import (
    OfferCap,
    OfferLogEntry,
    ShoppingListEntry,
    WebhookDelivery,
)
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
    "Cart",
    "CartLine",
    "Category",
    "Consent",
    "ContentEntry",
    "Customer",
    "Customer360Model",
    "CustomerIdentifier",
    "CustomerMerge",
    "CustomerMetrics",
    "CustomerSegment",
    "Event",
    "IdempotencyRecord",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "Location",
    "LoyaltyAccount",
    "OfferCap",
    "OfferLogEntry",
    "Order",
    "OrderFulfillment",
    "OrderLine",
    "PaymentMethod",
    "Price",
    "Product",
    "ProductRelation",
    "ShoppingListEntry",
    "Stock",
    "StockReservation",
    "UTCDateTime",
    "WebhookDelivery",
    "utcnow",
]
