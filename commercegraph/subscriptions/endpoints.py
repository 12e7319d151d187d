"""Subscriptions over WebSocket (``graphql-transport-ws``) and server-sent events.

WebSocket: ``ws://host/graphql``; a browser cannot set headers on the handshake, so the
token travels in ``connection_init``'s payload as ``{"Authorization": "Bearer …"}`` (an
``Authorization`` header on the handshake works too). A bad token closes with 4403.

SSE: ``POST /graphql/stream`` (or GET with ``query``/``variables`` parameters), the
graphql-sse protocol's distinct-connections mode: ``event: next`` per result, then
``event: complete``. The token is the usual ``Authorization`` header.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import jwt
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import process_result
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.auth import ANONYMOUS, Caller, authenticate
from commercegraph.config import Settings
from commercegraph.errors import Unauthenticated
from commercegraph.loaders import Loaders
from commercegraph.subscriptions.broker import Broker
from commercegraph.subscriptions.schema import SubscriptionContext


def _context(
    caller: Caller,
    registry: AdapterRegistry,
    settings: Settings,
    broker: Broker,
    authorization: str | None = None,
) -> SubscriptionContext:
    return SubscriptionContext(
        caller=caller,
        registry=registry,
        settings=settings,
        loaders=Loaders(registry),
        broker=broker,
        expires_at=token_expiry(authorization),
    )


def token_expiry(authorization: str | None) -> float | None:
    """The ``exp`` of a bearer token that ``authenticate`` has already accepted."""
    if not authorization:
        return None
    token = authorization.partition(" ")[2].strip()
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    exp = claims.get("exp")
    return float(exp) if isinstance(exp, int | float) else None


def _authorization(params: Any) -> str | None:
    if not isinstance(params, dict):
        return None
    for key in ("Authorization", "authorization"):
        value = params.get(key)
        if isinstance(value, str):
            return value
    return None


class SubscriptionView(GraphQL[SubscriptionContext, None]):
    def __init__(
        self, registry: AdapterRegistry, settings: Settings, broker: Broker, **kwargs: Any
    ) -> None:
        super().__init__(
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=list(settings.cors_origins),
            **kwargs,
        )
        self.registry = registry
        self.settings = settings
        self.broker = broker

    async def get_context(self, request: Any, response: Any) -> SubscriptionContext:
        authorization = request.headers.get("authorization")
        try:
            caller = authenticate(self.settings, authorization)
        except Unauthenticated:
            caller, authorization = ANONYMOUS, None  # connection_init may carry a good one
        return _context(caller, self.registry, self.settings, self.broker, authorization)

    async def on_ws_connect(self, context: SubscriptionContext) -> None:
        authorization = _authorization(context.connection_params)
        if authorization is None:
            return
        try:
            context.caller = authenticate(self.settings, authorization)
        except Unauthenticated as exc:
            raise ConnectionRejectionError({"message": exc.message}) from exc
        context.expires_at = token_expiry(authorization)


def _sse(event: str, data: Any) -> bytes:
    payload = "" if data is None else json.dumps(data, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n".encode()


def _not_a_subscription(query: str, operation_name: Any) -> Response | None:
    try:
        document = parse(query)
    except GraphQLError as exc:
        return _error_body("GRAPHQL_PARSE_FAILED", exc.message, 400)
    operation = get_operation_ast(
        document, operation_name if isinstance(operation_name, str) else None
    )
    if operation is None or operation.operation is not OperationType.SUBSCRIPTION:
        return _error_body(
            "BAD_REQUEST", "Only subscriptions are streamed; send queries to /graphql.", 400
        )
    return None


def _error_body(code: str, message: str, status: int) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status)


class ServerSentEvents:
    """``/graphql/stream``: one subscription per request, results as server-sent events."""

    def __init__(self, view: SubscriptionView) -> None:
        self.view = view

    async def handle(self, request: Request) -> Response:
        view = self.view
        authorization = request.headers.get("authorization")
        try:
            caller = authenticate(view.settings, authorization)
        except Unauthenticated as exc:
            return _error_body(exc.code, exc.message, 401)
        params = await self._params(request)
        if isinstance(params, Response):
            return params
        refusal = _not_a_subscription(params["query"], params.get("operationName"))
        if refusal is not None:
            return refusal
        context = _context(caller, view.registry, view.settings, view.broker, authorization)
        try:
            outcome = await view.schema.subscribe(
                params["query"],
                variable_values=params.get("variables"),
                context_value=context,
                operation_name=params.get("operationName"),
                operation_extensions=params.get("extensions"),
            )
        except Exception as exc:  # an operation that is not a subscription, and the like
            return _error_body("BAD_REQUEST", str(exc), 400)
        if isinstance(outcome, ExecutionResult):  # refused before it started
            return JSONResponse(process_result(outcome), status_code=400)
        results: Any = outcome

        async def stream() -> AsyncIterator[bytes]:
            try:
                async for result in results:
                    yield _sse("next", process_result(result))
                yield _sse("complete", None)
            finally:
                await results.aclose()

        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)

    async def _params(self, request: Request) -> dict[str, Any] | Response:
        if request.method == "GET":
            raw: dict[str, Any] = dict(request.query_params)
            for key in ("variables", "extensions"):
                if isinstance(raw.get(key), str):
                    try:
                        raw[key] = json.loads(raw[key])
                    except ValueError:
                        return _error_body("BAD_REQUEST", f"`{key}` is not JSON.", 400)
        else:
            body = await request.body()
            if len(body) > self.view.settings.limit_body_bytes:
                return _error_body("REQUEST_TOO_LARGE", "The request body is too large.", 413)
            try:
                raw = json.loads(body)
            except ValueError:
                return _error_body("BAD_REQUEST", "The request body is not valid JSON.", 400)
        if not isinstance(raw, dict) or not isinstance(raw.get("query"), str):
            return _error_body("BAD_REQUEST", "A `query` string is required.", 400)
        variables = raw.get("variables")
        if variables is not None and not isinstance(variables, dict):
            return _error_body("BAD_REQUEST", "`variables` must be an object.", 400)
        return raw


__all__ = ["ServerSentEvents", "SubscriptionView"]
