"""The Strawberry schema: one module per domain, composed here."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from commercegraph.schema.catalog import Product, Store
from commercegraph.schema.customer import Customer, Order
from commercegraph.schema.errors import code_error
from commercegraph.schema.query import Query

PARSER_CACHE_SIZE = 1024  # distinct operations kept parsed and validated per process


class CommerceGraphSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            code_error(error)


def build_schema(*, production: bool = False, extensions: list[Any] | None = None) -> CommerceGraphSchema:
    return CommerceGraphSchema(
        query=Query,
        types=[Product, Customer, Order, Store],
        extensions=[
            ParserCache(maxsize=PARSER_CACHE_SIZE),
            ValidationCache(maxsize=PARSER_CACHE_SIZE),
            *(extensions or []),
        ],
        config=StrawberryConfig(disable_field_suggestions=production),
    )
