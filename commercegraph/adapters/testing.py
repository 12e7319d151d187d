"""The contract test kit: what every adapter of a port must do, whatever its backend.

These are the whole-port read checks of a backend holding the demo retailer (``commercegraph
seed``), gateway state included: ``check_<domain>(adapter, fixture)`` raises
``ContractViolation`` naming the rule broken. A vendor adapter is checked per capability by
the kit in ``commercegraph.contract`` (``pytest --commercegraph-adapter=NAME``).

The rules shared by all ports (batch shape):
- one result per key, in the order of the keys, ``None`` (or an empty list) where missing;
- the same key twice gives the same answer twice;
- an empty batch gives an empty list without calling the backend for data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from commercegraph.adapters.base import (
    CartQuery,
    CommerceBackend,
    ContentBackend,
    ContentKey,
    CustomerBackend,
    InventoryBackend,
    OrderQuery,
    PricingBackend,
    ProductSearch,
    RecentViewsQuery,
    TransactionQuery,
    WalletBackend,
)
from commercegraph.contract.fixture import MISSING, ContractFixture, ContractViolation

__all__ = ["CHECKS", "MISSING", "ContractFixture", "ContractViolation"]


def _expect(condition: bool, rule: str) -> None:
    if not condition:
        raise ContractViolation(rule)


def _batch_shape(results: Sequence[Any], keys: Sequence[Any], rule: str) -> None:
    _expect(isinstance(results, list), f"{rule}: must return a list")
    _expect(
        len(results) == len(keys), f"{rule}: one result per key ({len(results)} for {len(keys)})"
    )


async def check_commerce(adapter: CommerceBackend, fx: ContractFixture) -> None:
    _expect(await adapter.products_by_id([]) == [], "products_by_id([]) == []")
    keys = [MISSING, fx.product_id, fx.product_id]
    found = await adapter.products_by_id(keys)
    _batch_shape(found, keys, "products_by_id")
    _expect(found[0] is None, "products_by_id: None for a missing id")
    _expect(found[1] is not None and found[1].id == fx.product_id, "products_by_id: order kept")
    _expect(found[1] == found[2], "products_by_id: duplicate keys answer alike")
    by_sku = await adapter.products_by_sku([fx.sku, MISSING])
    _batch_shape(by_sku, [fx.sku, MISSING], "products_by_sku")
    _expect(by_sku[0] is not None and by_sku[0].sku == fx.sku, "products_by_sku: finds the sku")
    _expect(by_sku[1] is None, "products_by_sku: None for a missing sku")

    searches = [ProductSearch(first=3), ProductSearch(query=MISSING, first=3)]
    pages = await adapter.search_products(searches)
    _batch_shape(pages, searches, "search_products")
    first, empty = pages
    _expect(len(first.items) == 3 and first.has_next_page, "search_products: first page of 3")
    _expect(len(first.cursors) == len(first.items), "search_products: a cursor per item")
    _expect(not empty.items and not empty.has_next_page, "search_products: no match is empty")
    (second,) = await adapter.search_products([ProductSearch(first=3, after=first.end_cursor)])
    _expect(
        not {p.id for p in first.items} & {p.id for p in second.items},
        "search_products: pages do not overlap",
    )

    await _check_search_orders_and_facets(adapter)
    (no_carts,) = await adapter.carts_for_customers([CartQuery(MISSING)])
    _expect(not no_carts.items and no_carts.total_count == 0, "carts: none for a stranger")

    queries = [OrderQuery(fx.customer_id, first=2), OrderQuery(MISSING, first=2)]
    orders = await adapter.orders_for_customers(queries)
    _batch_shape(orders, queries, "orders_for_customers")
    _expect(len(orders[0].items) == 2, "orders_for_customers: a page of the customer's orders")
    _expect(
        orders[0].items[0].placed_at >= orders[0].items[1].placed_at,
        "orders_for_customers: newest first",
    )
    _expect(not orders[1].items and orders[1].total_count == 0, "orders: none for a stranger")
    order_id = orders[0].items[0].id
    by_id = await adapter.orders_by_id([order_id, MISSING])
    _expect(by_id[0] is not None and by_id[0].id == order_id and by_id[1] is None, "orders_by_id")


async def _check_search_orders_and_facets(adapter: CommerceBackend) -> None:
    by_name = ProductSearch(first=4, sort="NAME")
    z_to_a = ProductSearch(first=4, sort="NAME", descending=True)
    (ascending, descending) = await adapter.search_products([by_name, z_to_a])
    names = [p.name.lower() for p in ascending.items]
    _expect(names == sorted(names), "search_products: NAME sorts A to Z")
    back = [p.name.lower() for p in descending.items]
    _expect(back == sorted(back, reverse=True), "search_products: descending NAME is Z to A")
    (following,) = await adapter.search_products(
        [ProductSearch(first=4, sort="NAME", after=ascending.end_cursor)]
    )
    (before,) = await adapter.search_products(
        [ProductSearch(sort="NAME", last=4, before=following.cursors[0])]
    )
    _expect(
        [p.id for p in before.items] == [p.id for p in ascending.items],
        "search_products: last/before walks back to the page before",
    )
    _expect(not before.has_previous_page, "search_products: nothing before the first page")
    (tail,) = await adapter.search_products([ProductSearch(sort="NAME", last=2)])
    _expect(
        len(tail.items) == 2 and tail.has_previous_page and not tail.has_next_page,
        "search_products: last without before is the end of the list",
    )
    (facets,) = await adapter.product_facets([ProductSearch()])
    counts = [f.count for f in facets.brands]
    _expect(bool(counts) and counts == sorted(counts, reverse=True), "product_facets: most first")
    _expect(
        sum(f.count for f in facets.categories) <= (ascending.total_count or 0),
        "product_facets: no more products per category than the search holds",
    )


async def check_content(adapter: ContentBackend, fx: ContractFixture) -> None:
    _expect(await adapter.entries([]) == [], "entries([]) == []")
    keys = [
        ContentKey("product", fx.product_id, fx.locale, fx.sku),
        ContentKey("product", MISSING, fx.locale, MISSING),
        ContentKey("product", fx.product_id, "de-AT", fx.sku),
    ]
    found = await adapter.entries(keys)
    _batch_shape(found, keys, "entries")
    _expect(found[0] is not None and found[0].locale == fx.locale, "entries: exact locale")
    _expect(found[1] is None, "entries: None for a missing entity")
    _expect(found[2] is not None and found[2].locale.startswith("de"), "entries: language fallback")


async def check_customer(adapter: CustomerBackend, fx: ContractFixture) -> None:
    _expect(await adapter.customers_by_id([]) == [], "customers_by_id([]) == []")
    found = await adapter.customers_by_id([MISSING, fx.customer_id])
    _expect(found[0] is None and found[1] is not None, "customers_by_id: order and None")
    ids = await adapter.resolve_identifiers([("EMAIL", fx.customer_email), ("EMAIL", MISSING)])
    _expect(ids == [fx.customer_id, None], "resolve_identifiers: email → customer id")
    identities = await adapter.identities([fx.customer_id, MISSING])
    _expect(bool(identities[0]) and identities[1] == [], "identities: list per customer")
    consents = await adapter.consents([fx.customer_id, MISSING])
    _expect(consents[0] is not None and consents[1] is None, "consents")
    segments = await adapter.segments([fx.customer_id, MISSING])
    _expect(len(segments) == 2 and segments[1] == [], "segments: list per customer")
    views = await adapter.recently_viewed([RecentViewsQuery(fx.customer_id, 3)])
    _expect(len(views) == 1 and len(views[0]) <= 3, "recently_viewed: at most `first` skus")


async def check_pricing(adapter: PricingBackend, fx: ContractFixture) -> None:
    _expect(await adapter.price_rows([]) == [], "price_rows([]) == []")
    keys = [(fx.sku, fx.currency), (MISSING, fx.currency)]
    rows = await adapter.price_rows(keys)
    _batch_shape(rows, keys, "price_rows")
    _expect(bool(rows[0]) and all(r.sku == fx.sku for r in rows[0]), "price_rows: rows of the sku")
    _expect(all(isinstance(r.amount, int) for r in rows[0]), "price_rows: integer minor units")
    _expect(rows[1] == [], "price_rows: [] for a missing sku")


async def check_inventory(adapter: InventoryBackend, fx: ContractFixture) -> None:
    locations = await adapter.locations()
    _expect(any(loc.id == fx.store_id for loc in locations), "locations: lists every location")
    by_id = await adapter.locations_by_id([fx.store_id, MISSING])
    _expect(by_id[0] is not None and by_id[1] is None, "locations_by_id")
    stock = await adapter.stock([fx.sku, MISSING])
    _batch_shape(stock, [fx.sku, MISSING], "stock")
    _expect(bool(stock[0]) and stock[1] == [], "stock: rows per sku, [] when missing")


async def check_wallet(adapter: WalletBackend, fx: ContractFixture) -> None:
    wallets = await adapter.wallets([fx.customer_id, MISSING])
    wallet, stranger = wallets
    _expect(wallet is not None and stranger is None, "wallets")
    assert wallet is not None
    _expect(isinstance(wallet.balance.amount, int), "wallets: integer minor units")
    loyalty = await adapter.loyalty_accounts([fx.customer_id, MISSING])
    _expect(loyalty[0] is not None and loyalty[1] is None, "loyalty_accounts")
    methods = await adapter.payment_methods([fx.customer_id, MISSING])
    _expect(bool(methods[0]) and methods[1] == [], "payment_methods")
    _expect(all("····" in m.label for m in methods[0]), "payment_methods: labels are masked")
    pages = await adapter.transactions([TransactionQuery(fx.customer_id, 2)])
    _expect(len(pages) == 1 and len(pages[0].items) <= 2, "transactions: at most `first`")


CHECKS = {
    "commerce": check_commerce,
    "content": check_content,
    "customer": check_customer,
    "pricing": check_pricing,
    "inventory": check_inventory,
    "wallet": check_wallet,
}
