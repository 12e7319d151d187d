"""What browsers and other clients need beyond plain GraphQL over HTTP: an offline GraphiQL,
CORS, compression, automatic persisted queries, subscriptions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.applications import Starlette
from starlette.responses import Response

from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.config import Settings
from commercegraph.http.apq import (
    AutomaticPersistedQueries,
    QueryStore,
    build_query_store,
    is_persisted_miss,
)
from commercegraph.http.compression import CompressionMiddleware
from commercegraph.http.cors import add_cors
from commercegraph.http.graphiql import graphiql_page, mount_assets
from commercegraph.security.http_errors import CodedHTTPError

__all__ = ["ClientView", "apq_extensions", "install_clients"]


def is_subscription(query: str | None, operation_name: str | None, max_tokens: int) -> bool:
    """Whether the operation to run is a subscription (parsed only when it may be one, and
    within the token limit: a larger document is refused by the limits anyway)."""
    if not query or "subscription" not in query:
        return False
    try:
        operation = get_operation_ast(parse(query, max_tokens=max_tokens), operation_name)
    except GraphQLError:
        return False  # the parse error is reported by the normal path
    return operation is not None and operation.operation is OperationType.SUBSCRIPTION


class ClientView:
    """Mixed into the GraphQL view, before Strawberry's: the offline IDE and APQ's status."""

    async def render_graphql_ide(self, request: Any) -> Response:
        return graphiql_page(request.url.path)

    async def execute_single(self, *args: Any, **kwargs: Any) -> Any:
        request_data = kwargs.get("request_data")
        settings: Settings | None = getattr(self, "settings", None)
        max_tokens = settings.limit_tokens if settings is not None else 1000
        if request_data is not None and is_subscription(
            request_data.query, request_data.operation_name, max_tokens
        ):
            raise CodedHTTPError(
                400,
                "BAD_REQUEST",
                "Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql "
                "and as server-sent events at /graphql/stream.",
            )
        return await super().execute_single(*args, **kwargs)  # type: ignore[misc]

    def create_response(self, response_data: Any, sub_response: Any) -> Any:
        response = super().create_response(response_data, sub_response)  # type: ignore[misc]
        if is_persisted_miss(response_data):
            response.status_code = 200  # Apollo's and urql's links retry on a 200 miss
        return response


def apq_extensions(settings: Settings) -> tuple[list[Any], QueryStore | None]:
    """The APQ extension factory (first, before the limits see the document) and its store.

    Off when a trusted-document allow-list is configured: only listed documents may run,
    so nothing a client sends may be registered."""
    if not settings.apq_enabled or settings.persisted_operations_path:
        return [], None
    store = build_query_store(settings)
    return [lambda: AutomaticPersistedQueries(store)], store


def install_clients(
    app: Starlette,
    settings: Settings,
    registry: AdapterRegistry,
    schema: Any,
    apq_store: QueryStore | None = None,
) -> None:
    """Mount GraphiQL's assets and the subscription endpoints; add compression, then CORS
    (outermost, so a preflight never meets authentication or the rate limit)."""
    closers: list[Any] = [apq_store] if apq_store is not None else []
    if not settings.is_production:
        mount_assets(app)
    if settings.subscriptions_enabled:
        from commercegraph.subscriptions import install_subscriptions

        closers.append(install_subscriptions(app, settings, registry, schema))
    if settings.compression_min_bytes > 0:
        app.add_middleware(
            CompressionMiddleware,
            min_bytes=settings.compression_min_bytes,
            gzip_level=settings.compression_gzip_level,
            brotli_quality=settings.compression_brotli_quality,
        )
    add_cors(app, settings)
    if closers:
        inner = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan(a: Starlette) -> AsyncIterator[Any]:
            async with inner(a) as state:
                yield state
            for closer in closers:
                await closer.aclose()

        app.router.lifespan_context = lifespan
