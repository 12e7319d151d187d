"""The root Query type."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from commercegraph.context import Context
from commercegraph.errors import NotFound
from commercegraph.ids import from_global_id
from commercegraph.resolvers import catalog, customer
from commercegraph.schema.catalog import Product, ProductConnection, Store, StoreDistance
from commercegraph.schema.common import GeoPointInput, IdentifierKind, Node
from commercegraph.schema.customer import Customer, Order


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
    elif type_name in ("Cart", "Bundle"):  # issue 5
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
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        return await resolve_node(info.context, id)

    @strawberry.field(description="The caller, from the bearer token (customer scope).")
    async def me(self, info: Info[Context, None]) -> Customer | None:
        return Customer.of(await customer.me(info.context))

    @strawberry.field(description="A customer by ID (staff scope).")
    async def customer(self, info: Info[Context, None], id: strawberry.ID) -> Customer | None:
        info.context.caller.require_staff()
        node = await resolve_node(info.context, id)
        if not isinstance(node, Customer):
            raise NotFound(f"No Customer with ID {id!r}")
        return node

    @strawberry.field(description="A customer by any of their identifiers (staff scope).")
    async def customer_by_identifier(
        self, info: Info[Context, None], kind: IdentifierKind, value: str
    ) -> Customer | None:
        return Customer.of(await customer.by_identifier(info.context, kind.value, value))

    @strawberry.field(description="One product by global ID or by sku.")
    async def product(
        self, info: Info[Context, None], id: strawberry.ID | None = None, sku: str | None = None
    ) -> Product | None:
        return Product.of(await catalog.product_by_id_or_sku(info.context, id, sku))

    @strawberry.field(description="Search the catalog; Relay pagination.")
    async def products(
        self,
        info: Info[Context, None],
        query: str | None = None,
        category: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> ProductConnection:
        page = await catalog.search_products(info.context, query, category, first, after)
        return ProductConnection.of(page)

    @strawberry.field(description="Stores, nearest first when `near` is given.")
    async def stores(
        self,
        info: Info[Context, None],
        near: GeoPointInput | None = None,
        radius_km: float | None = None,
        first: int = 10,
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
        near: GeoPointInput,
        radius_km: float | None = None,
        first: int = 10,
    ) -> list[StoreDistance]:
        found = await catalog.stores_near(info.context, (near.lat, near.lon), radius_km, first)
        return [
            StoreDistance(store=Store.of(loc), distance_km=round(d, 3) if d is not None else None)
            for loc, d in found
        ]
