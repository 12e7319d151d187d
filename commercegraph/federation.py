"""CommerceGraph as an Apollo Federation v2 subgraph (``CG_FEDERATION_ENABLED=true``).

Adds ``_service { sdl }`` and ``_entities(representations:)`` to Query and declares
``@key(fields: "id")`` on Product, Customer, Order and Store in the subgraph SDL. The keys
are the global IDs clients already see, and ``_entities`` resolves them exactly like
``node(id:)``, with the caller's rights. The default schema (``schema.graphql``) does not
change: the federated SDL is printed separately (``commercegraph export-schema
--federated``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, NewType

import strawberry
from strawberry.types import Info

from commercegraph.context import Context
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.schema import CommerceGraphSchema, build_schema
from commercegraph.schema.catalog import Product, Store
from commercegraph.schema.customer import Customer, Order
from commercegraph.schema.query import resolve_node

FEDERATION_VERSION = "v2.5"
ENTITY_TYPES = ("Product", "Customer", "Order", "Store")
MAX_REPRESENTATIONS = 100

AnyValue = NewType("AnyValue", object)
ANY_SCALAR = strawberry.scalar(
    name="_Any", serialize=lambda value: value, parse_value=lambda value: value
)
Entity = Annotated[Product | Customer | Order | Store, strawberry.union("_Entity")]


@strawberry.type(name="_Service")
class Service:
    sdl: str


def federated_sdl(base_sdl: str) -> str:
    """The subgraph SDL: the default schema with the federation link and the keys."""
    sdl = base_sdl
    for name in ENTITY_TYPES:
        pattern = re.compile(rf"^type {name}\b([^{{\n]*)\{{", re.MULTILINE)
        sdl, count = pattern.subn(rf'type {name}\1@key(fields: "id") {{', sdl)
        if count != 1:
            raise ValueError(f"type {name} not found once in the schema")
    link = (
        f'extend schema @link(url: "https://specs.apollo.dev/federation/{FEDERATION_VERSION}",'
        ' import: ["@key"])\n\n'
    )
    return link + sdl


async def _entity(ctx: Context, representation: Any) -> Any:
    if not isinstance(representation, dict):
        raise BadUserInput("A representation is an object", argument="representations")
    typename, global_id = representation.get("__typename"), representation.get("id")
    if typename not in ENTITY_TYPES or not isinstance(global_id, str):
        raise BadUserInput(
            f"Representations need __typename (one of {', '.join(ENTITY_TYPES)}) and id",
            argument="representations",
        )
    try:
        node = await resolve_node(ctx, global_id)
    except NotFound:
        return None
    return node if type(node).__name__ == typename else None


def federation_query(sdl: str) -> type:
    @strawberry.type
    class FederationQuery:
        @strawberry.field(name="_service")
        def service(self) -> Service:
            return Service(sdl=sdl)

        @strawberry.field(name="_entities")
        async def entities(
            self,
            info: Info[Context, None],
            representations: list[AnyValue],
        ) -> list[Entity | None]:
            if len(representations) > MAX_REPRESENTATIONS:
                raise BadUserInput(
                    f"At most {MAX_REPRESENTATIONS} representations", argument="representations"
                )
            return [await _entity(info.context, r) for r in representations]

    return FederationQuery


def build_federated_schema(
    *, production: bool = False, extensions: list[Any] | None = None
) -> CommerceGraphSchema:
    sdl = federated_sdl(str(build_schema(production=production)))
    return build_schema(
        production=production,
        extensions=extensions,
        extra_query_parts=(federation_query(sdl),),
        scalar_overrides={AnyValue: ANY_SCALAR},
    )
