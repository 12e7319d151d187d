"""Commerce: products with variants, categories, search, carts and orders.

Records first, then one Protocol per vendor capability (see
``commercegraph.ports.capabilities``). An adapter implements the Protocols of the
capabilities it declares; reads are batch-shaped (one result per key, in key order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from commercegraph.ports.common import Money, Page


@dataclass(frozen=True, slots=True)
class VariantRecord:
    """One purchasable variant of a product, as a commerce system models it."""

    id: str
    sku: str
    name: str
    # (option name, value), e.g. (("size", "M"), ("colour", "blue"))
    options: tuple[tuple[str, str], ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class ProductRecord:
    id: str
    sku: str
    name: str
    brand: str | None
    category: str | None
    category_id: str | None
    tags: tuple[str, ...] = ()
    rating: float | None = None
    tier: int = 1
    floor_price: int = 0
    low_stock_threshold: int = 5
    released_at: datetime | None = None
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    # a vendor's product: its variants (``sku`` is the default variant's) and option axes
    variants: tuple[VariantRecord, ...] = ()
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()
    handle: str | None = None


@dataclass(frozen=True, slots=True)
class CategoryRecord:
    id: str
    name: str
    parent_id: str | None


@dataclass(frozen=True, slots=True)
class ProductSearch:
    """A search key; hashable so identical searches in one request are made once.

    ``sort`` is one of ``PRODUCT_SORT_FIELDS``; ``descending`` None means the field's
    natural order (RELEVANCE and NEWEST descending, NAME and PRICE ascending); PRICE
    orders by the list price in ``currency``, products without one last. Ties go by
    product id. With ``last`` the page is the last items before ``before`` (or of the
    whole result), still in sort order; ``first``/``after`` then do not apply.
    """

    query: str | None = None
    category: str | None = None
    first: int = 20
    after: str | None = None
    sort: str = "RELEVANCE"
    descending: bool | None = None
    currency: str | None = None
    last: int | None = None
    before: str | None = None


@dataclass(frozen=True, slots=True)
class FacetCount:
    """One facet value (a brand or a category id) and how many products of the search have it."""

    value: str
    count: int


@dataclass(frozen=True, slots=True)
class ProductFacets:
    """How many products of a search each brand and each category holds, most first."""

    brands: tuple[FacetCount, ...]
    categories: tuple[FacetCount, ...]


@dataclass(frozen=True, slots=True)
class OrderLineRecord:
    sku: str
    quantity: int
    unit_price: Money


@dataclass(frozen=True, slots=True)
class OrderRecord:
    id: str
    customer_id: str
    channel: str
    placed_at: datetime
    total: Money
    subtotal: Money
    discount: Money
    fulfillment: str
    store_id: str | None
    status: str  # PLACED | READY_FOR_PICKUP | SHIPPED | COMPLETED | CANCELLED | RETURNED | ...
    lines: tuple[OrderLineRecord, ...]


@dataclass(frozen=True, slots=True)
class OrderQuery:
    customer_id: str
    first: int = 10
    after: str | None = None
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class CartLineRecord:
    sku: str
    quantity: int
    bundle_id: str | None = None


@dataclass(frozen=True, slots=True)
class CartRecord:
    id: str
    customer_id: str | None
    channel: str
    currency: str
    status: str  # OPEN | ORDERED
    lines: tuple[CartLineRecord, ...]


@dataclass(frozen=True, slots=True)
class CartQuery:
    """A page of one customer's carts, most recently changed first, optionally by status."""

    customer_id: str
    first: int = 10
    after: str | None = None
    status: str | None = None  # OPEN or ORDERED; None is every cart


@dataclass(frozen=True, slots=True)
class ExternalOrder:
    """A sale recorded elsewhere (a store's point of sale), idempotent by its key."""

    idempotency_key: str
    customer_id: str
    channel: str
    placed_at: datetime
    currency: str
    lines: tuple[OrderLineRecord, ...]
    discount: int = 0
    store_id: str | None = None
    fulfillment: str = "PICKUP"
    status: str = "COMPLETED"


@dataclass(frozen=True, slots=True)
class BasketQuery:
    sku: str
    limit: int = 500


@dataclass(frozen=True, slots=True)
class PurchasedLine:
    order_id: str
    placed_at: datetime
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class CartActivityRecord:
    cart: CartRecord
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NewOrderLine:
    sku: str
    quantity: int
    unit_price: int  # minor units, in the order's currency
    bundle_id: str | None = None


@dataclass(frozen=True, slots=True)
class NewOrder:
    """What checkout asks the commerce backend to record; ``idempotency_key`` is unique
    per customer, so placing the same order twice returns the first one."""

    customer_id: str
    cart_id: str
    channel: str
    currency: str
    lines: tuple[NewOrderLine, ...]
    subtotal: int
    discount: int
    total: int
    fulfillment: str  # SHIP | PICKUP
    location_id: str  # where it ships from or is picked up
    store_id: str | None  # the pickup store
    address: str | None
    idempotency_key: str
    reservation_reference: str


@dataclass(frozen=True, slots=True)
class BundleComponentRecord:
    product_id: str
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class BundleRecord:
    id: str
    name: str
    kind: str  # FIXED | MIX_AND_MATCH | FREQUENTLY_BOUGHT_TOGETHER
    components: tuple[BundleComponentRecord, ...]
    discount_percent: int = 0
    pick_count: int | None = None  # MIX_AND_MATCH: how many of the components make one set
    support: float | None = None
    lift: float | None = None


@dataclass(frozen=True, slots=True)
class BundleQuery:
    product_id: str | None = None
    first: int = 20
    after: str | None = None


@runtime_checkable
class CatalogPort(Protocol):
    """``commerce.catalog``.

    Products (with variants) and categories by id or sku, and related products.
    """

    async def products_by_id(self, ids: Sequence[str]) -> list[ProductRecord | None]: ...

    async def products_by_sku(self, skus: Sequence[str]) -> list[ProductRecord | None]: ...

    async def categories_by_id(self, ids: Sequence[str]) -> list[CategoryRecord | None]: ...

    async def related_products(self, keys: Sequence[tuple[str, str]]) -> list[list[str]]:
        """``(product_id, relation kind)`` → related product ids."""
        ...


@runtime_checkable
class SearchPort(Protocol):
    """``commerce.search``: Product search with cursors, and facet counts over a whole result."""

    async def search_products(
        self, searches: Sequence[ProductSearch]
    ) -> list[Page[ProductRecord]]: ...

    async def product_facets(self, searches: Sequence[ProductSearch]) -> list[ProductFacets]:
        """Brand and category counts over each search's whole result (paging ignored)."""
        ...


@runtime_checkable
class CartsPort(Protocol):
    """``commerce.carts``: Carts and their lines, held by the commerce system."""

    async def carts_by_id(self, ids: Sequence[str]) -> list[CartRecord | None]: ...

    async def carts_for_customers(self, queries: Sequence[CartQuery]) -> list[Page[CartRecord]]:
        """Each customer's carts, most recently changed first."""
        ...

    async def create_cart(
        self, customer_id: str | None, channel: str, currency: str
    ) -> CartRecord: ...

    async def set_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        """Add ``quantity`` of ``sku`` (merging with an existing line); 0 or less removes."""
        ...

    async def replace_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        """Make the line of ``sku`` (and ``bundle_id``) hold exactly ``quantity``; 0 removes
        it. Setting the quantity it already has changes nothing."""
        ...


@runtime_checkable
class OrdersPort(Protocol):
    """``commerce.orders``: Orders: read, and placed from a cart once per idempotency key."""

    async def orders_by_id(self, ids: Sequence[str]) -> list[OrderRecord | None]: ...

    async def orders_for_customers(
        self, queries: Sequence[OrderQuery]
    ) -> list[Page[OrderRecord]]: ...

    async def place_order(self, order: NewOrder) -> OrderRecord:
        """Record the order and close its cart, atomically. The same customer and
        idempotency key return the order already placed (``Conflict`` if it came from
        another cart); a cart that is no longer open is a ``Conflict``."""
        ...

    async def order_for_key(
        self, customer_id: str, idempotency_key: str, cart_id: str
    ) -> OrderRecord | None:
        """The order placed under the key, if any; ``Conflict`` if it came from another cart."""
        ...
