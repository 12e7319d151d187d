"""Catalog search in the native store: filters, sort orders, keyset pages both ways, facets.

A cursor holds the sort it came from, the row's sort key and its id, so a page is a
range scan from the cursor however the catalog changed since; ties go by id ascending.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import (
    PRODUCT_SORT_FIELDS,
    FacetCount,
    Page,
    ProductFacets,
    ProductRecord,
    ProductSearch,
)
from commercegraph.errors import BadUserInput
from commercegraph.services.pagination import decode_cursor, encode_cursor
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.store.plain_reads import PlainRead

FACET_LIMIT = 50  # values per facet: enough for a filter panel, bounded for a broad search
NO_PRICE_LAST = 2**53 - 1  # sorts unpriced products after every real price, either way
NATURALLY_DESCENDING = frozenset({"RELEVANCE", "NEWEST"})


def conditions(search: ProductSearch) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if search.query:
        words = search.query.lower().split()
        found.extend(m.Product.name_search.contains(w, autoescape=True) for w in words)
    if search.category:
        wanted = search.category.lower()
        found.append(or_(m.Category.id == search.category, func.lower(m.Category.name) == wanted))
    return found


def _list_price(currency: str) -> ColumnElement[int]:
    now = utcnow()
    return (
        select(func.min(m.Price.amount))
        .where(
            m.Price.sku == m.Product.sku,
            m.Price.currency == currency,
            m.Price.channel.is_(None),
            m.Price.customer_group.is_(None),
            m.Price.min_quantity <= 1,
            or_(m.Price.valid_from.is_(None), m.Price.valid_from <= now),
            or_(m.Price.valid_until.is_(None), m.Price.valid_until > now),
        )
        .correlate(m.Product)
        .scalar_subquery()
    )


def sort_key(
    search: ProductSearch, descending: bool, default_currency: str
) -> tuple[ColumnElement[Any] | None, Callable[[Any], Any]]:
    """The SQL sort key (None: by id alone) and how a cursor's key becomes a bind value."""
    if search.sort not in PRODUCT_SORT_FIELDS:
        raise BadUserInput(f"Cannot sort products by {search.sort!r}", argument="sort")
    if search.sort == "NAME":
        return func.lower(m.Product.name), str
    if search.sort == "NEWEST":
        return m.Product.released_at.expression, datetime.fromisoformat
    if search.sort == "PRICE":
        missing = -1 if descending else NO_PRICE_LAST
        return func.coalesce(_list_price(search.currency or default_currency), missing), int
    words = (search.query or "").lower().split()
    if not words:  # every product is as relevant: the primary key's order, an index scan
        return None, int
    hits = [
        case((func.lower(m.Product.name).contains(w, autoescape=True), 1), else_=0) for w in words
    ]
    score: ColumnElement[Any] = literal(0)
    for hit in hits:  # words found in the name count above those found in brand or category
        score = score + hit
    return score, int


def _beyond(
    key: ColumnElement[Any] | None, value: Any, product_id: str, key_desc: bool, back: bool
) -> Any:
    """Rows past the cursor: after it in sort order, or before it when paging back."""
    past_id = m.Product.id < product_id if back else m.Product.id > product_id
    if key is None:
        return past_id
    ahead = key < value if key_desc != back else key > value
    return or_(ahead, and_(key == value, past_id))


def _cursor_value(raw: Any) -> Any:
    return raw.isoformat() if isinstance(raw, datetime) else raw


CURSORS_KEPT = 20_000  # about 4 MB at most; past it the table starts over
# cursors by (tag, sort key's class, sort key, id): a page's every edge has one, the same
# ones request after request, where building one is some ten calls. The class is in the key
# as equal keys of two classes (1 and 1.0, True) make different cursors.
_CURSORS: dict[tuple[str, type, Any, str], str] = {}


def _cursor(tag: str, raw: Any, product_id: str) -> str:
    if len(_CURSORS) >= CURSORS_KEPT:
        _CURSORS.clear()
    found = encode_cursor(tag, _cursor_value(raw), product_id)
    # a datetime in another zone equals its UTC self but makes another cursor
    if raw.__class__ is not datetime or raw.tzinfo is UTC:
        _CURSORS[(tag, raw.__class__, raw, product_id)] = found
    return found


def _decode(search: ProductSearch, cursor: str, argument: str) -> tuple[Any, str]:
    tag, value, product_id = decode_cursor(cursor, 3)
    if tag != _tag(search):
        raise BadUserInput(
            f"The cursor in `{argument}` is from another sort order", argument=argument
        )
    return value, str(product_id)


def _tag(search: ProductSearch) -> str:
    return f"{search.sort}:{'d' if _descending(search) else 'a'}:{search.currency or ''}"


def _descending(search: ProductSearch) -> bool:
    if search.descending is None:
        return search.sort in NATURALLY_DESCENDING
    return search.descending


def _count(*where: ColumnElement[bool]) -> Select[int]:
    return (
        select(func.count())
        .select_from(m.Product)
        .outerjoin(m.Category, m.Category.id == m.Product.category_id)
        .where(and_(True, *where))
    )


_COUNT_ALL = PlainRead(_count())


@functools.cache
def _catalog_page(select_products: Callable[[], Any], backwards: bool) -> PlainRead:
    """Products by id, either way, ``limit`` of them: the unfiltered, unsorted page."""
    by_id = m.Product.id.desc() if backwards else m.Product.id.asc()
    return PlainRead(
        select_products()
        .add_columns(literal(0).label("sort_key"))
        .order_by(by_id)
        .limit(bindparam("limit", type_=Integer)),
        shared=("tags",),  # copied by the records, as `commerce.PRODUCT_SHARED`
    )


async def search(
    store: Store,
    search: ProductSearch,
    select_products: Callable[[], Any],
    to_record: Callable[[Any], ProductRecord],
    default_currency: str,
) -> Page[ProductRecord]:
    where = conditions(search)
    counted = await (store.rows(_count(*where)) if where else store.plain(_COUNT_ALL))
    total = counted[0][0]
    desc = _descending(search)
    key, parse = sort_key(search, desc, default_currency)
    backwards = search.last is not None
    limit = search.last if search.last is not None else search.first
    cursor = search.before if backwards else search.after
    if key is None and not where and not cursor:  # the whole catalog by id: built once
        first = await store.plain(_catalog_page(select_products, backwards), {"limit": limit + 1})
        return _page(search, first, limit, backwards, total, to_record)
    stmt = select_products().add_columns((literal(0) if key is None else key).label("sort_key"))
    stmt = stmt.where(*where)
    if cursor:
        argument = "before" if backwards else "after"
        value, product_id = _decode(search, cursor, argument)
        try:
            bound = parse(value)
        except (TypeError, ValueError) as exc:
            raise BadUserInput("Malformed cursor", argument=argument) from exc
        stmt = stmt.where(_beyond(key, bound, product_id, desc, backwards))
    # paging back walks from the cursor towards the start; the page is put in order below
    by_id = m.Product.id.desc() if backwards else m.Product.id.asc()
    if key is None:
        order: tuple[Any, ...] = (by_id,)
    else:
        order = (key.desc() if desc != backwards else key.asc(), by_id)
    rows = await store.rows(stmt.order_by(*order).limit(limit + 1))
    return _page(search, rows, limit, backwards, total, to_record)


def _page(
    search: ProductSearch,
    rows: Sequence[Any],
    limit: int,
    backwards: bool,
    total: int | None,
    to_record: Callable[[Any], ProductRecord],
) -> Page[ProductRecord]:
    page_rows = list(rows[:limit])
    if backwards:
        page_rows.reverse()
    items = [to_record(r) for r in page_rows]
    tag = _tag(search)
    known = _CURSORS.get
    cursors = tuple(
        known((tag, r[-1].__class__, r[-1], p.id)) or _cursor(tag, r[-1], p.id)
        for r, p in zip(page_rows, items, strict=True)
    )
    more = len(rows) > limit
    return Page(
        items=tuple(items),
        has_next_page=bool(search.before) if backwards else more,
        end_cursor=cursors[-1] if cursors else None,
        total_count=total or 0,
        cursors=cursors,
        has_previous_page=more if backwards else bool(search.after),
    )


async def facets(session: AsyncSession, search: ProductSearch) -> ProductFacets:
    where = conditions(search)

    async def counts(column: Any) -> tuple[FacetCount, ...]:
        n = func.count(m.Product.id)
        rows = await session.execute(
            select(column, n)
            .select_from(m.Product)
            .outerjoin(m.Brand, m.Brand.id == m.Product.brand_id)
            .outerjoin(m.Category, m.Category.id == m.Product.category_id)
            .where(column.is_not(None), *where)
            .group_by(column)
            .order_by(n.desc(), column.asc())
            .limit(FACET_LIMIT)
        )
        return tuple(FacetCount(str(value), int(count)) for value, count in rows)

    return ProductFacets(
        brands=await counts(m.Brand.name), categories=await counts(m.Category.name)
    )
