"""The Strawberry schema: one module per domain, composed here."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from commercegraph.limits.validation import LimitRulesFirst, ValidateRest, cached_validation
from commercegraph.schema.campaigns import CampaignMutation, CampaignQuery
from commercegraph.schema.cart import CartMutation
from commercegraph.schema.catalog import Product, Store
from commercegraph.schema.common import SCALAR_MAP
from commercegraph.schema.customer import Customer, Order
from commercegraph.schema.delivery import DeliveryMutation, DeliveryQuery
from commercegraph.schema.errors import code_error
from commercegraph.schema.execution import execution_context_class, lean_resolvers
from commercegraph.schema.extension_hooks import ExtensionsRunner
from commercegraph.schema.gateway import GatewayMutation, GatewayQuery
from commercegraph.schema.instore import InStoreMutation
from commercegraph.schema.inventory import InventoryQuery
from commercegraph.schema.naming import CachedNameConverter
from commercegraph.schema.order_lifecycle import OrderLifecycleMutation
from commercegraph.schema.personalization import PersonalizationMutation
from commercegraph.schema.privacy import PrivacyMutation
from commercegraph.schema.query import Query as CoreQuery
from commercegraph.schema.tenders import TenderMutation, TenderQuery
from commercegraph.schema.wallet import WalletMutation
from commercegraph.subscriptions.schema import Subscription

# Each domain contributes its root fields as a class of its own; they are merged here, in
# this order (the order of the published schema's root fields).
from commercegraph.schema.pricing import PricingMutation, PricingQuery  # isort: skip
from commercegraph.schema.customer360 import Customer360Mutation, Customer360Query  # isort: skip

QUERY_PARTS: list[type] = [
    CoreQuery,
    PricingQuery,
    Customer360Query,
    GatewayQuery,
    InventoryQuery,
    TenderQuery,
    DeliveryQuery,
    CampaignQuery,
]
MUTATION_PARTS: list[type] = [
    PricingMutation,
    Customer360Mutation,
    WalletMutation,
    PersonalizationMutation,
    GatewayMutation,
    CartMutation,
    OrderLifecycleMutation,
    InStoreMutation,
    TenderMutation,
    PrivacyMutation,
    DeliveryMutation,
    CampaignMutation,
]

PARSER_CACHE_SIZE = 1024  # distinct operations kept parsed and validated per process


class CommerceGraphSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            code_error(error)

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return ExtensionsRunner(execution_context=execution_context, extensions=extensions)


QUERY_DESCRIPTION = "What a shopper, the app or staff can read: start at `me` or `products`."
MUTATION_DESCRIPTION = "What changes state: carts, checkout, wallet, lists, rules, identities."


def _merged(name: str, parts: list[type], description: str) -> type:
    # the domains' root fields as one type; a name given twice would shadow silently
    names = [f.name for p in parts for f in p.__strawberry_definition__.fields]  # type: ignore[attr-defined]
    if len(names) != len(set(names)):
        raise TypeError(f"{name} has root fields defined twice")
    return strawberry.type(type(name, tuple(parts), {}), description=description)


def build_schema(
    *,
    production: bool = False,
    extensions: list[Any] | None = None,
    extra_query_parts: tuple[type, ...] = (),
    scalar_overrides: dict[object, Any] | None = None,
) -> CommerceGraphSchema:
    validate = cached_validation(PARSER_CACHE_SIZE)
    schema = CommerceGraphSchema(
        query=_merged("Query", [*QUERY_PARTS, *extra_query_parts], QUERY_DESCRIPTION),
        mutation=_merged("Mutation", MUTATION_PARTS, MUTATION_DESCRIPTION),
        subscription=Subscription,
        types=[Product, Customer, Order, Store],
        extensions=[
            lambda: LimitRulesFirst(validate),  # its validation pass runs before the others'
            # then: limits refuse a document before the caches parse or keep it
            *(extensions or []),
            lambda: ParserCache(maxsize=PARSER_CACHE_SIZE),
            lambda: ValidateRest(validate),
        ],
        config=StrawberryConfig(
            disable_field_suggestions=production,
            name_converter=CachedNameConverter(),
            scalar_map={**SCALAR_MAP, **(scalar_overrides or {})},
        ),
    )
    schema.execution_context_class = execution_context_class(schema._schema)
    lean_resolvers(schema)
    return schema
