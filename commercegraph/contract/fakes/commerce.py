"""The commerce port in memory: catalogue, search, carts and idempotent orders."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from commercegraph.adapters.base import (
    CartLineRecord,
    CartQuery,
    CartRecord,
    CategoryRecord,
    FacetCount,
    Money,
    NewOrder,
    OrderLineRecord,
    OrderQuery,
    OrderRecord,
    Page,
    ProductFacets,
    ProductRecord,
    ProductSearch,
)
from commercegraph.contract.fakes.common import EPOCH, page_indexes
from commercegraph.contract.fixture import ContractFixture
from commercegraph.errors import Conflict, NotFound

BRANDS = ("Stride", "Stride", "Stride", "Peak", "Peak", "Trail")


class FakeCommerce:
    capabilities = frozenset(
        {"commerce.catalog", "commerce.search", "commerce.carts", "commerce.orders"}
    )

    def __init__(self, products: Sequence[ProductRecord], categories: Sequence[CategoryRecord]):
        self.products = {p.id: p for p in products}
        self.categories = {c.id: c for c in categories}
        self.related: dict[tuple[str, str], list[str]] = {}
        self.carts: dict[str, CartRecord] = {}
        self.orders: dict[str, OrderRecord] = {}
        self.order_keys: dict[tuple[str, str], tuple[str, str]] = {}  # -> (order, cart)
        self._ids = itertools.count(1)

    @classmethod
    def sample(cls, fx: ContractFixture = ContractFixture()) -> FakeCommerce:
        category = CategoryRecord("cat_running_shoes", "Running shoes", None)
        products = [
            ProductRecord(
                id=f"prd_{n:05d}",
                sku=fx.sku if n == 1 else f"SKU-RUN-{n:04d}",
                name=f"Runner {chr(ord('A') + (n * 7) % 26)}{n}",
                brand=BRANDS[n % len(BRANDS)],
                category=category.name,
                category_id=category.id,
                released_at=EPOCH + timedelta(days=n),
            )
            for n in range(1, 13)
        ]
        products[0] = replace(products[0], id=fx.product_id)
        fake = cls(products, [category])
        fake.related[(fx.product_id, "ACCESSORY")] = [products[1].id]
        fake.orders_placed(fx)
        return fake

    def orders_placed(self, fx: ContractFixture) -> None:
        for n in range(3):
            price = Money(100 * (n + 1), fx.currency)
            order = OrderRecord(
                f"ord_sample_{n}", fx.customer_id, fx.channel, EPOCH + timedelta(days=n), price,
                price, Money(0, fx.currency), "SHIP", None, "COMPLETED",
                (OrderLineRecord(fx.sku, 1, price),),
            )  # fmt: skip
            self.orders[order.id] = order

    async def products_by_id(self, ids: Sequence[str]) -> list[ProductRecord | None]:
        return [self.products.get(i) for i in ids]

    async def products_by_sku(self, skus: Sequence[str]) -> list[ProductRecord | None]:
        by_sku = {p.sku: p for p in self.products.values()}
        return [by_sku.get(s) for s in skus]

    async def categories_by_id(self, ids: Sequence[str]) -> list[CategoryRecord | None]:
        return [self.categories.get(i) for i in ids]

    async def related_products(self, keys: Sequence[tuple[str, str]]) -> list[list[str]]:
        return [list(self.related.get(k, [])) for k in keys]

    def _matches(self, search: ProductSearch) -> list[ProductRecord]:
        query = (search.query or "").lower()
        found = [
            p
            for p in self.products.values()
            if query in f"{p.name} {p.brand} {p.sku}".lower()
            and search.category in (None, p.category_id)
        ]
        if search.sort == "NAME":
            found.sort(key=lambda p: (p.name.lower(), p.id), reverse=bool(search.descending))
        elif search.sort == "NEWEST":
            found.sort(
                key=lambda p: (p.released_at or EPOCH, p.id), reverse=search.descending is not False
            )
        else:
            found.sort(key=lambda p: p.id, reverse=bool(search.descending))
        return found

    async def search_products(self, searches: Sequence[ProductSearch]) -> list[Page[ProductRecord]]:
        pages: list[Page[ProductRecord]] = []
        for search in searches:
            found = self._matches(search)
            chosen, more = page_indexes(found, search.first, search.after)
            cursors = tuple(str(i) for i in chosen)
            pages.append(
                Page(
                    tuple(found[i] for i in chosen), more, cursors[-1] if cursors else None,
                    len(found), cursors, bool(chosen) and chosen[0] > 0,
                )
            )  # fmt: skip
        return pages

    async def product_facets(self, searches: Sequence[ProductSearch]) -> list[ProductFacets]:
        facets = []
        for search in searches:
            found = self._matches(search)
            brands = Counter(p.brand for p in found if p.brand)
            categories = Counter(p.category_id for p in found if p.category_id)
            facets.append(
                ProductFacets(
                    tuple(FacetCount(v, n) for v, n in brands.most_common()),
                    tuple(FacetCount(v, n) for v, n in categories.most_common()),
                )
            )
        return facets

    async def carts_by_id(self, ids: Sequence[str]) -> list[CartRecord | None]:
        return [self.carts.get(i) for i in ids]

    async def carts_for_customers(self, queries: Sequence[CartQuery]) -> list[Page[CartRecord]]:
        pages: list[Page[CartRecord]] = []
        for q in queries:
            mine = [
                c
                for c in reversed(self.carts.values())
                if c.customer_id == q.customer_id and q.status in (None, c.status)
            ]
            chosen, more = page_indexes(mine, q.first, q.after)
            cursors = tuple(str(i) for i in chosen)
            pages.append(
                Page(tuple(mine[i] for i in chosen), more, cursors[-1] if cursors else None,
                     len(mine), cursors)
            )  # fmt: skip
        return pages

    async def create_cart(self, customer_id: str | None, channel: str, currency: str) -> CartRecord:
        cart = CartRecord(f"cart_{next(self._ids)}", customer_id, channel, currency, "OPEN", ())
        self.carts[cart.id] = cart
        return cart

    def _open_cart(self, cart_id: str) -> CartRecord:
        cart = self.carts.get(cart_id)
        if cart is None:
            raise NotFound(f"Cart {cart_id!r} does not exist", argument="cartId")
        if cart.status != "OPEN":
            raise Conflict(f"Cart {cart_id!r} is no longer open", argument="cartId")
        return cart

    def _with_line(
        self, cart: CartRecord, sku: str, quantity: int, bundle_id: str | None
    ) -> CartRecord:
        others = tuple(li for li in cart.lines if (li.sku, li.bundle_id) != (sku, bundle_id))
        line = (CartLineRecord(sku, quantity, bundle_id),) if quantity > 0 else ()
        self.carts[cart.id] = replace(cart, lines=others + line)
        return self.carts[cart.id]

    async def set_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        cart = self._open_cart(cart_id)
        held = sum(li.quantity for li in cart.lines if (li.sku, li.bundle_id) == (sku, bundle_id))
        return self._with_line(cart, sku, held + quantity if quantity > 0 else 0, bundle_id)

    async def replace_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        return self._with_line(self._open_cart(cart_id), sku, quantity, bundle_id)

    async def orders_by_id(self, ids: Sequence[str]) -> list[OrderRecord | None]:
        return [self.orders.get(i) for i in ids]

    async def orders_for_customers(self, queries: Sequence[OrderQuery]) -> list[Page[OrderRecord]]:
        pages: list[Page[OrderRecord]] = []
        for q in queries:
            mine = sorted(
                (o for o in self.orders.values() if o.customer_id == q.customer_id
                 and q.channel in (None, o.channel)),
                key=lambda o: (o.placed_at, o.id), reverse=True,
            )  # fmt: skip
            chosen, more = page_indexes(mine, q.first, q.after)
            cursors = tuple(str(i) for i in chosen)
            pages.append(
                Page(tuple(mine[i] for i in chosen), more, cursors[-1] if cursors else None,
                     len(mine), cursors)
            )  # fmt: skip
        return pages

    async def order_for_key(
        self, customer_id: str, idempotency_key: str, cart_id: str
    ) -> OrderRecord | None:
        found = self.order_keys.get((customer_id, idempotency_key))
        if found is None:
            return None
        order_id, placed_from = found
        if placed_from != cart_id:
            raise Conflict("The idempotency key was used for another cart", argument="cartId")
        return self.orders[order_id]

    async def place_order(self, order: NewOrder) -> OrderRecord:
        placed = await self.order_for_key(order.customer_id, order.idempotency_key, order.cart_id)
        if placed is not None:
            return placed
        cart = self._open_cart(order.cart_id)
        if cart.customer_id not in (None, order.customer_id):
            raise Conflict(f"Cart {cart.id!r} belongs to another customer", argument="cartId")
        record = self.record_order(order)
        self.carts[cart.id] = replace(cart, status="ORDERED", customer_id=order.customer_id)
        self.order_keys[(order.customer_id, order.idempotency_key)] = (record.id, cart.id)
        return record

    def record_order(self, order: NewOrder) -> OrderRecord:
        record = OrderRecord(
            f"ord_{next(self._ids)}", order.customer_id, order.channel, datetime.now(UTC),
            Money(order.total, order.currency), Money(order.subtotal, order.currency),
            Money(order.discount, order.currency), order.fulfillment, order.store_id, "PLACED",
            tuple(OrderLineRecord(li.sku, li.quantity, Money(li.unit_price, order.currency))
                  for li in order.lines),
        )  # fmt: skip
        self.orders[record.id] = record
        return record
