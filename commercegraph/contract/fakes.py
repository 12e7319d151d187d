"""In-memory adapters, one per vendor port, that pass the contract kit.

For fast unit tests of code above the ports: no database, no HTTP. Each fake holds its
records in plain dicts, declares the capabilities it serves, and ``sample()`` builds one
holding the contract fixture's keys (the demo retailer's ids)::

    commerce = FakeCommerce.sample()
    (product,) = await commerce.products_by_id(["prd_00114"])

Writes follow the port's rules: one idempotency key (or reservation reference) takes
effect once; a repeat returns the first result.
"""

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
    ConsentRecord,
    ContentKey,
    ContentRecord,
    CustomerRecord,
    FacetCount,
    LocationRecord,
    Money,
    NewOrder,
    NewPaymentMethod,
    OrderLineRecord,
    OrderQuery,
    OrderRecord,
    Page,
    PaymentMethodRecord,
    PriceRow,
    ProductFacets,
    ProductRecord,
    ProductSearch,
    ReservationLine,
    ReservationRecord,
    StockRecord,
    TransactionQuery,
    WalletPosting,
    WalletRecord,
    WalletTransactionRecord,
)
from commercegraph.contract.fixture import ContractFixture
from commercegraph.errors import BadUserInput, Conflict, InsufficientFunds, NotFound, OutOfStock

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
BRANDS = ("Stride", "Stride", "Stride", "Peak", "Peak", "Trail")


def _page(items: Sequence[object], first: int, after: str | None) -> tuple[list[int], bool]:
    start = int(after) + 1 if after else 0
    chosen = list(range(start, min(start + first, len(items))))
    return chosen, start + first < len(items)


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
            chosen, more = _page(found, search.first, search.after)
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
            chosen, more = _page(mine, q.first, q.after)
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
            chosen, more = _page(mine, q.first, q.after)
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


class FakeContent:
    capabilities = frozenset({"content.entries"})

    def __init__(self, entries: dict[tuple[str, str, str], ContentRecord]) -> None:
        self.entries_by_key = entries  # (entity type, entity key, locale) -> entry

    @classmethod
    def sample(cls, fx: ContractFixture = ContractFixture()) -> FakeContent:
        return cls({
            ("product", fx.product_id, fx.locale): ContentRecord("Runner", "Light.", (), fx.locale),
            ("product", fx.product_id, "de-DE"): ContentRecord("Läufer", "Leicht.", (), "de-DE"),
        })  # fmt: skip

    async def entries(self, keys: Sequence[ContentKey]) -> list[ContentRecord | None]:
        found: list[ContentRecord | None] = []
        for key in keys:
            exact = self.entries_by_key.get((key.entity_type, key.entity_key, key.locale))
            language = key.locale.split("-")[0]
            fallback = next(
                (e for (kind, entity, locale), e in self.entries_by_key.items()
                 if (kind, entity) == (key.entity_type, key.entity_key)
                 and locale.split("-")[0] == language),
                None,
            )  # fmt: skip
            found.append(exact or fallback)
        return found


class FakeCustomer:
    capabilities = frozenset({"customer.profiles", "customer.consent"})

    def __init__(
        self, customers: Sequence[CustomerRecord], consents: dict[str, ConsentRecord]
    ) -> None:
        self.customers = {c.id: c for c in customers}
        self.consent = consents

    @classmethod
    def sample(cls, fx: ContractFixture = ContractFixture()) -> FakeCustomer:
        customer = CustomerRecord(fx.customer_id, "Devi", fx.customer_email, "REGULAR", EPOCH)
        return cls([customer], {fx.customer_id: ConsentRecord(True, False, True)})

    async def customers_by_id(self, ids: Sequence[str]) -> list[CustomerRecord | None]:
        return [self.customers.get(i) for i in ids]

    async def resolve_identifiers(self, identifiers: Sequence[tuple[str, str]]) -> list[str | None]:
        emails = {c.email.lower(): c.id for c in self.customers.values() if c.email}
        return [emails.get(v.lower()) if k == "EMAIL" else None for k, v in identifiers]

    async def consents(self, customer_ids: Sequence[str]) -> list[ConsentRecord | None]:
        return [self.consent.get(i) for i in customer_ids]


class FakePricing:
    capabilities = frozenset({"pricing.prices"})

    def __init__(self, rows: Sequence[PriceRow]) -> None:
        self.rows = list(rows)

    @classmethod
    def sample(cls, fx: ContractFixture = ContractFixture()) -> FakePricing:
        return cls([
            PriceRow(fx.sku, fx.currency, 12_900, None, None, 1, None, None),
            PriceRow(fx.sku, fx.currency, 11_900, "MOBILE_APP", None, 1, None, None),
            PriceRow(fx.sku, "EUR", 11_900, None, None, 1, None, None, tax_included=True),
        ])  # fmt: skip

    async def price_rows(self, keys: Sequence[tuple[str, str]]) -> list[list[PriceRow]]:
        return [[r for r in self.rows if (r.sku, r.currency) == key] for key in keys]


class FakeInventory:
    capabilities = frozenset({"inventory.locations", "inventory.stock", "inventory.reservations"})

    def __init__(self, locations: Sequence[LocationRecord], stock: Sequence[StockRecord]) -> None:
        self.by_id = {loc.id: loc for loc in locations}
        self.levels = {(s.sku, s.location_id): s for s in stock}
        self.holds: dict[str, ReservationRecord] = {}

    @classmethod
    def sample(cls, fx: ContractFixture = ContractFixture()) -> FakeInventory:
        store = LocationRecord(fx.store_id, "Downtown", "STORE", 45.52, -122.68, "US-OR",
                               "1 Main St, Portland", False, True)  # fmt: skip
        warehouse = LocationRecord(fx.stock_location_id, "Warehouse", "WAREHOUSE", 45.6,
                                   -122.6, "US-OR", "9 Dock Rd, Portland", True, False)  # fmt: skip
        return cls(
            [store, warehouse],
            [
                StockRecord(fx.sku, fx.store_id, 3, 0, 1),
                StockRecord(fx.sku, warehouse.id, 40, 0, 2),
            ],
        )

    async def locations(self) -> list[LocationRecord]:
        return list(self.by_id.values())

    async def locations_by_id(self, ids: Sequence[str]) -> list[LocationRecord | None]:
        return [self.by_id.get(i) for i in ids]

    async def stock(self, skus: Sequence[str]) -> list[list[StockRecord]]:
        return [[s for (sku, _), s in self.levels.items() if sku == wanted] for wanted in skus]

    def _move(self, lines: Sequence[ReservationLine], on_hand: int, reserved: int) -> None:
        for line in lines:
            row = self.levels[(line.sku, line.location_id)]
            self.levels[(line.sku, line.location_id)] = replace(
                row,
                on_hand=row.on_hand + on_hand * line.quantity,
                reserved=row.reserved + reserved * line.quantity,
            )

    async def reserve(
        self, reference: str, lines: Sequence[ReservationLine], expires_at: datetime
    ) -> ReservationRecord:
        if reference in self.holds:
            return self.holds[reference]
        for line in lines:
            if line.quantity <= 0:
                raise BadUserInput("`quantity` must be positive", argument="quantity")
            row = self.levels.get((line.sku, line.location_id))
            if row is None or row.on_hand - row.reserved < line.quantity:
                raise OutOfStock(f"{line.sku} is out of stock at {line.location_id}")
        self._move(lines, 0, 1)
        self.holds[reference] = ReservationRecord(reference, "HELD", tuple(lines), expires_at)
        return self.holds[reference]

    def _settle(self, reference: str, status: str, on_hand: int) -> ReservationRecord | None:
        hold = self.holds.get(reference)
        if hold is None or hold.status != "HELD":
            return hold
        self._move(hold.lines, on_hand, -1)
        self.holds[reference] = replace(hold, status=status)
        return self.holds[reference]

    async def commit_reservation(self, reference: str) -> ReservationRecord | None:
        return self._settle(reference, "COMMITTED", -1)

    async def release_reservation(self, reference: str) -> ReservationRecord | None:
        return self._settle(reference, "RELEASED", 0)

    async def release_expired(self, now: datetime, limit: int = 1000) -> int:
        expired = [h for h in self.holds.values() if h.status == "HELD" and h.expires_at <= now]
        lines = 0
        for hold in expired[:limit]:
            self._settle(hold.reference, "EXPIRED", 0)
            lines += len(hold.lines)
        return lines

    async def reservations(self, references: Sequence[str]) -> list[ReservationRecord | None]:
        return [self.holds.get(r) for r in references]


class FakeWallet:
    capabilities = frozenset({"wallet.balances", "wallet.payments", "wallet.payment_methods"})

    def __init__(self, currency: str, balances: dict[str, int]) -> None:
        self.currency = currency
        self.balances = dict(balances)
        self.postings: dict[str, list[WalletTransactionRecord]] = {c: [] for c in balances}
        self.by_key: dict[tuple[str, str], WalletPosting] = {}
        self.methods: dict[str, list[PaymentMethodRecord]] = {}
        self.tokens: dict[tuple[str, str], str] = {}  # (customer, provider token) -> method
        self._ids = itertools.count(1)

    @classmethod
    def sample(cls, fx: ContractFixture = ContractFixture()) -> FakeWallet:
        fake = cls(fx.currency, {fx.customer_id: 5_000})
        fake.methods[fx.customer_id] = [
            PaymentMethodRecord("pm_sample", "CARD", "Visa ····4242", True)
        ]
        return fake

    async def wallets(self, customer_ids: Sequence[str]) -> list[WalletRecord | None]:
        return [
            WalletRecord(c, Money(self.balances[c], self.currency)) if c in self.balances else None
            for c in customer_ids
        ]

    async def transactions(
        self, queries: Sequence[TransactionQuery]
    ) -> list[Page[WalletTransactionRecord]]:
        pages: list[Page[WalletTransactionRecord]] = []
        for q in queries:
            mine = list(reversed(self.postings.get(q.customer_id, [])))
            chosen, more = _page(mine, q.first, q.after)
            cursors = tuple(str(i) for i in chosen)
            pages.append(
                Page(tuple(mine[i] for i in chosen), more, cursors[-1] if cursors else None,
                     len(mine), cursors)
            )  # fmt: skip
        return pages

    def _post(self, customer_id: str, kind: str, amount: int, key: str) -> WalletPosting:
        replay = self.by_key.get((customer_id, key))
        if replay is not None:
            return replace(replay, replayed=True)
        if customer_id not in self.balances:
            raise NotFound(f"Customer {customer_id!r} has no wallet", argument="customerId")
        if self.balances[customer_id] + amount < 0:
            raise InsufficientFunds("The wallet balance is too low", argument="amount")
        self.balances[customer_id] += amount
        tx = WalletTransactionRecord(
            f"wtx_{next(self._ids)}", Money(amount, self.currency), kind, datetime.now(UTC)
        )
        self.postings[customer_id].append(tx)
        posting = WalletPosting(
            tx.id, kind, tx.amount, Money(self.balances[customer_id], self.currency)
        )
        self.by_key[(customer_id, key)] = posting
        return posting

    async def top_up(
        self, customer_id: str, amount: int, payment_method_id: str, idempotency_key: str
    ) -> WalletPosting:
        if amount <= 0:
            raise BadUserInput("`amount` must be positive", argument="amount")
        return self._post(customer_id, "TOP_UP", amount, idempotency_key)

    async def pay(
        self,
        customer_id: str,
        amount: int,
        reference: str,
        idempotency_key: str,
        account: str = "WALLET",
        reward_amount: int = 0,
    ) -> WalletPosting:
        if amount <= 0 or reward_amount or account != "WALLET":
            raise BadUserInput("a positive WALLET `amount` only", argument="amount")
        return self._post(customer_id, "PAYMENT", -amount, idempotency_key)

    async def refund(
        self, customer_id: str, payment_id: str, amount: int | None, idempotency_key: str
    ) -> WalletPosting:
        paid = next((p for p in self.postings.get(customer_id, []) if p.id == payment_id), None)
        if paid is None or paid.kind != "PAYMENT":
            raise NotFound(f"No payment {payment_id!r}", argument="paymentId")
        back = -paid.amount.amount if amount is None else amount
        if not 0 < back <= -paid.amount.amount:
            raise BadUserInput("`amount` exceeds the payment", argument="amount")
        return self._post(customer_id, "REFUND", back, idempotency_key)

    async def find_posting(
        self, customer_id: str, idempotency_key: str
    ) -> WalletTransactionRecord | None:
        posting = self.by_key.get((customer_id, idempotency_key))
        if posting is None:
            return None
        return next(p for p in self.postings[customer_id] if p.id == posting.transaction_id)

    async def payment_methods(self, customer_ids: Sequence[str]) -> list[list[PaymentMethodRecord]]:
        return [list(self.methods.get(c, [])) for c in customer_ids]

    async def add_payment_method(
        self, customer_id: str, method: NewPaymentMethod
    ) -> PaymentMethodRecord:
        mine = self.methods.setdefault(customer_id, [])
        known = self.tokens.get((customer_id, method.provider_token))
        if known is not None and any(m.id == known for m in mine):
            return next(m for m in mine if m.id == known)  # the same token again: a retry
        label = f"{method.brand or method.kind.title()} ····{method.last4 or '0000'}"
        record = PaymentMethodRecord(f"pm_{next(self._ids)}", method.kind, label, not mine)
        mine.append(record)
        self.tokens[(customer_id, method.provider_token)] = record.id
        if method.make_default:
            return await self.set_default_payment_method(customer_id, record.id)
        return record

    async def remove_payment_method(self, customer_id: str, payment_method_id: str) -> None:
        mine = self.methods.get(customer_id, [])
        self.methods[customer_id] = [m for m in mine if m.id != payment_method_id]

    async def set_default_payment_method(
        self, customer_id: str, payment_method_id: str
    ) -> PaymentMethodRecord:
        mine = self.methods.get(customer_id, [])
        if all(m.id != payment_method_id for m in mine):
            raise NotFound(f"No payment method {payment_method_id!r}", argument="paymentMethodId")
        self.methods[customer_id] = [replace(m, is_default=m.id == payment_method_id) for m in mine]
        return next(m for m in self.methods[customer_id] if m.id == payment_method_id)


FAKES: dict[str, type[object]] = {
    "commerce": FakeCommerce,
    "content": FakeContent,
    "customer": FakeCustomer,
    "pricing": FakePricing,
    "inventory": FakeInventory,
    "wallet": FakeWallet,
}
