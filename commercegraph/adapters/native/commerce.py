"""Native commerce backend: catalog, orders and carts on the gateway's store."""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from commercegraph.adapters.base import (
    BasketQuery,
    BundleQuery,
    BundleRecord,
    CartActivityRecord,
    CartLineRecord,
    CartQuery,
    CartRecord,
    CategoryRecord,
    ExternalOrder,
    Money,
    NewOrder,
    OrderLineRecord,
    OrderQuery,
    OrderRecord,
    Page,
    ProductFacets,
    ProductRecord,
    ProductSearch,
    PurchasedLine,
)
from commercegraph.adapters.native import bundles, carts, order_lifecycle, orders, product_search
from commercegraph.config import Settings
from commercegraph.errors import BadUserInput, Conflict
from commercegraph.services.pagination import decode_cursor, encode_cursor
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.store.plain_reads import PlainRead

# Products are read as plain rows (Core, no entities), their brand and category by name.
_PRODUCT_COLUMNS = (
    m.Product.id,
    m.Product.sku,
    m.Product.name,
    m.Product.category_id,
    m.Product.tags,
    m.Product.rating,
    m.Product.tier,
    m.Product.floor_price,
    m.Product.low_stock_threshold,
    m.Product.released_at,
    m.Product.attributes,
    m.Brand.name.label("brand_name"),
    m.Category.name.label("category_name"),
)


_PRODUCT_WIDTH = len(_PRODUCT_COLUMNS)


def _product_select() -> Select[Any]:
    return (
        select(*_PRODUCT_COLUMNS)
        .outerjoin(m.Brand, m.Brand.id == m.Product.brand_id)
        .outerjoin(m.Category, m.Category.id == m.Product.category_id)
    )


# `_product_record` copies the tags (a handful of distinct lists across a catalog): rows
# with the same tags may share one decoded list
PRODUCT_SHARED = ("tags",)
_PRODUCTS_BY_ID = PlainRead(
    _product_select().where(m.Product.id.in_(bindparam("ids", expanding=True))),
    shared=PRODUCT_SHARED,
)
_PRODUCTS_BY_SKU = PlainRead(
    _product_select().where(m.Product.sku.in_(bindparam("skus", expanding=True))),
    shared=PRODUCT_SHARED,
)


def _product_record(row: Sequence[Any]) -> ProductRecord:
    """From a row of ``_PRODUCT_COLUMNS``, in their order (a search's rows add a sort key)."""
    (
        product_id,
        sku,
        name,
        category_id,
        tags,
        rating,
        tier,
        floor_price,
        low_stock_threshold,
        released_at,
        attributes,
        brand,
        category,
    ) = row[:_PRODUCT_WIDTH]
    return ProductRecord(
        id=product_id,
        sku=sku,
        name=name,
        brand=brand,
        category=category,
        category_id=category_id,
        tags=tuple(tags or ()),
        rating=rating,
        tier=tier,
        floor_price=floor_price,
        low_stock_threshold=low_stock_threshold,
        released_at=released_at,
        attributes=dict(attributes or {}),
    )


# Orders are read as plain rows (Core, no entities): a row answers the same attribute names.
_ORDER_COLUMNS = (
    m.Order.id,
    m.Order.customer_id,
    m.Order.channel,
    m.Order.placed_at,
    m.Order.total,
    m.Order.subtotal,
    m.Order.discount,
    m.Order.currency,
    m.Order.fulfillment,
    m.Order.store_id,
    m.Order.status,
)
_LINE_COLUMNS = (
    m.OrderLine.order_id,
    m.OrderLine.sku,
    m.OrderLine.quantity,
    m.OrderLine.unit_price,
)


def _order_record(o: Sequence[Any], lines: list[Sequence[Any]]) -> OrderRecord:
    """An order from its ``_ORDER_COLUMNS`` and its lines' ``(sku, quantity, unit_price)``."""
    currency = o[7]
    return OrderRecord(
        id=o[0],
        customer_id=o[1],
        channel=o[2],
        placed_at=o[3],
        total=Money(o[4], currency),
        subtotal=Money(o[5], currency),
        discount=Money(o[6], currency),
        fulfillment=o[8],
        store_id=o[9],
        status=o[10],
        lines=tuple(
            OrderLineRecord(sku, quantity, Money(unit_price, currency))
            for sku, quantity, unit_price in lines
        ),
    )


async def _lines_by_order(conn: AsyncConnection, order_ids: Sequence[str]) -> dict[str, list[Any]]:
    by_order: dict[str, list[Any]] = defaultdict(list)
    if order_ids:
        rows = await conn.execute(
            select(*_LINE_COLUMNS)
            .where(m.OrderLine.order_id.in_(order_ids))
            .order_by(m.OrderLine.id)
        )
        for order_id, *line in rows:
            by_order[order_id].append(line)
    return by_order


_ORDER_FIELDS = len(_ORDER_COLUMNS)


class _CustomerOrders:
    """A customer's order count and one page of orders, newest first, for one shape of query:
    filled in by ``customer_id``, ``channel``, the cursor's ``placed_at`` and ``order_id``,
    and ``limit``.

    ``page`` reads the page's orders with their lines (one row a line, or one with no line
    for an order without any) and, on every row, the count of the customer's orders: one
    statement where there were three. ``count`` alone answers a page that came back empty
    after a cursor."""

    def __init__(self, by_channel: bool, after: bool) -> None:
        conditions = [m.Order.customer_id == bindparam("customer_id")]
        if by_channel:
            conditions.append(m.Order.channel == bindparam("channel"))
        count = select(func.count()).select_from(m.Order).where(*conditions)
        if after:
            placed = bindparam("placed_at", type_=m.Order.placed_at.type)
            conditions.append(
                or_(
                    m.Order.placed_at < placed,
                    and_(m.Order.placed_at == placed, m.Order.id < bindparam("order_id")),
                )
            )
        orders = (
            select(*_ORDER_COLUMNS, count.scalar_subquery().label("total_count"))
            .where(*conditions)
            .order_by(m.Order.placed_at.desc(), m.Order.id.desc())
            .limit(bindparam("limit", type_=Integer))
            .subquery("page")
        )
        line = m.OrderLine
        self.page = PlainRead(
            select(*orders.c, line.sku, line.quantity, line.unit_price)
            .outerjoin(line, line.order_id == orders.c.id)
            .order_by(orders.c.placed_at.desc(), orders.c.id.desc(), line.id)
        )
        self.count = PlainRead(count)


@functools.cache
def _customer_orders(by_channel: bool, after: bool) -> _CustomerOrders:
    return _CustomerOrders(by_channel, after)


class NativeCommerce:
    name = "native"

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    async def products_by_id(self, ids: Sequence[str]) -> list[ProductRecord | None]:
        rows = await self.store.plain(_PRODUCTS_BY_ID, {"ids": list(ids)})
        found = {rec.id: rec for rec in map(_product_record, rows)}
        return [found.get(i) for i in ids]

    async def products_by_sku(self, skus: Sequence[str]) -> list[ProductRecord | None]:
        rows = await self.store.plain(_PRODUCTS_BY_SKU, {"skus": list(skus)})
        found = {rec.sku: rec for rec in map(_product_record, rows)}
        return [found.get(s) for s in skus]

    async def search_products(self, searches: Sequence[ProductSearch]) -> list[Page[ProductRecord]]:
        return [
            await product_search.search(
                self.store, s, _product_select, _product_record, self.settings.default_currency
            )
            for s in searches
        ]

    async def product_facets(self, searches: Sequence[ProductSearch]) -> list[ProductFacets]:
        async with self.store.read() as session:
            return [await product_search.facets(session, s) for s in searches]

    async def categories_by_id(self, ids: Sequence[str]) -> list[CategoryRecord | None]:
        async with self.store.read() as session:
            rows = await session.scalars(select(m.Category).where(m.Category.id.in_(ids)))
            found = {c.id: CategoryRecord(c.id, c.name, c.parent_id) for c in rows}
        return [found.get(i) for i in ids]

    async def related_products(self, keys: Sequence[tuple[str, str]]) -> list[list[str]]:
        product_ids = {k[0] for k in keys}
        async with self.store.read() as session:
            rows = await session.scalars(
                select(m.ProductRelation)
                .where(m.ProductRelation.product_id.in_(product_ids))
                .order_by(m.ProductRelation.related_id)
            )
            related: dict[tuple[str, str], list[str]] = defaultdict(list)
            for r in rows:
                related[(r.product_id, r.kind)].append(r.related_id)
        return [related.get(k, []) for k in keys]

    async def orders_by_id(self, ids: Sequence[str]) -> list[OrderRecord | None]:
        async with self.store.engine.connect() as conn:
            orders = (await conn.execute(select(*_ORDER_COLUMNS).where(m.Order.id.in_(ids)))).all()
            lines = await _lines_by_order(conn, [o.id for o in orders])
            found = {o.id: _order_record(o, lines[o.id]) for o in orders}
        return [found.get(i) for i in ids]

    async def orders_for_customers(self, queries: Sequence[OrderQuery]) -> list[Page[OrderRecord]]:
        return [await self._orders(q) for q in queries]

    async def _orders(self, q: OrderQuery) -> Page[OrderRecord]:
        params: dict[str, Any] = {"customer_id": q.customer_id, "limit": q.first + 1}
        if q.channel:
            params["channel"] = q.channel
        if q.after:
            placed_iso, order_id = decode_cursor(q.after, 2)
            try:
                placed = datetime.fromisoformat(str(placed_iso))
            except ValueError as exc:
                raise BadUserInput("Malformed cursor", argument="after") from exc
            if placed.tzinfo is None:
                raise BadUserInput("Malformed cursor", argument="after")
            params.update(placed_at=placed, order_id=str(order_id))
        reads = _customer_orders(bool(q.channel), bool(q.after))
        rows = await self.store.plain(reads.page, params)
        orders: dict[str, Sequence[Any]] = {}
        lines: dict[str, list[Sequence[Any]]] = defaultdict(list)
        for row in rows:
            order_id = row[0]
            if order_id not in orders:
                orders[order_id] = row
            if row[_ORDER_FIELDS + 1] is not None:  # an order with no line has no sku
                lines[order_id].append(row[_ORDER_FIELDS + 1 :])
        if rows:
            total = rows[0][_ORDER_FIELDS]
        else:
            total = (await self.store.plain(reads.count, params))[0][0] if q.after else 0
        page = list(orders.values())[: q.first]
        cursors = tuple(encode_cursor(o[3].isoformat(), o[0]) for o in page)
        return Page(
            items=tuple(_order_record(o, lines[o[0]]) for o in page),
            has_next_page=len(orders) > q.first,
            end_cursor=cursors[-1] if cursors else None,
            total_count=total or 0,
            cursors=cursors,
        )

    async def carts_by_id(self, ids: Sequence[str]) -> list[CartRecord | None]:
        async with self.store.read() as session:
            return await self._carts(session, ids)

    async def _carts(self, session: AsyncSession, ids: Sequence[str]) -> list[CartRecord | None]:
        carts = list(await session.scalars(select(m.Cart).where(m.Cart.id.in_(ids))))
        lines: dict[str, list[CartLineRecord]] = defaultdict(list)
        if carts:
            rows = await session.scalars(
                select(m.CartLine)
                .where(m.CartLine.cart_id.in_([c.id for c in carts]))
                .order_by(m.CartLine.id)
            )
            for line in rows:
                lines[line.cart_id].append(CartLineRecord(line.sku, line.quantity, line.bundle_id))
        found = {
            c.id: CartRecord(
                c.id, c.customer_id, c.channel, c.currency, c.status, tuple(lines[c.id])
            )
            for c in carts
        }
        return [found.get(i) for i in ids]

    async def carts_for_customers(self, queries: Sequence[CartQuery]) -> list[Page[CartRecord]]:
        async with self.store.read() as session:
            return [await carts.for_customer(session, q, self._carts) for q in queries]

    async def create_cart(self, customer_id: str | None, channel: str, currency: str) -> CartRecord:
        now = utcnow()
        cart = m.Cart(
            id=f"cart_{uuid.uuid4().hex}",
            customer_id=customer_id,
            channel=channel,
            currency=currency,
            status="OPEN",
            created_at=now,
            updated_at=now,
        )
        async with self.store.write() as session:
            session.add(cart)
        return CartRecord(cart.id, customer_id, channel, currency, "OPEN", ())

    async def set_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        return await self._change_line(cart_id, sku, bundle_id, lambda held: held + quantity)

    async def replace_cart_line(
        self, cart_id: str, sku: str, quantity: int, bundle_id: str | None = None
    ) -> CartRecord:
        return await self._change_line(cart_id, sku, bundle_id, lambda _: quantity)

    async def _change_line(
        self, cart_id: str, sku: str, bundle_id: str | None, to: Callable[[int], int]
    ) -> CartRecord:
        async with self.store.write() as session:
            await carts.change_line(session, cart_id, sku, bundle_id, to)
            (record,) = await self._carts(session, [cart_id])
        assert record is not None
        return record

    async def record_external_order(self, order: ExternalOrder) -> OrderRecord:
        existing = await self._order_by_key(order.customer_id, order.idempotency_key)
        if existing is not None:
            return existing
        digest = hashlib.sha256(f"{order.customer_id}\0{order.idempotency_key}".encode())
        subtotal = sum(line.quantity * line.unit_price.amount for line in order.lines)
        row = m.Order(
            id=f"ord_{digest.hexdigest()[:24]}",
            customer_id=order.customer_id,
            channel=order.channel,
            placed_at=order.placed_at,
            currency=order.currency,
            subtotal=subtotal,
            discount=order.discount,
            total=subtotal - order.discount,
            fulfillment=order.fulfillment,
            store_id=order.store_id,
            status=order.status,
            idempotency_key=order.idempotency_key,
        )
        try:
            async with self.store.write() as session:
                session.add(row)
                await session.flush()
                session.add_all(
                    m.OrderLine(
                        order_id=row.id,
                        sku=line.sku,
                        quantity=line.quantity,
                        unit_price=line.unit_price.amount,
                        line_total=line.quantity * line.unit_price.amount,
                    )
                    for line in order.lines
                )
        except IntegrityError:
            pass  # a concurrent delivery of the same order won; return that one
        found = await self._order_by_key(order.customer_id, order.idempotency_key)
        if found is None:
            raise Conflict(f"Order {row.id!r} could not be recorded")
        return found

    async def _order_by_key(self, customer_id: str, key: str) -> OrderRecord | None:
        async with self.store.engine.connect() as conn:
            order = (
                await conn.execute(
                    select(*_ORDER_COLUMNS).where(
                        m.Order.customer_id == customer_id, m.Order.idempotency_key == key
                    )
                )
            ).first()
            if order is None:
                return None
            lines = await _lines_by_order(conn, [order.id])
            return _order_record(order, lines[order.id])

    async def transfer_orders(self, source_customer_id: str, target_customer_id: str) -> int:
        try:
            async with self.store.write() as session:
                result = await session.execute(
                    update(m.Order)
                    .where(m.Order.customer_id == source_customer_id)
                    .values(customer_id=target_customer_id)
                )
                moved: int = getattr(result, "rowcount", 0) or 0
        except IntegrityError as exc:
            raise Conflict(
                "Both customers hold an order with the same idempotency key",
                source=source_customer_id,
                target=target_customer_id,
            ) from exc
        return moved

    async def place_order(self, order: NewOrder) -> OrderRecord:
        try:
            async with self.store.write() as session:
                order_id = await orders.place_order(session, order, utcnow())
        except IntegrityError:
            # Another checkout placed an order under this key between our check and insert.
            async with self.store.read() as session:
                found = await orders.order_id_for_key(
                    session, order.customer_id, order.idempotency_key
                )
            if found is None:
                raise
            order_id = orders.same_order(found, order.cart_id)
        (record,) = await self.orders_by_id([order_id])
        assert record is not None
        return record

    async def transition_order(
        self, order_id: str, status: str, location_id: str | None = None
    ) -> order_lifecycle.OrderTransition:
        async with self.store.write() as session:
            previous, changed, restocked = await order_lifecycle.transition(
                session, order_id, status, utcnow(), location_id
            )
        (record,) = await self.orders_by_id([order_id])
        assert record is not None
        return order_lifecycle.OrderTransition(record, previous, changed, restocked)

    async def order_for_key(
        self, customer_id: str, idempotency_key: str, cart_id: str
    ) -> OrderRecord | None:
        async with self.store.read() as session:
            found = await orders.order_id_for_key(session, customer_id, idempotency_key)
        if found is None:
            return None
        (record,) = await self.orders_by_id([orders.same_order(found, cart_id)])
        return record

    async def bundles_by_id(self, ids: Sequence[str]) -> list[BundleRecord | None]:
        async with self.store.read() as session:
            return await bundles.bundles_by_id(session, ids)

    async def bundles_for_products(self, product_ids: Sequence[str]) -> list[list[BundleRecord]]:
        async with self.store.read() as session:
            return await bundles.bundles_for_products(session, product_ids)

    async def search_bundles(self, queries: Sequence[BundleQuery]) -> list[Page[BundleRecord]]:
        async with self.store.read() as session:
            return [await bundles.search_bundles(session, q) for q in queries]

    async def order_baskets(self, since: datetime | None) -> list[tuple[str, ...]]:
        async with self.store.read() as session:
            return await bundles.order_baskets(session, since)

    async def replace_bundles(self, kind: str, records: Sequence[BundleRecord]) -> int:
        async with self.store.write() as session:
            return await bundles.replace_bundles(session, kind, records, utcnow())

    async def baskets_with(self, queries: Sequence[BasketQuery]) -> list[list[tuple[str, ...]]]:
        results: list[list[tuple[str, ...]]] = []
        async with self.store.read() as session:
            for q in queries:
                recent = await session.execute(
                    select(m.Order.id, m.Order.placed_at)
                    .join(m.OrderLine, m.OrderLine.order_id == m.Order.id)
                    .where(m.OrderLine.sku == q.sku)
                    .distinct()
                    .order_by(m.Order.placed_at.desc(), m.Order.id.desc())
                    .limit(q.limit)
                )
                order_ids = [order_id for order_id, _ in recent]
                skus: dict[str, set[str]] = defaultdict(set)
                if order_ids:
                    rows = await session.execute(
                        select(m.OrderLine.order_id, m.OrderLine.sku).where(
                            m.OrderLine.order_id.in_(order_ids)
                        )
                    )
                    for order_id, sku in rows:
                        skus[order_id].add(sku)
                results.append([tuple(sorted(skus[o])) for o in order_ids])
        return results

    async def open_carts_with_activity(
        self, customer_ids: Sequence[str]
    ) -> list[list[CartActivityRecord]]:
        found: dict[str, list[CartActivityRecord]] = defaultdict(list)
        async with self.store.read() as session:
            carts = list(
                await session.scalars(
                    select(m.Cart)
                    .where(m.Cart.customer_id.in_(customer_ids), m.Cart.status == "OPEN")
                    .order_by(m.Cart.updated_at, m.Cart.id)
                )
            )
            records = await self._carts(session, [c.id for c in carts])
            for cart, record in zip(carts, records, strict=True):
                if record is not None and cart.customer_id is not None:
                    found[cart.customer_id].append(CartActivityRecord(record, cart.updated_at))
        return [found.get(c, []) for c in customer_ids]

    async def purchased_lines(self, customer_ids: Sequence[str]) -> list[list[PurchasedLine]]:
        found: dict[str, list[PurchasedLine]] = defaultdict(list)
        async with self.store.read() as session:
            rows = await session.execute(
                select(
                    m.Order.customer_id,
                    m.Order.id,
                    m.Order.placed_at,
                    m.OrderLine.sku,
                    m.OrderLine.quantity,
                )
                .join(m.OrderLine, m.OrderLine.order_id == m.Order.id)
                .where(
                    m.Order.customer_id.in_(customer_ids),
                    m.Order.status.not_in(("CANCELLED", "REFUNDED", "RETURNED")),
                )
                .order_by(m.Order.placed_at.desc(), m.Order.id.desc(), m.OrderLine.id)
            )
            for customer_id, order_id, placed_at, sku, quantity in rows:
                found[customer_id].append(PurchasedLine(order_id, placed_at, sku, quantity))
        return [found.get(c, []) for c in customer_ids]
