"""Catalog search in the graph: sort orders, facets and the product connection."""

from __future__ import annotations

import asyncio
from enum import Enum

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import Page, ProductRecord, ProductSearch
from commercegraph.context import Context
from commercegraph.loaders import warm_facets
from commercegraph.resolvers import catalog as resolve
from commercegraph.schema import prefetch
from commercegraph.schema.catalog import Product, prefetch_products
from commercegraph.schema.common import PageInfo
from commercegraph.schema.described import described_enum


@described_enum(
    "What products can be sorted by.",
    RELEVANCE="How many of the query's words the name holds (ties by id); best first by default.",
    NAME="The name, A to Z by default.",
    PRICE="The list price (before rules) in the sort's currency, cheapest first by default; "
    "products without one come last.",
    NEWEST="The release date, newest first by default.",
)
class ProductSortField(Enum):
    RELEVANCE = "RELEVANCE"
    NAME = "NAME"
    PRICE = "PRICE"
    NEWEST = "NEWEST"


@described_enum(
    "Which way a sort runs over the field's values.",
    ASC="Smallest, earliest or A first.",
    DESC="Largest, latest or Z first.",
)
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="How to order a product search.")
class ProductSortInput:
    field: ProductSortField = strawberry.field(
        default=ProductSortField.RELEVANCE, description="What to sort by."
    )
    direction: SortDirection | None = strawberry.field(
        default=None, description="Which way; the field's natural order when not given."
    )
    currency: str | None = strawberry.field(
        default=None,
        description="PRICE: the ISO 4217 currency whose list price orders; the default "
        "currency when not given.",
    )


@strawberry.type(description="One value of a facet and how many products of the search hold it.")
class FacetValue:
    value: str = strawberry.field(description="The brand or category name.")
    count: int = strawberry.field(description="Products of the whole search with this value.")


@strawberry.type(
    description="Brand and category counts over the whole search (every page), most first."
)
class ProductFacets:
    brands: list[FacetValue] = strawberry.field(description="Products per brand.")
    categories: list[FacetValue] = strawberry.field(description="Products per category.")


@strawberry.type(description="A product in a page of a search, with its cursor.")
class ProductEdge:
    node: Product = strawberry.field(description="The product.")
    cursor: str = strawberry.field(description="Pass as `after` or `before` to page from here.")


@strawberry.type(description="A page of products (Relay cursor connection).")
class ProductConnection:
    edges: list[ProductEdge] = strawberry.field(description="The products of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    total_count: int | None = strawberry.field(description="Products matching the search.")
    _search: strawberry.Private[ProductSearch]

    @strawberry.field(description="Brand and category counts for the search (not just the page).")
    async def facets(self, info: Info[Context, None]) -> ProductFacets:
        found = await resolve.product_facets(info.context, self._search)
        return ProductFacets(
            brands=[FacetValue(value=f.value, count=f.count) for f in found.brands],
            categories=[FacetValue(value=f.value, count=f.count) for f in found.categories],
        )

    @classmethod
    def of(cls, page: Page[ProductRecord], search: ProductSearch) -> ProductConnection:
        return cls(
            edges=[
                ProductEdge(node=Product.of(p), cursor=c)
                for p, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.of(page),
            total_count=page.total_count,
            _search=search,
        )


async def search(
    info: Info[Context, None],
    query: str | None,
    category: str | None,
    first: int,
    after: str | None,
    last: int | None,
    before: str | None,
    sort: ProductSortInput | None,
) -> ProductConnection:
    order = sort or ProductSortInput()
    key = resolve.product_search(
        info.context,
        query,
        category,
        first,
        after,
        sort=order.field.value,
        descending=None if order.direction is None else order.direction is SortDirection.DESC,
        currency=order.currency,
        last=last,
        before=before,
    )
    connection = ProductConnection.of(await resolve.search_products(info.context, key), key)
    products = prefetch_products(info, [edge.node for edge in connection.edges], ("edges", "node"))
    if prefetch.items_will_be_asked(info, ("facets",)):  # the facets beside the page's fields
        facets = warm_facets(info.context.loaders, resolve.facets_search(key))
        await asyncio.gather(products, facets)
    else:
        await products
    return connection
