"""Per-request DataLoaders: every backend read in a request goes through one of these,
so fields asked for by many objects become one batch call per backend per tick."""

from __future__ import annotations

import asyncio
from asyncio import InvalidStateError, ensure_future
from collections.abc import Awaitable, Callable, Iterable, Sequence
from functools import cached_property
from inspect import iscoroutine
from typing import TYPE_CHECKING, Any, TypeVar

from aiodataloader import DataLoader, Loader, failed_dispatch

from commercegraph.adapters.base import (
    BasketQuery,
    BudgetUsage,
    BundleQuery,
    BundleRecord,
    CartActivityRecord,
    CartQuery,
    CartRecord,
    CategoryRecord,
    ConsentRecord,
    ContentKey,
    ContentRecord,
    CustomerMetricsRecord,
    CustomerOrderStats,
    CustomerRecord,
    IdentityRecord,
    LocationRecord,
    LoyaltyRecord,
    Money,
    OrderQuery,
    OrderRecord,
    Page,
    PaymentMethodRecord,
    PriceRow,
    PricingRuleRecord,
    PricingRuleVersionRecord,
    ProductFacets,
    ProductRecord,
    ProductSearch,
    PurchasedLine,
    RecentViewsQuery,
    ReferralSummary,
    SegmentMembersQuery,
    SegmentRecord,
    ShoppingListEntryRecord,
    StockRecord,
    TransactionQuery,
    WalletRecord,
    WalletTransactionRecord,
)
from commercegraph.adapters.registry import AdapterRegistry

if TYPE_CHECKING:
    from commercegraph.services.pricing_engine import RuleSet

# aiodataloader's queue entry (a named tuple) made without its generated __new__'s frame
_new_tuple = tuple.__new__

K = TypeVar("K")
V = TypeVar("V")


# the classes of answers seen that are not exceptions: a batch answers a key with one of a
# few record classes, and an exception held for a key is told apart from them by class
_ANSWER_CLASSES: set[type] = {list, tuple, dict, int, str, type(None)}


def _enqueue_dispatch(loop: asyncio.AbstractEventLoop, loader: DataLoader[Any, Any]) -> None:
    """aiodataloader's ``enqueue_post_future_job``: the batch dispatched as many loop
    iterations later as there, so that batches gather the same keys."""
    loop.call_soon(ensure_future, _dispatch(loader))


async def _dispatch(loader: DataLoader[Any, Any]) -> None:
    queue = loader._queue
    loader._queue = []
    size = loader.max_batch_size
    if size and size < len(queue):
        for start in range(0, len(queue), size):
            ensure_future(_dispatch_batch(loader, queue[start : start + size]))  # noqa: RUF006
    else:
        # as aiodataloader does: the loop holds each batch's task until it is done
        ensure_future(_dispatch_batch(loader, queue))  # noqa: RUF006


async def _dispatch_batch(loader: DataLoader[Any, Any], queue: list[Loader]) -> None:
    """aiodataloader's ``dispatch_queue_batch``, answering a key without a call to tell
    whether its future is still waiting or its answer an exception."""
    keys = [key for key, _ in queue]
    batch = loader.batch_load_fn(keys)
    if not batch or not iscoroutine(batch):
        return failed_dispatch(
            loader,
            queue,
            TypeError(
                "DataLoader must be constructed with a function which accepts "
                "Iterable<key> and returns Future<Iterable<value>>, but the "
                f"function did not return a Coroutine: {batch}."
            ),
        )
    try:
        values = await batch
        if values.__class__ is not list:
            if not isinstance(values, Iterable):
                raise TypeError(
                    "DataLoader must be constructed with a function which accepts "
                    "Iterable<key> and returns Future<Iterable<value>>, but the "
                    f"function did not return a Future of a Iterable: {values}."
                )
            values = list(values)
        if len(values) != len(keys):
            raise TypeError(
                "DataLoader must be constructed with a function which accepts "
                "Iterable<key> and returns Future<Iterable<value>>, but the "
                "function did not return a Future of a Iterable with the same "
                "length as the Iterable of keys."
                f"\n\nKeys:\n{keys}"
                f"\n\nValues:\n{values}"
            )
        answers = _ANSWER_CLASSES
        for (_, future), value in zip(queue, values, strict=True):
            try:
                if value.__class__ in answers:
                    future.set_result(value)
                elif isinstance(value, Exception):
                    future.set_exception(value)
                else:
                    answers.add(value.__class__)
                    future.set_result(value)
            except InvalidStateError:
                pass  # cancelled while its batch was loading
    except Exception as e:
        return failed_dispatch(loader, queue, e)


class RequestLoader(DataLoader[K, V]):
    """aiodataloader's ``DataLoader`` (batching and caching, each key its own cache key)
    with ``load`` and ``prime`` done in one call each, and ``load_each`` for a list's keys
    in one call: a list's products make several loads and primes apiece. Queue, batches and
    answers are aiodataloader's."""

    def load(self, key: K) -> asyncio.Future[V]:
        if key is None:
            raise TypeError(
                f"The loader.load() function must be called with a value, but got: {key}."
            )
        cache = self._cache
        cached = cache.get(key)
        if cached is not None:
            return cached
        future: asyncio.Future[V] = asyncio.Future(loop=self.loop)
        cache[key] = future
        queue = self._queue
        if not queue:  # the first of this tick's keys schedules the batch
            _enqueue_dispatch(self.loop, self)
        queue.append(_new_tuple(Loader, (key, future)))
        return future

    def load_each(self, keys: Iterable[K]) -> list[asyncio.Future[V]]:
        """``[self.load(key) for key in keys]``, without a call for each key."""
        cache, queue, loop = self._cache, self._queue, self.loop
        get, futures = cache.get, []
        for key in keys:
            future = get(key)
            if future is None:
                if key is None:
                    raise TypeError(
                        f"The loader.load() function must be called with a value, but got: {key}."
                    )
                future = cache[key] = asyncio.Future(loop=loop)
                if not queue:
                    _enqueue_dispatch(loop, self)
                queue.append(_new_tuple(Loader, (key, future)))
            futures.append(future)
        return futures

    def prime_each(self, keys: Iterable[K], values: Iterable[V]) -> None:
        """``prime(key, value)`` of each pair, without a call for each: the values are
        answers, never failures (``prime`` holds an exception as a failure)."""
        cache, loop = self._cache, self.loop
        for key, value in zip(keys, values, strict=True):
            if key not in cache:
                future: asyncio.Future[V] = asyncio.Future(loop=loop)
                future.set_result(value)
                cache[key] = future

    def prime(self, key: K, value: V) -> RequestLoader[K, V]:
        cache = self._cache
        if key not in cache:
            future: asyncio.Future[V] = asyncio.Future(loop=self.loop)
            if isinstance(value, Exception):
                future.set_exception(value)
            else:
                future.set_result(value)
            cache[key] = future
        return self


def _loader(batch: Callable[[list[K]], Awaitable[Sequence[V]]]) -> DataLoader[K, V]:
    async def load(keys: list[K]) -> list[V]:
        return list(await batch(keys))

    return RequestLoader(load)


class Loaders:
    """Built lazily: a request pays only for the loaders its query touches."""

    def __init__(self, registry: AdapterRegistry) -> None:
        self.registry = registry

    # commerce
    @cached_property
    def product_by_id(self) -> DataLoader[str, ProductRecord | None]:
        return _loader(self.registry.commerce.products_by_id)

    @cached_property
    def product_by_sku(self) -> DataLoader[str, ProductRecord | None]:
        return _loader(self.registry.commerce.products_by_sku)

    @cached_property
    def product_search(self) -> DataLoader[ProductSearch, Page[ProductRecord]]:
        return _loader(self.registry.commerce.search_products)

    @cached_property
    def product_facets(self) -> DataLoader[ProductSearch, ProductFacets]:
        return _loader(self.registry.commerce.product_facets)

    @cached_property
    def category_by_id(self) -> DataLoader[str, CategoryRecord | None]:
        return _loader(self.registry.commerce.categories_by_id)

    @cached_property
    def related_products(
        self,
    ) -> DataLoader[tuple[str, str], list[str]]:  # (product id, kind) -> related product ids
        return _loader(self.registry.commerce.related_products)

    @cached_property
    def order_by_id(self) -> DataLoader[str, OrderRecord | None]:
        return _loader(self.registry.commerce.orders_by_id)

    @cached_property
    def orders(self) -> DataLoader[OrderQuery, Page[OrderRecord]]:
        return _loader(self.registry.commerce.orders_for_customers)

    @cached_property
    def cart_by_id(self) -> DataLoader[str, CartRecord | None]:
        return _loader(self.registry.commerce.carts_by_id)

    @cached_property
    def carts(self) -> DataLoader[CartQuery, Page[CartRecord]]:
        return _loader(self.registry.commerce.carts_for_customers)

    # content
    @cached_property
    def content(self) -> DataLoader[ContentKey, ContentRecord | None]:
        return _loader(self.registry.content.entries)

    # customer
    @cached_property
    def customer_by_id(self) -> DataLoader[str, CustomerRecord | None]:
        return _loader(self.registry.customer.customers_by_id)

    @cached_property
    def customer_by_identifier(
        self,
    ) -> DataLoader[tuple[str, str], str | None]:  # (kind, value) -> customer id
        return _loader(self.registry.customer.resolve_identifiers)

    @cached_property
    def identities(self) -> DataLoader[str, list[IdentityRecord]]:
        return _loader(self.registry.customer.identities)

    @cached_property
    def consent(self) -> DataLoader[str, ConsentRecord | None]:
        return _loader(self.registry.customer.consents)

    @cached_property
    def recently_viewed(self) -> DataLoader[RecentViewsQuery, list[str]]:  # -> skus
        return _loader(self.registry.customer.recently_viewed)

    @cached_property
    def segments(self) -> DataLoader[str, list[SegmentRecord]]:
        return _loader(self.registry.customer.segments)

    # pricing
    @cached_property
    def price_rows(self) -> DataLoader[tuple[str, str], list[PriceRow]]:  # (sku, currency)
        return _loader(self.registry.pricing.price_rows)

    # inventory
    @cached_property
    def stock(self) -> DataLoader[str, list[StockRecord]]:
        return _loader(self.registry.inventory.stock)

    @cached_property
    def location_by_id(self) -> DataLoader[str, LocationRecord | None]:
        return _loader(self.registry.inventory.locations_by_id)

    @cached_property
    def all_locations(self) -> DataLoader[str, list[LocationRecord]]:  # the one key "*"
        async def load(keys: Sequence[str]) -> list[list[LocationRecord]]:
            locations = await self.registry.inventory.locations()
            return [locations for _ in keys]

        return _loader(load)

    # wallet
    @cached_property
    def wallet(self) -> DataLoader[str, WalletRecord | None]:
        return _loader(self.registry.wallet.wallets)

    @cached_property
    def loyalty(self) -> DataLoader[str, LoyaltyRecord | None]:
        return _loader(self.registry.wallet.loyalty_accounts)

    @cached_property
    def payment_methods(self) -> DataLoader[str, list[PaymentMethodRecord]]:
        return _loader(self.registry.wallet.payment_methods)

    @cached_property
    def wallet_transactions(self) -> DataLoader[TransactionQuery, Page[WalletTransactionRecord]]:
        return _loader(self.registry.wallet.transactions)

    # gateway core

    # pricing
    @cached_property
    def pricing_rule_set(self) -> DataLoader[str, RuleSet]:  # the one key "*": compiled, cached
        from commercegraph.usecases.rule_sets import load_rule_set

        async def load(keys: Sequence[str]) -> list[RuleSet]:
            rule_set = await load_rule_set(self.registry.pricing)
            return [rule_set for _ in keys]

        return _loader(load)

    @cached_property
    def pricing_rule_by_id(self) -> DataLoader[str, PricingRuleRecord | None]:
        return _loader(self.registry.pricing.rules_by_id)

    @cached_property
    def pricing_rule_versions(self) -> DataLoader[str, list[PricingRuleVersionRecord]]:
        return _loader(self.registry.pricing.rule_versions)

    @cached_property
    def budget_usage(
        self,
    ) -> DataLoader[tuple[str, str], BudgetUsage]:  # (rule id, customer id or "")
        return _loader(self.registry.pricing.budget_usage)

    @cached_property
    def product_views(self) -> DataLoader[str, int]:  # sku -> product_viewed events in 24 h
        return _loader(self.registry.pricing.product_views)

    @cached_property
    def order_stats(self) -> DataLoader[str, CustomerOrderStats]:
        return _loader(self.registry.pricing.customer_order_stats)

    # inventory, carts and bundles
    @cached_property
    def bundle_by_id(self) -> DataLoader[str, BundleRecord | None]:
        return _loader(self.registry.commerce.bundles_by_id)

    @cached_property
    def bundles_for_product(self) -> DataLoader[str, list[BundleRecord]]:
        return _loader(self.registry.commerce.bundles_for_products)

    @cached_property
    def bundle_search(self) -> DataLoader[BundleQuery, Page[BundleRecord]]:
        return _loader(self.registry.commerce.search_bundles)

    # customer 360
    @cached_property
    def customer_metrics(self) -> DataLoader[str, CustomerMetricsRecord | None]:
        return _loader(self.registry.customer.customer_metrics)

    @cached_property
    def segment_members(self) -> DataLoader[SegmentMembersQuery, Page[str]]:
        return _loader(self.registry.customer.customers_in_segment)

    # wallet and loyalty
    @cached_property
    def referral_summary(self) -> DataLoader[str, ReferralSummary]:
        return _loader(self.registry.wallet.referral_summaries)

    @cached_property
    def reward_credit(self) -> DataLoader[str, Money | None]:
        return _loader(self.registry.wallet.reward_credits)

    # personalisation
    @cached_property
    def baskets(self) -> DataLoader[BasketQuery, list[tuple[str, ...]]]:  # -> sku tuples
        return _loader(self.registry.commerce.baskets_with)

    @cached_property
    def open_carts(self) -> DataLoader[str, list[CartActivityRecord]]:
        return _loader(self.registry.commerce.open_carts_with_activity)

    @cached_property
    def purchased_lines(self) -> DataLoader[str, list[PurchasedLine]]:
        return _loader(self.registry.commerce.purchased_lines)

    @cached_property
    def shopping_list_entries(self) -> DataLoader[str, list[ShoppingListEntryRecord]]:
        return _loader(self.registry.customer.shopping_list_entries)


Read = tuple[DataLoader[Any, Any], Any]  # a loader and one of its keys


async def settled(loads: Sequence[asyncio.Future[V]]) -> list[V | Exception]:
    """Each load's answer or its failure, in order; a cancellation still cancels.

    Loads of a list are answered by a few batches, mostly before the first is awaited: a
    load already answered is read as it is, without the callback and the bookkeeping per
    future that ``gather`` takes."""
    for load in loads:
        if not load.done():
            try:
                await load
            except Exception:  # read below
                pass
    # a cancelled load raises its cancellation here
    return [
        load.result() if (error := load.exception()) is None else error  # type: ignore[misc]
        for load in loads
    ]


def load_each(loader: DataLoader[K, V], keys: Iterable[K]) -> list[asyncio.Future[V]]:
    """``[loader.load(key) for key in keys]``; a request's loader does it in one call."""
    if isinstance(loader, RequestLoader):
        return loader.load_each(keys)
    return [loader.load(key) for key in keys]


def prime_each(loader: DataLoader[K, V], keys: Sequence[K], values: Sequence[V]) -> None:
    """``loader.prime(key, value)`` of each pair; a request's loader does it in one call."""
    if isinstance(loader, RequestLoader):
        loader.prime_each(keys, values)
        return
    for key, value in zip(keys, values, strict=True):
        loader.prime(key, value)


def load_all(loader: DataLoader[K, V], keys: Sequence[K]) -> Awaitable[list[V]]:
    """``loader.load_many(keys)`` for ``settled``'s cost: the keys are asked at once (in
    this tick's batch, as ``load_many`` asks them), the first failure in key order is
    raised once every key has answered."""
    return _all_answered(load_each(loader, keys))


async def _all_answered(loads: list[asyncio.Future[V]]) -> list[V]:
    for load in loads:
        if not load.done():
            try:
                await load
            except Exception:  # raised below, in key order
                pass
    return [load.result() for load in loads]


async def warm_pricing(loaders: Loaders, customer_id: str | None) -> None:
    """Ask, ahead of the products, what pricing them asks first: the signed-in shopper's facts
    (customer, segments, loyalty, order statistics) and, once pricing answered, the rule set.
    A field that lists products it has yet to look up calls this beside the lookup, so the
    price of each product starts from answers already in the loaders.

    Pricing still sees one call before the others, as when the price asks for itself, and
    nothing more when that call fails: a read that fails stays failed in its loader (a failed
    batch is not cached otherwise), so the price that reads it fails with the same error
    without calling the backend again."""
    rules: list[Read] = [(loaders.pricing_rule_set, "*")]
    if customer_id is None:
        await _warm(rules)
        return

    async def rules_once_pricing_answered() -> None:
        if await _warm([(loaders.order_stats, customer_id)]):
            await _warm(rules)

    shopper: list[Read] = [
        (loaders.customer_by_id, customer_id),
        (loaders.segments, customer_id),
        (loaders.loyalty, customer_id),
    ]
    await asyncio.gather(_warm(shopper), rules_once_pricing_answered())


async def warm_order_stats(loaders: Loaders, customer_id: str) -> None:
    """Pricing's first read for a signed-in shopper, asked beside their customer record: it
    is keyed by the id the token names, so it need not wait for the record, and the rules
    (``warm_pricing``) can then follow as soon as the customer's own reads start. A failure
    stays in the loader as in ``warm_pricing``."""
    await _warm([(loaders.order_stats, customer_id)])


async def warm_price_facts(
    loaders: Loaders, customer_id: str | None, skus: Sequence[str], currencies: Sequence[str]
) -> None:
    """What pricing reads for products whose skus are known, asked beside the products: their
    base prices in ``currencies`` and their demand, and the budgets of the rules that carry
    one (keyed by the rule set). All of it waits for pricing's first call (the signed-in
    shopper's order statistics, else the rule set) and nothing is asked when that failed,
    as in ``warm_pricing``."""
    if not skus:
        return
    first: Read = (
        (loaders.order_stats, customer_id) if customer_id else (loaders.pricing_rule_set, "*")
    )
    if not await _warm([first]):
        return
    unique = list(dict.fromkeys(skus))
    facts: list[Read] = [
        *((loaders.price_rows, (sku, currency)) for currency in currencies for sku in unique),
        *((loaders.product_views, sku) for sku in unique),
    ]

    async def budgets_once_the_rules_answered() -> None:
        if not await _warm([(loaders.pricing_rule_set, "*")]):
            return
        rule_set: RuleSet = await loaders.pricing_rule_set.load("*")
        budgeted = [(rule.id, customer_id or "") for rule in rule_set.rules if rule.has_budget()]
        if budgeted:
            await _warm([(loaders.budget_usage, key) for key in budgeted])

    await asyncio.gather(_warm(facts), budgets_once_the_rules_answered())


async def warm_stock(loaders: Loaders, skus: Sequence[str]) -> None:
    """The products' stock and the locations, which both their price and availability read;
    failures stay in the loaders as in ``warm_pricing``."""
    reads: list[Read] = [(loaders.stock, sku) for sku in dict.fromkeys(skus)]
    await _warm([*reads, (loaders.all_locations, "*")])


async def warm_facets(loaders: Loaders, search: ProductSearch) -> None:
    """A search's facets, beside what its products are asked; a failure stays in the loader
    as in ``warm_pricing``."""
    await _warm([(loaders.product_facets, search)])


async def _warm(reads: list[Read]) -> bool:
    """Loads every read at once; True when all of them answered."""
    answers = await asyncio.gather(
        *(loader.load(key) for loader, key in reads), return_exceptions=True
    )
    for (loader, key), answer in zip(reads, answers, strict=True):
        if isinstance(answer, Exception):
            _keep_failure(loader, key, answer)
        elif isinstance(answer, BaseException):
            raise answer
    return not any(isinstance(answer, BaseException) for answer in answers)


def _keep_failure(loader: DataLoader[Any, Any], key: Any, error: Exception) -> None:
    loader.prime(key, error)
    # the reader that is not coming (a field that was not asked for) leaves no warning
    loader.load(key).add_done_callback(lambda future: future.exception())
