"""The ports: what a vendor system can implement, and what stays the gateway's own.

- ``capabilities``: the table of every capability, its domain, its methods and whether each
  is a read; the registry routes each capability to an adapter with it.
- ``commerce``, ``content``, ``customer``, ``pricing``, ``inventory``, ``wallet``: each
  domain's records and one Protocol per vendor capability. An adapter declares
  ``capabilities = frozenset({...})`` and implements the Protocols of those.
- ``gateway_state``: one Protocol per ``gateway.*`` capability, served by the gateway's SQL
  store and never by a vendor.
"""

from __future__ import annotations

from commercegraph.ports.capabilities import CAPABILITIES, Operation, operations
from commercegraph.ports.commerce import CartsPort, CatalogPort, OrdersPort, SearchPort
from commercegraph.ports.content import ContentEntriesPort
from commercegraph.ports.customer import ConsentPort, CrmWriteBackPort, CustomerProfilesPort
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
from commercegraph.ports.inventory import LocationsPort, ReservationsPort, StockPort
from commercegraph.ports.pricing import PricesPort
from commercegraph.ports.wallet import BalancesPort, LoyaltyPort, PaymentMethodsPort, PaymentsPort

# capability -> the Protocol its adapter implements
PROTOCOLS: dict[str, type] = {
    "commerce.catalog": CatalogPort,
    "commerce.search": SearchPort,
    "commerce.carts": CartsPort,
    "commerce.orders": OrdersPort,
    "content.entries": ContentEntriesPort,
    "customer.profiles": CustomerProfilesPort,
    "customer.consent": ConsentPort,
    "customer.write_back": CrmWriteBackPort,
    "pricing.prices": PricesPort,
    "inventory.locations": LocationsPort,
    "inventory.stock": StockPort,
    "inventory.reservations": ReservationsPort,
    "wallet.balances": BalancesPort,
    "wallet.payments": PaymentsPort,
    "wallet.payment_methods": PaymentMethodsPort,
    "wallet.loyalty": LoyaltyPort,
    "gateway.order_history": OrderHistoryState,
    "gateway.bundles": BundleState,
    "gateway.identity": IdentityGraphState,
    "gateway.events": EventLogState,
    "gateway.segments": SegmentState,
    "gateway.shopping_lists": ShoppingListState,
    "gateway.offers": OfferState,
    "gateway.rules": RuleState,
    "gateway.demand": DemandState,
    "gateway.ledger": LedgerState,
    "gateway.referrals": ReferralState,
}

__all__ = ["CAPABILITIES", "PROTOCOLS", "Operation", "operations"]
