"""The gateway app: a container from ``bootstrap`` → loaders → schema → Starlette."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from commercegraph import bootstrap
from commercegraph.adapters.contentful.webhook import webhook_routes as contentful_webhook_routes
from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.auth import Caller, authenticate
from commercegraph.config import Settings
from commercegraph.context import Context
from commercegraph.errors import Unauthenticated
from commercegraph.events import events_endpoint
from commercegraph.federation import build_federated_schema
from commercegraph.http import ClientView, apq_extensions, install_clients
from commercegraph.http.health import healthz, readiness_endpoint
from commercegraph.limits import limit_extensions
from commercegraph.runtime import limit_malloc_arenas, settle_heap
from commercegraph.schema import build_schema
from commercegraph.security.graphql_http import GraphQLOverHTTP
from commercegraph.security.install import harden_app
from commercegraph.security.known_customer import KnownCustomer
from commercegraph.security.production import require_secrets
from commercegraph.services.locales import preferred_locale
from commercegraph.store.db import Store
from commercegraph.telemetry import OperationSpan, configure_logging, configure_telemetry
from commercegraph.telemetry.http import instrument_app, metrics_endpoint


class GraphQLView(ClientView, GraphQLOverHTTP):
    def __init__(self, registry: AdapterRegistry, settings: Settings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.registry = registry
        self.settings = settings

    def encode_json(self, data: object) -> str:
        # orjson is several times faster than json.dumps on result trees; text, not bytes,
        # so websocket messages stay text frames
        return orjson.dumps(data).decode()

    async def get_context(self, request: Any, response: Any) -> Context:
        caller: Caller = request.scope["state"]["caller"]
        ctx = Context.build(caller, self.registry, self.settings)
        ctx.locale = preferred_locale(request.headers.get("accept-language"))
        return ctx


class GraphQLEndpoint:
    """Authenticates the bearer token, then hands the request to Strawberry."""

    def __init__(self, view: GraphQLView, settings: Settings) -> None:
        self.view = view
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.setdefault("state", {})
        if "caller" not in state:  # the rate limit, when on, has verified the token already
            try:
                state["caller"] = authenticate(
                    self.settings, Request(scope).headers.get("authorization")
                )
            except Unauthenticated as exc:
                body = {"errors": [{"message": exc.message, "extensions": {"code": exc.code}}]}
                headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
                await JSONResponse(body, status_code=401, headers=headers)(scope, receive, send)
                return
        await self.view(scope, receive, send)


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    registry: AdapterRegistry | None = None,
) -> Starlette:
    settings = settings or bootstrap.load_settings()
    require_secrets(settings)
    configure_logging(settings.log_level)
    configure_telemetry(settings.otel)
    container = bootstrap.compose(settings, store=store, registry=registry)
    store, registry = container.store, container.registry
    apq, apq_store = apq_extensions(settings)
    schema = (build_federated_schema if settings.federation_enabled else build_schema)(
        production=settings.is_production,
        extensions=[OperationSpan, *apq, *limit_extensions(settings), KnownCustomer],
    )
    view = GraphQLView(
        registry,
        settings,
        schema=schema,
        graphql_ide=None if settings.is_production else "graphiql",
    )

    readyz = readiness_endpoint(
        store, registry, settings.database_url, require_backends=settings.ready_requires_backends
    )

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # checkouts a crashed process left half done are finished or undone before serving
        from commercegraph.usecases.checkout_recovery import recover

        limit_malloc_arenas()  # before the store's first connection starts its thread
        try:
            await recover(registry, settings)
        except Exception:  # serve anyway: each retried key resumes its own checkout
            logging.getLogger("commercegraph.checkout").exception("checkout recovery failed")
        settle_heap()  # the schema, registry and caches are built: keep them out of GC's way
        yield
        await registry.aclose()
        await store.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", GraphQLEndpoint(view, settings), methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            # gateway core
            Route("/metrics", metrics_endpoint),
            # customer 360 events
            Route("/events", events_endpoint(registry, settings)),
            # a content system's change notifications drop the content cache
            *contentful_webhook_routes(registry),
            # hardening
        ],
        lifespan=lifespan,
    )
    harden_app(app, settings, view)
    install_clients(app, settings, registry, schema, apq_store)
    instrument_app(app)
    app.state.settings = settings
    app.state.store = store
    app.state.registry = registry
    app.state.schema = schema
    return app
