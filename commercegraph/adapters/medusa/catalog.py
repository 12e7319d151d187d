"""Medusa products and categories as our records, and search pages in the native conventions.

A Medusa product maps to one ``ProductRecord``: its first variant (by ``variant_rank``) is the
default and gives the record its ``sku``; every variant and option axis is kept. What Medusa
has no field for (brand, rating, tier, release date, attributes) comes from product metadata.

Medusa's Store API filters by text and category but cannot order by price, and pages by
offset. Search therefore reads the whole filtered result (bounded by ``SEARCH_SCAN_LIMIT``),
orders it as the native store does (ties by product id) and pages it with the native
cursors: ``(sort tag, sort key, product id)``, so a cursor survives a catalogue change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from commercegraph.adapters.base import (
    PRODUCT_SORT_FIELDS,
    CategoryRecord,
    FacetCount,
    Page,
    ProductFacets,
    ProductRecord,
    ProductSearch,
    VariantRecord,
)
from commercegraph.errors import BadUserInput
from commercegraph.services.pagination import decode_cursor, encode_cursor

SEARCH_SCAN_LIMIT = 2000  # products one search may read; a broader one needs a narrower query
NATURALLY_DESCENDING = frozenset({"RELEVANCE", "NEWEST"})
NO_PRICE_LAST = 2**53 - 1
FACET_LIMIT = 50
PRODUCT_FIELDS = (
    "id,title,handle,external_id,created_at,+metadata,*options,*options.values,"
    "*variants,*variants.options,*categories,*tags"
)
# what ordering and facets need: a search reads these for every match, the rest for a page
SORT_FIELDS = "id,title,created_at,+metadata,*categories"
PRICE_FIELDS = ",variants.id,variants.variant_rank,variants.created_at,*variants.calculated_price"
ACCESSORY = "ACCESSORY"  # the relation kind Medusa's product metadata can answer
ACCESSORIES = "accessories"  # product metadata: the handles of the product's accessories
Chosen = list[tuple[Any, str]]  # (sort key, product id) of a page, in order


def minor(amount: Any) -> int:
    """Medusa's major-unit amount (a JSON number read as Decimal) in minor units."""
    return int((Decimal(str(amount)) * 100).to_integral_value())


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _released(product: Mapping[str, Any]) -> datetime | None:
    raw = (product.get("metadata") or {}).get("released_at") or product.get("created_at")
    return datetime.fromisoformat(str(raw).replace("Z", "+00:00")) if raw else None


def default_variant(product: Mapping[str, Any]) -> Mapping[str, Any] | None:
    variants = product.get("variants") or []
    ranked = sorted(variants, key=lambda v: (v.get("variant_rank") or 0, str(v.get("created_at"))))
    return ranked[0] if ranked else None


def _variant(variant: Mapping[str, Any], option_titles: Mapping[str, str]) -> VariantRecord:
    options = tuple(
        (option_titles.get(str(o.get("option_id")), str(o.get("option_id"))), str(o["value"]))
        for o in variant.get("options") or []
    )
    return VariantRecord(
        id=str(variant["id"]),
        sku=str(variant.get("sku") or ""),
        name=str(variant.get("title") or ""),
        options=options,
        attributes={"medusa_variant_rank": variant.get("variant_rank") or 0},
    )


def to_product(product: Mapping[str, Any]) -> ProductRecord:
    metadata = product.get("metadata") or {}
    option_titles = {str(o["id"]): str(o["title"]) for o in product.get("options") or []}
    default = default_variant(product)
    ranked = sorted(
        product.get("variants") or [],
        key=lambda v: (v.get("variant_rank") or 0, str(v.get("created_at"))),
    )
    categories = product.get("categories") or []
    category = categories[0] if categories else None
    attributes = dict(metadata.get("attributes") or {})
    if product.get("external_id"):
        attributes.setdefault("external_id", product["external_id"])
    return ProductRecord(
        id=str(product["id"]),
        sku=str(default.get("sku") or "") if default else "",
        name=str(product.get("title") or ""),
        brand=metadata.get("brand"),
        category=str(category["name"]) if category else None,
        category_id=str(category["id"]) if category else None,
        tags=tuple(str(t["value"]) for t in product.get("tags") or []),
        rating=_number(metadata.get("rating")),
        tier=int(metadata.get("tier") or 1),
        floor_price=int(metadata.get("floor_price") or 0),
        low_stock_threshold=int(metadata.get("low_stock_threshold") or 5),
        released_at=_released(product),
        attributes=attributes,
        variants=tuple(_variant(v, option_titles) for v in ranked),
        options=tuple(
            (str(o["title"]), tuple(str(v["value"]) for v in o.get("values") or []))
            for o in product.get("options") or []
        ),
        handle=product.get("handle"),
    )


def accessory_handles(product: Mapping[str, Any]) -> list[str]:
    listed = (product.get("metadata") or {}).get(ACCESSORIES)
    return [str(h) for h in listed] if isinstance(listed, list) else []


def to_category(category: Mapping[str, Any]) -> CategoryRecord:
    parent = category.get("parent_category_id")
    return CategoryRecord(
        id=str(category["id"]),
        name=str(category["name"]),
        parent_id=str(parent) if parent else None,
    )


def list_price(product: Mapping[str, Any]) -> int | None:
    """The default variant's calculated price (the region's currency), in minor units."""
    variant = default_variant(product)
    price = (variant or {}).get("calculated_price") or {}
    amount = price.get("calculated_amount")
    return None if amount is None else minor(amount)


def _descending(search: ProductSearch) -> bool:
    if search.descending is None:
        return search.sort in NATURALLY_DESCENDING
    return search.descending


def _tag(search: ProductSearch) -> str:
    return f"{search.sort}:{'d' if _descending(search) else 'a'}:{search.currency or ''}"


def sort_key(search: ProductSearch) -> Callable[[Mapping[str, Any]], str | int]:
    if search.sort not in PRODUCT_SORT_FIELDS:
        raise BadUserInput(f"Cannot sort products by {search.sort!r}", argument="sort")
    if search.sort == "NAME":
        return lambda p: str(p.get("title") or "").lower()
    if search.sort == "NEWEST":
        return lambda p: (_released(p) or datetime.min).isoformat()
    if search.sort == "PRICE":
        missing = -1 if _descending(search) else NO_PRICE_LAST
        return lambda p: price if (price := list_price(p)) is not None else missing
    words = (search.query or "").lower().split()
    return lambda p: sum(w in str(p.get("title") or "").lower() for w in words)


def window(search: ProductSearch, products: Sequence[Mapping[str, Any]]) -> tuple[Chosen, bool]:
    """The page's (key, id) pairs of the whole ordered result, before/after a native-style
    cursor, and whether more lie beyond it."""
    key = sort_key(search)
    desc = _descending(search)
    keyed = [(key(p), str(p["id"])) for p in products]
    # by key in the sort's direction, ties by id ascending (two stable passes)
    keyed.sort(key=lambda row: row[1])
    keyed.sort(key=lambda row: row[0], reverse=desc)
    backwards = search.last is not None
    cursor = search.before if backwards else search.after
    start, stop = 0, len(keyed)
    if cursor:
        argument = "before" if backwards else "after"
        found_tag, value, product_id = decode_cursor(cursor, 3)
        if found_tag != _tag(search):
            raise BadUserInput(
                f"The cursor in `{argument}` is from another sort order", argument=argument
            )
        position = _position(keyed, value, str(product_id), desc)
        if backwards:
            stop = position
        else:
            start = position + (
                1 if position < len(keyed) and keyed[position][1] == product_id else 0
            )
    rows = keyed[start:stop]
    if backwards:
        limit = search.last or 0
        return rows[max(0, len(rows) - limit) :], len(rows) > limit
    return rows[: search.first], len(rows) > search.first


def page(
    search: ProductSearch,
    chosen: Chosen,
    more: bool,
    total: int,
    records: Mapping[str, ProductRecord],
) -> Page[ProductRecord]:
    backwards = search.last is not None
    present = [(k, pid) for k, pid in chosen if pid in records]
    tag = _tag(search)
    cursors = tuple(encode_cursor(tag, k, pid) for k, pid in present)
    return Page(
        items=tuple(records[pid] for _, pid in present),
        has_next_page=bool(search.before) if backwards else more,
        end_cursor=cursors[-1] if cursors else None,
        total_count=total,
        cursors=cursors,
        has_previous_page=more if backwards else bool(search.after),
    )


def _position(keyed: Sequence[tuple[Any, str]], value: Any, product_id: str, desc: bool) -> int:
    """Index of the first row at or past the cursor's (key, id) in sort order."""
    for index, (key, pid) in enumerate(keyed):
        if type(key) is not type(value):
            raise BadUserInput("Malformed cursor", argument="after")
        ahead = (key < value if desc else key > value) or (key == value and pid >= product_id)
        if ahead:
            return index
    return len(keyed)


def facets(products: Sequence[Mapping[str, Any]]) -> ProductFacets:
    brands: dict[str, int] = {}
    categories: dict[str, int] = {}
    for product in products:
        brand = (product.get("metadata") or {}).get("brand")
        if brand:
            brands[str(brand)] = brands.get(str(brand), 0) + 1
        for category in (product.get("categories") or [])[:1]:
            name = str(category["name"])
            categories[name] = categories.get(name, 0) + 1

    def counted(counts: dict[str, int]) -> tuple[FacetCount, ...]:
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return tuple(FacetCount(value, count) for value, count in ordered[:FACET_LIMIT])

    return ProductFacets(brands=counted(brands), categories=counted(categories))
