"""What a vendor system can provide, capability by capability, and what stays the gateway's.

Every method of the six domain interfaces the gateway calls belongs to exactly one
capability. Vendor capabilities (``commerce.catalog``, ``inventory.reservations``, ...) are
what systems of that kind offer; an adapter declares the ones it serves in its
``capabilities`` attribute and the gateway's native store serves the rest. Gateway
capabilities (``gateway.bundles``, ``gateway.segments``, ...) are state only the gateway owns —
mined bundles, rules and budgets, the identity graph, offers, the native ledger — and are
never asked of a vendor.

Each method is marked read or write here, explicitly: reads are batch-shaped, cached where
the domain caches, and retried; writes are never retried by the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class Operation:
    domain: str
    name: str
    capability: str
    read: bool

    @property
    def vendor(self) -> bool:
        return not self.capability.startswith("gateway.")


R, W = True, False

# capability -> (domain, {method: is a read})
CAPABILITIES: dict[str, tuple[str, dict[str, bool]]] = {
    # commerce platforms: commercetools, Shopify, Vendure, Medusa
    "commerce.catalog": (
        "commerce",
        {"products_by_id": R, "products_by_sku": R, "categories_by_id": R, "related_products": R},
    ),
    "commerce.search": ("commerce", {"search_products": R, "product_facets": R}),
    "commerce.carts": (
        "commerce",
        {
            "carts_by_id": R,
            "carts_for_customers": R,
            "create_cart": W,
            "set_cart_line": W,
            "replace_cart_line": W,
        },
    ),
    "commerce.orders": (
        "commerce",
        {"orders_by_id": R, "orders_for_customers": R, "place_order": W, "order_for_key": R},
    ),
    # content systems: Contentful, Strapi, Wagtail
    "content.entries": ("content", {"entries": R}),
    # customer systems and CRMs: HubSpot, Salesforce
    "customer.profiles": ("customer", {"customers_by_id": R, "resolve_identifiers": R}),
    "customer.consent": ("customer", {"consents": R}),
    "customer.write_back": ("customer", {"write_back": W}),
    # pricing engines
    "pricing.prices": ("pricing", {"price_rows": R}),
    # inventory and order management
    "inventory.locations": ("inventory", {"locations": R, "locations_by_id": R}),
    "inventory.stock": ("inventory", {"stock": R}),
    "inventory.reservations": (
        "inventory",
        {
            "reserve": W,
            "commit_reservation": W,
            "release_reservation": W,
            "release_expired": W,
            "reservations": R,
        },
    ),
    # wallet and loyalty platforms
    "wallet.balances": ("wallet", {"wallets": R, "transactions": R}),
    "wallet.payments": ("wallet", {"top_up": W, "pay": W, "refund": W, "find_posting": R}),
    "wallet.payment_methods": (
        "wallet",
        {
            "payment_methods": R,
            "add_payment_method": W,
            "remove_payment_method": W,
            "set_default_payment_method": W,
        },
    ),
    "wallet.loyalty": (
        "wallet",
        {
            "loyalty_accounts": R,
            "reward_credits": R,
            "earn_points": W,
            "reverse_order_points": W,
            "release_order_points": W,
            "redeem_points": W,
        },
    ),
    # the gateway's own state, on its SQL store
    "gateway.order_history": (
        "commerce",
        {
            "record_external_order": W,
            "transfer_orders": W,
            "baskets_with": R,
            "open_carts_with_activity": R,
            "purchased_lines": R,
            "order_baskets": R,
        },
    ),
    "gateway.bundles": (
        "commerce",
        {"bundles_by_id": R, "bundles_for_products": R, "search_bundles": R, "replace_bundles": W},
    ),
    "gateway.identity": (
        "customer",
        {
            "identities": R,
            "link_identifier": W,
            "merge_customers": W,
            "merges": R,
            "recently_viewed": R,
        },
    ),
    "gateway.events": ("customer", {"events_by_id": R, "record_events": W}),
    "gateway.segments": (
        "customer",
        {
            "segments": R,
            "customer_metrics": R,
            "customers_in_segment": R,
            "refresh_segments": W,
        },
    ),
    "gateway.shopping_lists": (
        "customer",
        {"shopping_list_entries": R, "set_shopping_list_entry": W},
    ),
    "gateway.offers": ("customer", {"issue_offers": W}),
    "gateway.rules": (
        "pricing",
        {
            "rules_revision": R,
            "active_rules": R,
            "list_rules": R,
            "rules_by_id": R,
            "save_rule": W,
            "delete_rule": W,
            "rule_versions": R,
            "budget_usage": R,
            "redeem": W,
        },
    ),
    "gateway.demand": ("pricing", {"product_views": R, "customer_order_stats": R}),
    "gateway.ledger": (
        "wallet",
        {
            "transfer_balance": W,
            "release_pending_points": W,
            "expire_points": W,
            "purge_idempotency_records": W,
        },
    ),
    "gateway.referrals": (
        "wallet",
        {
            "referral_summaries": R,
            "create_referral_code": W,
            "referrer_for_code": R,
            "record_referral": W,
            "reward_referral": W,
        },
    ),
}


@cache
def operations(domain: str) -> dict[str, Operation]:
    """Every method of the domain, with its capability and whether it is a read."""
    return {
        name: Operation(domain, name, capability, read)
        for capability, (owner, methods) in CAPABILITIES.items()
        if owner == domain
        for name, read in methods.items()
    }


def capabilities_of(domain: str, *, vendor: bool | None = None) -> list[str]:
    return [
        capability
        for capability, (owner, _) in CAPABILITIES.items()
        if owner == domain and (vendor is None or (not capability.startswith("gateway.")) == vendor)
    ]


def methods_of(capability: str) -> dict[str, bool]:
    return CAPABILITIES[capability][1]
