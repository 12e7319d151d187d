"""Read checks, one per vendor capability: the batch shape on the fixture's known keys.

Every batch read answers N keys with N results in key order, ``None`` (or an empty list or
page) where a key is missing; the same key twice answers alike; an empty batch is ``[]``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from commercegraph.adapters.base import (
    CartQuery,
    ContentKey,
    OrderQuery,
    ProductSearch,
    TransactionQuery,
)
from commercegraph.contract.fixture import MISSING, ContractFixture, expect

ReadCheck = Callable[[Any, ContractFixture], Awaitable[None]]


def batch_shape(results: Any, keys: Sequence[Any], rule: str) -> None:
    expect(isinstance(results, list), f"{rule}: must return a list")
    expect(
        len(results) == len(keys), f"{rule}: one result per key ({len(results)} for {len(keys)})"
    )


async def keyed(
    method: Callable[[list[Any]], Awaitable[list[Any]]],
    name: str,
    known: Any,
    missing: Any,
    found: Callable[[Any], bool],
) -> list[Any]:
    """The shared rules on ``[missing, known, known]``; returns the three results."""
    expect(await method([]) == [], f"{name}([]) == []")
    keys = [missing, known, known]
    results = await method(keys)
    batch_shape(results, keys, name)
    expect(results[0] is None or results[0] == [], f"{name}: None or [] for a missing key")
    expect(found(results[1]), f"{name}: the known key is found, in key order")
    expect(results[1] == results[2], f"{name}: the same key twice answers alike")
    (alone,) = await method([known])
    expect(alone == results[1], f"{name}: a key's answer does not depend on its batch")
    return results


async def catalog(adapter: Any, fx: ContractFixture) -> None:
    products = await keyed(
        adapter.products_by_id,
        "products_by_id",
        fx.product_id,
        MISSING,
        lambda p: p is not None and p.id == fx.product_id,
    )
    await keyed(
        adapter.products_by_sku,
        "products_by_sku",
        fx.sku,
        MISSING,
        lambda p: p is not None and p.sku == fx.sku,
    )
    expect(products[1].sku == fx.sku, "fixture: the product of product_id has the sku")
    category_id = products[1].category_id
    if category_id is not None:
        await keyed(
            adapter.categories_by_id,
            "categories_by_id",
            category_id,
            MISSING,
            lambda c: c is not None and c.id == category_id,
        )
    related = await adapter.related_products([(MISSING, "ACCESSORY"), (fx.product_id, "ACCESSORY")])
    batch_shape(related, [0, 1], "related_products")
    expect(related[0] == [], "related_products: [] for a missing product")
    expect(all(isinstance(i, str) for i in related[1]), "related_products: product ids")


async def search(adapter: Any, fx: ContractFixture) -> None:
    expect(await adapter.search_products([]) == [], "search_products([]) == []")
    searches = [ProductSearch(first=3), ProductSearch(query=MISSING, first=3)]
    pages = await adapter.search_products(searches)
    batch_shape(pages, searches, "search_products")
    first, empty = pages
    expect(len(first.items) == 3 and first.has_next_page, "search_products: first page of 3")
    expect(len(first.cursors) == len(first.items), "search_products: a cursor per item")
    expect(not empty.items and not empty.has_next_page, "search_products: no match is empty")
    (second,) = await adapter.search_products([ProductSearch(first=3, after=first.end_cursor)])
    expect(
        not {p.id for p in first.items} & {p.id for p in second.items},
        "search_products: pages do not overlap",
    )
    by_name, z_to_a = (
        ProductSearch(first=4, sort="NAME"),
        ProductSearch(first=4, sort="NAME", descending=True),
    )
    ascending, descending = await adapter.search_products([by_name, z_to_a])
    names = [p.name.lower() for p in ascending.items]
    expect(names == sorted(names), "search_products: NAME sorts A to Z")
    back = [p.name.lower() for p in descending.items]
    expect(back == sorted(back, reverse=True), "search_products: descending NAME is Z to A")
    expect(await adapter.product_facets([]) == [], "product_facets([]) == []")
    facets, none = await adapter.product_facets([ProductSearch(), ProductSearch(query=MISSING)])
    counts = [f.count for f in facets.brands]
    expect(bool(counts) and counts == sorted(counts, reverse=True), "product_facets: most first")
    expect(not none.brands and not none.categories, "product_facets: none for no match")


async def carts(adapter: Any, fx: ContractFixture) -> None:
    expect(await adapter.carts_by_id([]) == [], "carts_by_id([]) == []")
    expect(await adapter.carts_by_id([MISSING]) == [None], "carts_by_id: None for a missing cart")
    queries = [CartQuery(MISSING), CartQuery(MISSING)]
    pages = await adapter.carts_for_customers(queries)
    batch_shape(pages, queries, "carts_for_customers")
    expect(not pages[0].items and not pages[0].has_next_page, "carts_for_customers: none")


async def orders(adapter: Any, fx: ContractFixture) -> None:
    expect(await adapter.orders_for_customers([]) == [], "orders_for_customers([]) == []")
    queries = [OrderQuery(fx.customer_id, first=2), OrderQuery(MISSING, first=2)]
    pages = await adapter.orders_for_customers(queries)
    batch_shape(pages, queries, "orders_for_customers")
    mine, stranger = pages
    expect(not stranger.items and not stranger.has_next_page, "orders: none for a stranger")
    expect(len(mine.items) <= 2, "orders_for_customers: at most `first`")
    if len(mine.items) == 2:
        expect(mine.items[0].placed_at >= mine.items[1].placed_at, "orders: newest first")
    if mine.items:
        order_id = mine.items[0].id
        await keyed(
            adapter.orders_by_id,
            "orders_by_id",
            order_id,
            MISSING,
            lambda o: o is not None and o.id == order_id,
        )
    else:
        expect(await adapter.orders_by_id([MISSING]) == [None], "orders_by_id: None if missing")


async def entries(adapter: Any, fx: ContractFixture) -> None:
    known = ContentKey("product", fx.product_id, fx.locale, sku=fx.sku)
    missing = ContentKey("product", MISSING, fx.locale, sku=MISSING)
    await keyed(
        adapter.entries,
        "entries",
        known,
        missing,
        lambda e: e is not None and e.locale == fx.locale and bool(e.title),
    )


async def profiles(adapter: Any, fx: ContractFixture) -> None:
    await keyed(
        adapter.customers_by_id,
        "customers_by_id",
        fx.customer_id,
        MISSING,
        lambda c: c is not None and c.id == fx.customer_id,
    )
    expect(await adapter.resolve_identifiers([]) == [], "resolve_identifiers([]) == []")
    ids = await adapter.resolve_identifiers([("EMAIL", fx.customer_email), ("EMAIL", MISSING)])
    expect(ids == [fx.customer_id, None], "resolve_identifiers: email → customer id, in order")


async def consent(adapter: Any, fx: ContractFixture) -> None:
    await keyed(adapter.consents, "consents", fx.customer_id, MISSING, lambda c: c is not None)


async def prices(adapter: Any, fx: ContractFixture) -> None:
    rows = await keyed(
        adapter.price_rows,
        "price_rows",
        (fx.sku, fx.currency),
        (MISSING, fx.currency),
        lambda r: bool(r) and all(p.sku == fx.sku and p.currency == fx.currency for p in r),
    )
    expect(all(isinstance(r.amount, int) for r in rows[1]), "price_rows: integer minor units")


async def locations(adapter: Any, fx: ContractFixture) -> None:
    every = await adapter.locations()
    expect(any(loc.id == fx.store_id for loc in every), "locations: lists every location")
    await keyed(
        adapter.locations_by_id,
        "locations_by_id",
        fx.store_id,
        MISSING,
        lambda loc: loc is not None and loc.id == fx.store_id,
    )


async def stock(adapter: Any, fx: ContractFixture) -> None:
    rows = await keyed(
        adapter.stock,
        "stock",
        fx.sku,
        MISSING,
        lambda r: bool(r) and all(s.sku == fx.sku for s in r),
    )
    expect(all(isinstance(s.on_hand, int) for s in rows[1]), "stock: whole units")


async def reservations(adapter: Any, fx: ContractFixture) -> None:
    expect(await adapter.reservations([]) == [], "reservations([]) == []")
    expect(await adapter.reservations([MISSING]) == [None], "reservations: None if missing")


async def balances(adapter: Any, fx: ContractFixture) -> None:
    wallets = await keyed(
        adapter.wallets,
        "wallets",
        fx.customer_id,
        MISSING,
        lambda w: w is not None and w.customer_id == fx.customer_id,
    )
    expect(isinstance(wallets[1].balance.amount, int), "wallets: integer minor units")
    pages = await adapter.transactions(
        [TransactionQuery(fx.customer_id, 2), TransactionQuery(MISSING, 2)]
    )
    batch_shape(pages, [0, 1], "transactions")
    expect(len(pages[0].items) <= 2, "transactions: at most `first`")
    expect(not pages[1].items, "transactions: none for a stranger")


async def payment_methods(adapter: Any, fx: ContractFixture) -> None:
    methods = await keyed(
        adapter.payment_methods, "payment_methods", fx.customer_id, MISSING, lambda m: bool(m)
    )
    expect(all("····" in m.label for m in methods[1]), "payment_methods: labels are masked")


async def loyalty(adapter: Any, fx: ContractFixture) -> None:
    await keyed(
        adapter.loyalty_accounts,
        "loyalty_accounts",
        fx.customer_id,
        MISSING,
        lambda a: a is not None and a.customer_id == fx.customer_id,
    )
    credits = await adapter.reward_credits([MISSING])
    expect(credits == [None] or (len(credits) == 1 and credits[0].amount == 0), "reward_credits")


async def payments(adapter: Any, fx: ContractFixture) -> None:
    found = await adapter.find_posting(fx.customer_id, MISSING)
    expect(found is None, "find_posting: None for a key never used")


READS: dict[str, ReadCheck] = {
    "commerce.catalog": catalog,
    "commerce.search": search,
    "commerce.carts": carts,
    "commerce.orders": orders,
    "content.entries": entries,
    "customer.profiles": profiles,
    "customer.consent": consent,
    "pricing.prices": prices,
    "inventory.locations": locations,
    "inventory.stock": stock,
    "inventory.reservations": reservations,
    "wallet.balances": balances,
    "wallet.payments": payments,
    "wallet.payment_methods": payment_methods,
    "wallet.loyalty": loyalty,
}
