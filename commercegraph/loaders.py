"""Per-request DataLoaders: every backend read in a request goes through one of these,
so fields asked for by many objects become one batch call per backend per tick."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property
from typing import Any

from aiodataloader import DataLoader

from commercegraph.adapters.base import LocationRecord
from commercegraph.adapters.registry import AdapterRegistry


def _loader(batch: Callable[[Sequence[Any]], Awaitable[Sequence[Any]]]) -> DataLoader[Any, Any]:
    async def load(keys: list[Any]) -> list[Any]:
        return list(await batch(keys))

    return DataLoader(load)


class Loaders:
    """Built lazily: a request pays only for the loaders its query touches."""

    def __init__(self, registry: AdapterRegistry) -> None:
        self.registry = registry

    # commerce
    @cached_property
    def product_by_id(self) -> DataLoader[Any, Any]:  # str -> ProductRecord | None
        return _loader(self.registry.commerce.products_by_id)

    @cached_property
    def product_by_sku(self) -> DataLoader[Any, Any]:  # str -> ProductRecord | None
        return _loader(self.registry.commerce.products_by_sku)

    @cached_property
    def product_search(self) -> DataLoader[Any, Any]:  # ProductSearch -> Page[ProductRecord]
        return _loader(self.registry.commerce.search_products)

    @cached_property
    def product_facets(self) -> DataLoader[Any, Any]:  # ProductSearch -> ProductFacets
        return _loader(self.registry.commerce.product_facets)

    @cached_property
    def category_by_id(self) -> DataLoader[Any, Any]:  # str -> CategoryRecord | None
        return _loader(self.registry.commerce.categories_by_id)

    @cached_property
    def related_products(self) -> DataLoader[Any, Any]:  # (product id, kind) -> list[str]
        return _loader(self.registry.commerce.related_products)

    @cached_property
    def order_by_id(self) -> DataLoader[Any, Any]:  # str -> OrderRecord | None
        return _loader(self.registry.commerce.orders_by_id)

    @cached_property
    def orders(self) -> DataLoader[Any, Any]:  # OrderQuery -> Page[OrderRecord]
        return _loader(self.registry.commerce.orders_for_customers)

    @cached_property
    def cart_by_id(self) -> DataLoader[Any, Any]:  # str -> CartRecord | None
        return _loader(self.registry.commerce.carts_by_id)

    @cached_property
    def carts(self) -> DataLoader[Any, Any]:  # CartQuery -> Page[CartRecord]
        return _loader(self.registry.commerce.carts_for_customers)

    # content
    @cached_property
    def content(self) -> DataLoader[Any, Any]:  # ContentKey -> ContentRecord | None
        return _loader(self.registry.content.entries)

    # customer
    @cached_property
    def customer_by_id(self) -> DataLoader[Any, Any]:  # str -> CustomerRecord | None
        return _loader(self.registry.customer.customers_by_id)

    @cached_property
    def customer_by_identifier(self) -> DataLoader[Any, Any]:  # (kind, value) -> customer id | None
        return _loader(self.registry.customer.resolve_identifiers)

    @cached_property
    def identities(self) -> DataLoader[Any, Any]:  # customer id -> list[IdentityRecord]
        return _loader(self.registry.customer.identities)

    @cached_property
    def consent(self) -> DataLoader[Any, Any]:  # customer id -> ConsentRecord | None
        return _loader(self.registry.customer.consents)

    @cached_property
    def recently_viewed(self) -> DataLoader[Any, Any]:  # RecentViewsQuery -> list[sku]
        return _loader(self.registry.customer.recently_viewed)

    @cached_property
    def segments(self) -> DataLoader[Any, Any]:  # customer id -> list[SegmentRecord]
        return _loader(self.registry.customer.segments)

    # pricing
    @cached_property
    def price_rows(self) -> DataLoader[Any, Any]:  # (sku, currency) -> list[PriceRow]
        return _loader(self.registry.pricing.price_rows)

    # inventory
    @cached_property
    def stock(self) -> DataLoader[Any, Any]:  # sku -> list[StockRecord]
        return _loader(self.registry.inventory.stock)

    @cached_property
    def location_by_id(self) -> DataLoader[Any, Any]:  # str -> LocationRecord | None
        return _loader(self.registry.inventory.locations_by_id)

    @cached_property
    def all_locations(self) -> DataLoader[Any, Any]:  # "*" -> list[LocationRecord]
        async def load(keys: Sequence[str]) -> list[list[LocationRecord]]:
            locations = await self.registry.inventory.locations()
            return [locations for _ in keys]

        return _loader(load)

    # wallet
    @cached_property
    def wallet(self) -> DataLoader[Any, Any]:  # customer id -> WalletRecord | None
        return _loader(self.registry.wallet.wallets)

    @cached_property
    def loyalty(self) -> DataLoader[Any, Any]:  # customer id -> LoyaltyRecord | None
        return _loader(self.registry.wallet.loyalty_accounts)

    @cached_property
    def payment_methods(self) -> DataLoader[Any, Any]:  # customer id -> list[PaymentMethodRecord]
        return _loader(self.registry.wallet.payment_methods)

    @cached_property
    def wallet_transactions(self) -> DataLoader[Any, Any]:  # TransactionQuery -> Page[...]
        return _loader(self.registry.wallet.transactions)

    # gateway core

    # pricing
    @cached_property
    def pricing_rule_set(self) -> DataLoader[Any, Any]:  # "*" -> RuleSet (compiled, cached)
        from commercegraph.usecases.rule_sets import load_rule_set

        async def load(keys: Sequence[str]) -> list[Any]:
            rule_set = await load_rule_set(self.registry.pricing)
            return [rule_set for _ in keys]

        return _loader(load)

    @cached_property
    def pricing_rule_by_id(self) -> DataLoader[Any, Any]:  # str -> PricingRuleRecord | None
        return _loader(self.registry.pricing.rules_by_id)

    @cached_property
    def pricing_rule_versions(self) -> DataLoader[Any, Any]:  # str -> list[...VersionRecord]
        return _loader(self.registry.pricing.rule_versions)

    @cached_property
    def budget_usage(self) -> DataLoader[Any, Any]:  # (rule id, customer id or "") -> BudgetUsage
        return _loader(self.registry.pricing.budget_usage)

    @cached_property
    def product_views(self) -> DataLoader[Any, Any]:  # sku -> product_viewed events in 24 h
        return _loader(self.registry.pricing.product_views)

    @cached_property
    def order_stats(self) -> DataLoader[Any, Any]:  # customer id -> CustomerOrderStats
        return _loader(self.registry.pricing.customer_order_stats)

    # inventory, carts and bundles
    @cached_property
    def bundle_by_id(self) -> DataLoader[Any, Any]:  # str -> BundleRecord | None
        return _loader(self.registry.commerce.bundles_by_id)

    @cached_property
    def bundles_for_product(self) -> DataLoader[Any, Any]:  # product id -> list[BundleRecord]
        return _loader(self.registry.commerce.bundles_for_products)

    @cached_property
    def bundle_search(self) -> DataLoader[Any, Any]:  # BundleQuery -> Page[BundleRecord]
        return _loader(self.registry.commerce.search_bundles)

    # customer 360
    @cached_property
    def customer_metrics(self) -> DataLoader[Any, Any]:  # customer id -> CustomerMetricsRecord
        return _loader(self.registry.customer.customer_metrics)

    @cached_property
    def segment_members(self) -> DataLoader[Any, Any]:  # SegmentMembersQuery -> Page[str]
        return _loader(self.registry.customer.customers_in_segment)

    # wallet and loyalty
    @cached_property
    def referral_summary(self) -> DataLoader[Any, Any]:  # customer id -> ReferralSummary
        return _loader(self.registry.wallet.referral_summaries)

    @cached_property
    def reward_credit(self) -> DataLoader[Any, Any]:  # customer id -> Money | None
        return _loader(self.registry.wallet.reward_credits)

    # personalisation
    @cached_property
    def baskets(self) -> DataLoader[Any, Any]:  # BasketQuery -> list[tuple[sku, ...]]
        return _loader(self.registry.commerce.baskets_with)

    @cached_property
    def open_carts(self) -> DataLoader[Any, Any]:  # customer id -> list[CartActivityRecord]
        return _loader(self.registry.commerce.open_carts_with_activity)

    @cached_property
    def purchased_lines(self) -> DataLoader[Any, Any]:  # customer id -> list[PurchasedLine]
        return _loader(self.registry.commerce.purchased_lines)

    @cached_property
    def shopping_list_entries(self) -> DataLoader[Any, Any]:  # customer id -> list[...]
        return _loader(self.registry.customer.shopping_list_entries)
