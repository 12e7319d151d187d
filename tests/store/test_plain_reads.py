"""A plain read sends what SQLAlchemy's own execution of its statement sends, and answers
the same values, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Sequence
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import bindparam, select, tuple_
from sqlalchemy import event as sa_event

from commercegraph.adapters.native import (
    commerce,
    customer,
    inventory,
    points_lots,
    pricing,
    product_search,
    wallet,
)
from commercegraph.demo import DEVI_ID
from commercegraph.store import models as m
from commercegraph.store import plain_reads
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.store.plain_reads import PlainRead
from tests.conftest import SeededDatabase
from tests.factories import store_for

# JSON and UTC datetime columns: values that take a result processor on SQLite
_PRODUCTS = PlainRead(
    select(m.Product.id, m.Product.tags, m.Product.released_at, m.Product.attributes)
    .where(m.Product.id.in_(bindparam("ids", expanding=True)))
    .order_by(m.Product.id)
)
_EVENTS = PlainRead(
    select(m.Event.sku, m.Event.occurred_at)
    .where(
        m.Event.type.in_(bindparam("types", expanding=True)),
        m.Event.occurred_at >= bindparam("since"),
    )
    .order_by(m.Event.occurred_at, m.Event.sku)
    .limit(5)
)
_PAIRS = PlainRead(
    select(m.Price.sku, m.Price.currency, m.Price.amount)
    .where(tuple_(m.Price.sku, m.Price.currency).in_(bindparam("keys", expanding=True)))
    .order_by(m.Price.id)
)


@pytest_asyncio.fixture
async def store(seeded_db: SeededDatabase) -> AsyncIterator[Store]:
    store = store_for(seeded_db.url)
    yield store
    await store.dispose()


async def _sent(
    store: Store, read: Awaitable[Sequence[Any]]
) -> tuple[list[tuple[str, Any]], list[Any]]:
    sent: list[tuple[str, Any]] = []

    def listen(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        sent.append((statement, tuple(params)))

    sa_event.listen(store.engine.sync_engine, "before_cursor_execute", listen)
    try:
        rows = await read
    finally:
        sa_event.remove(store.engine.sync_engine, "before_cursor_execute", listen)
    return sent, [tuple(r) for r in rows]


async def _skus(store: Store, n: int) -> list[str]:
    rows = await store.rows(select(m.Product.sku).order_by(m.Product.id).limit(n))
    return [r[0] for r in rows]


async def _customers(store: Store, n: int) -> list[str]:
    rows = await store.rows(select(m.Customer.id).order_by(m.Customer.id).limit(n))
    return [r[0] for r in rows]


@pytest.mark.parametrize("n", [0, 1, 3, 17])
async def test_the_same_text_values_and_rows_as_sqlalchemys_execution(store: Store, n: int) -> None:
    skus = await _skus(store, n)
    ids = [r[0] for r in await store.rows(select(m.Product.id).order_by(m.Product.id).limit(n))]
    customers = [DEVI_ID, *await _customers(store, n)][:n]
    now = utcnow()
    cases: list[tuple[PlainRead, dict[str, Any]]] = [
        (customer._CUSTOMERS_BY_ID, {"ids": customers}),
        (customer._RECENTLY_VIEWED, {"customer_id": DEVI_ID, "first": n}),
        (customer._SEGMENTS, {"ids": customers}),
        (pricing._ORDER_STATS, {"ids": customers}),
        (wallet._WALLETS, {"ids": customers}),
        (wallet._PAYMENT_METHODS, {"ids": customers}),
        (
            points_lots.MEMBERS,
            {"ids": customers, "now": now, "until": now.replace(year=now.year + 1)},
        ),
        (inventory._STOCK, {"skus": skus}),
        (pricing._PRICE_ROWS, {"skus": skus, "currencies": ["USD", "EUR"][: max(n, 1)]}),
        (pricing._PRODUCT_VIEWS, {"skus": skus, "since": utcnow().replace(year=2000)}),
        (pricing._REVISION, {}),
        (
            pricing._BUDGETS,
            {"ids": ["r1", "r2"][:n], "keys": [("r1", "c1"), ("r2", "c2")][:n] or [("", "")]},
        ),
        (pricing._CUSTOMER_REDEEMED, {"keys": [("r1", "c1"), ("r2", "c2")][:n] or [("", "")]}),
        (_PRODUCTS, {"ids": ids}),
        (commerce._PRODUCTS_BY_ID, {"ids": ids}),
        (commerce._PRODUCTS_BY_SKU, {"skus": skus}),
        (product_search._catalog_page(commerce._product_select, n % 2 == 1), {"limit": n + 1}),
        (product_search._COUNT_ALL, {}),
        (
            _EVENTS,
            {"types": ["product_viewed", "order_placed"][:n], "since": utcnow().replace(year=2000)},
        ),
        (_PAIRS, {"keys": [(s, "USD") for s in skus]}),
    ]
    texts: dict[int, list[tuple[str, Any]]] = {}
    for read, params in cases:
        sent, rows = await _sent(store, store.rows(read.statement, params))
        plain_sent, plain_rows = await _sent(store, store.plain(read, params))
        assert plain_sent == sent
        texts[id(read)] = sent
        assert plain_rows == rows
        assert [[type(v) for v in r] for r in plain_rows] == [[type(v) for v in r] for r in rows]
    # the same read again takes the text kept for its lengths
    assert (await _sent(store, store.plain(_PRODUCTS, {"ids": ids})))[0] == texts[id(_PRODUCTS)]


async def test_values_are_the_columns_own(store: Store) -> None:
    ids = [r[0] for r in await store.rows(select(m.Product.id).order_by(m.Product.id).limit(3))]
    rows = await store.plain(_PRODUCTS, {"ids": ids})
    assert [r[0] for r in rows] == ids
    for _, tags, released_at, attributes in rows:
        assert isinstance(tags, list) and isinstance(attributes, dict)
        assert released_at is None or released_at.utcoffset() is not None


def test_a_list_with_a_bind_processor_is_refused() -> None:
    from sqlalchemy.dialects import sqlite

    read = PlainRead(
        select(m.Event.sku).where(m.Event.occurred_at.in_(bindparam("at", expanding=True)))
    )
    with pytest.raises(TypeError, match="bind processor"):
        read.compiled(sqlite.dialect())


class _Result:
    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.cursor = self
        self.description = [("a", None), ("b", None)]
        self._rows = rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows

    def close(self) -> None:
        pass


def test_nulls_skip_a_processor_that_keeps_them_and_a_value_is_processed_once_a_read() -> None:
    from sqlalchemy.dialects import sqlite

    seen: list[Any] = []

    def shout(value: Any) -> Any:
        seen.append(value)
        return None if value is None else value.upper()

    def wrap(value: Any) -> Any:  # a mutable result: built for each row
        seen.append(value)
        return [value]

    compiled = PlainRead(select(m.Event.sku, m.Event.type)).compiled(sqlite.dialect())
    compiled.results = [(0, shout, True, False), (1, wrap, False, False)]
    rows = compiled.rows(_Result([("x", None), (None, "y"), ("x", "y"), ("z", "y")]))  # type: ignore[arg-type]
    assert rows == [("X", [None]), (None, ["y"]), ("X", ["y"]), ("Z", ["y"])]
    assert rows[1][1] is not rows[2][1]
    assert sorted(seen, key=repr) == sorted(["x", None, "y", "y", "z", "y"], key=repr)
    assert all(r.__class__ is tuple for r in rows)
    # a processor that fails on NULL goes on seeing each one, as before
    assert plain_reads._keeps_none(shout) and not plain_reads._keeps_none(lambda v: v.upper())


def test_a_shared_columns_equal_values_share_one_result() -> None:
    from sqlalchemy.dialects import sqlite

    decoded: list[Any] = []

    def wrap(value: Any) -> Any:
        decoded.append(value)
        return [value]

    read = PlainRead(select(m.Event.sku, m.Event.type), shared=("type",))
    compiled = read.compiled(sqlite.dialect())
    compiled.results = [(1, wrap, True, True)]
    rows = compiled.rows(_Result([("a", "t"), ("b", "t"), ("c", None)]))  # type: ignore[arg-type]
    assert rows == [("a", ["t"]), ("b", ["t"]), ("c", None)]
    assert rows[0][1] is rows[1][1] and decoded == ["t"]
    assert commerce._PRODUCTS_BY_ID.shared == frozenset({"tags"})


async def test_products_with_the_same_tags_are_records_of_their_own(store: Store) -> None:
    ids = [r[0] for r in await store.rows(select(m.Product.id).order_by(m.Product.id))]
    rows = await store.plain(commerce._PRODUCTS_BY_ID, {"ids": ids})
    assert rows == [
        tuple(r) for r in await store.rows(commerce._PRODUCTS_BY_ID.statement, {"ids": ids})
    ]
    records = [commerce._product_record(r) for r in rows]
    assert all(isinstance(r.tags, tuple) for r in records)
