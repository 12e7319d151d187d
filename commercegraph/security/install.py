"""Wire the transport-level protection into the app built by the composition root."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException

from commercegraph.config import Settings
from commercegraph.limits.batching import BatchPolicy
from commercegraph.security.graphql_http import GraphQLOverHTTP
from commercegraph.security.http_errors import starlette_http_error, unexpected_error
from commercegraph.security.ratelimit import RateLimitMiddleware, RedisLimiter, build_limiter


def harden_app(app: Starlette, settings: Settings, view: GraphQLOverHTTP) -> None:
    """Coded HTTP errors everywhere, the view's body and batch limits, the rate limit."""
    view.batch_policy = BatchPolicy(settings.batch_max_operations)
    view.max_body_bytes = settings.limit_body_bytes
    view.max_json_depth = settings.limit_json_depth
    app.add_exception_handler(HTTPException, starlette_http_error)
    app.add_exception_handler(Exception, unexpected_error)
    enabled = settings.rate_limit_enabled
    if not (settings.is_production if enabled is None else enabled):
        return
    limiter = build_limiter(settings)
    app.state.limiter = limiter
    app.add_middleware(RateLimitMiddleware, limiter=limiter, settings=settings)
    if isinstance(limiter, RedisLimiter):
        inner = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan(a: Starlette) -> AsyncIterator[Any]:
            async with inner(a) as state:
                yield state
            await limiter.aclose()

        app.router.lifespan_context = lifespan
