"""The root Query type."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.context import Context
from commercegraph.errors import NotFound
from commercegraph.ids import from_global_id
from commercegraph.resolvers import catalog, customer
from commercegraph.schema import product_search
from commercegraph.schema.catalog import Product, Store, StoreDistance
from commercegraph.schema.common import (
    After,
    Before,
    First,
    GeoPointInput,
    IdentifierKind,
    Last,
    Near,
    Node,
    RadiusKm,
)
from commercegraph.schema.customer import Customer, Order, viewer
from commercegraph.schema.product_search import ProductConnection, ProductSortInput

GlobalId = Annotated[strawberry.ID, strawberry.argument(description="A global ID.")]


async def resolve_node(ctx: Context, global_id: str) -> Node:
    type_name, local_id = from_global_id(global_id)
    loaders = ctx.loaders
    if type_name == "Product":
        product = await loaders.product_by_id.load(local_id)
        if product is not None:
            return Product.of(product)
    elif type_name == "Customer":
        return Customer.of(await customer.load_customer(ctx, local_id))
    elif type_name == "Order":
        order = await loaders.order_by_id.load(local_id)
        if order is not None and ctx.caller.can_see_customer(order.customer_id):
            return Order.of(order)
    elif type_name in ("Cart", "Bundle"):
        from commercegraph.schema.inventory import node as inventory_node

        return await inventory_node(ctx, type_name, local_id, global_id)
    elif type_name == "Store":
        location = await loaders.location_by_id.load(local_id)
        if location is not None and location.kind == "STORE":
            return Store.of(location)
    raise NotFound(f"No {type_name} with ID {global_id!r}")


@strawberry.type
class Query:
    @strawberry.field(description="Any object by its global ID, if the caller may see it.")
    async def node(self, info: Info[Context, None], id: GlobalId) -> Node | None:
        return await resolve_node(info.context, id)

    @strawberry.field(description="The caller, from the bearer token (customer scope).")
    async def me(self, info: Info[Context, None]) -> Customer | None:
        return await viewer(info)

    @strawberry.field(description="A customer by ID (staff scope).")
    async def customer(self, info: Info[Context, None], id: GlobalId) -> Customer | None:
        info.context.caller.require_staff()
        node = await resolve_node(info.context, id)
        if not isinstance(node, Customer):
            raise NotFound(f"No Customer with ID {id!r}")
        return node

    @strawberry.field(description="A customer by any of their identifiers (staff scope).")
    async def customer_by_identifier(
        self,
        info: Info[Context, None],
        kind: Annotated[IdentifierKind, strawberry.argument(description="The identifier's kind.")],
        value: Annotated[str, strawberry.argument(description="The identifier itself.")],
    ) -> Customer | None:
        return Customer.of(await customer.by_identifier(info.context, kind.value, value))

    @strawberry.field(description="One product by global ID or by sku.")
    async def product(
        self,
        info: Info[Context, None],
        id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The product's global ID.")
        ] = None,
        sku: Annotated[str | None, strawberry.argument(description="The product's sku.")] = None,
    ) -> Product | None:
        return Product.of(await catalog.product_by_id_or_sku(info.context, id, sku))

    @strawberry.field(
        description="Search the catalog: sorted, with facets, paged forwards "
        "(`first`/`after`) or backwards (`last`/`before`)."
    )
    async def products(
        self,
        info: Info[Context, None],
        query: Annotated[
            str | None, strawberry.argument(description="Words every product must match.")
        ] = None,
        category: Annotated[
            str | None, strawberry.argument(description="A category's id or name.")
        ] = None,
        first: Annotated[
            int,
            strawberry.argument(
                description="How many products from the start (at most the page limit); "
                "ignored when `last` is given."
            ),
        ] = 20,
        after: After = None,
        last: Last = None,
        before: Before = None,
        sort: Annotated[
            ProductSortInput | None,
            strawberry.argument(description="The order; RELEVANCE when not given."),
        ] = None,
    ) -> ProductConnection:
        return await product_search.search(info, query, category, first, after, last, before, sort)

    @strawberry.field(description="Stores, nearest first when `near` is given.")
    async def stores(
        self,
        info: Info[Context, None],
        near: Near = None,
        radius_km: RadiusKm = None,
        first: First = 10,
    ) -> list[Store]:
        point = (near.lat, near.lon) if near else None
        return [
            Store.of(loc)
            for loc, _ in await catalog.stores_near(info.context, point, radius_km, first)
        ]

    @strawberry.field(description="Stores with their distance from `near`, nearest first.")
    async def stores_by_distance(
        self,
        info: Info[Context, None],
        near: Annotated[GeoPointInput, strawberry.argument(description="Where to measure from.")],
        radius_km: RadiusKm = None,
        first: First = 10,
    ) -> list[StoreDistance]:
        found = await catalog.stores_near(info.context, (near.lat, near.lon), radius_km, first)
        return [
            StoreDistance(store=Store.of(loc), distance_km=round(d, 3) if d is not None else None)
            for loc, d in found
        ]
