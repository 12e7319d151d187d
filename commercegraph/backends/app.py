"""A reference backend: one domain's port served over the REST contract as a Starlette app.

Routes are built from ``adapters.rest.endpoints``, so each port method is one route and a
method added to a port is served without a change here. Requests are counted per
operation (``GET /_stats``) so tests and benchmarks can see how many calls arrived.
"""

from __future__ import annotations

import hmac
import inspect
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from commercegraph.adapters.rest.codec import WireFormatError, decode, encode
from commercegraph.adapters.rest.endpoints import Endpoint, endpoints
from commercegraph.errors import CommerceGraphError
from commercegraph.telemetry import tracer
from commercegraph.telemetry.http import instrument_app

log = logging.getLogger("commercegraph.backends")

MAX_BATCH = 1_000  # keys per request; a larger batch is a client bug, not a workload
STATUS = {
    "BAD_USER_INPUT": 400,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "OUT_OF_STOCK": 409,
    "INSUFFICIENT_FUNDS": 409,
}

Handler = Callable[[Request], Awaitable[Response]]


def error_response(code: str, message: str, extensions: dict[str, Any] | None = None) -> Response:
    body = {"error": {"code": code, "message": message, "extensions": extensions or {}}}
    return JSONResponse(body, status_code=STATUS.get(code, 500))


async def _arguments(spec: Endpoint, request: Request) -> dict[str, Any]:
    if spec.kind == "all":
        return {}
    if spec.kind == "ids" and request.method == "GET":
        raw = request.query_params.get("ids", "")
        keys: list[Any] = [k for k in raw.split(",") if k] if raw else []
    else:
        try:
            body = await request.json()
        except ValueError as exc:
            raise WireFormatError("the body is not JSON") from exc
        if not isinstance(body, dict):
            raise WireFormatError("the body must be a JSON object")
        if spec.kind == "write":
            return {
                name: decode(tp, body.get(name))
                for name, tp in zip(spec.params, spec.param_types, strict=True)
                if name in body
            }
        keys = decode(list[spec.key_type], body.get("keys"))  # type: ignore[name-defined]
    if len(keys) > MAX_BATCH:
        raise WireFormatError(f"at most {MAX_BATCH} keys per request")
    return {spec.params[0]: keys}


def _route_handler(
    domain: str, adapter: Any, spec: Endpoint, calls: Counter[str], token: str | None
) -> Handler:
    method = getattr(adapter, spec.operation)
    expected = f"Bearer {token}" if token else None
    required = {
        name
        for name, p in inspect.signature(method).parameters.items()
        if p.default is inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    }

    async def handle(request: Request) -> Response:
        given = request.headers.get("authorization", "")
        if expected is not None and not hmac.compare_digest(given.encode(), expected.encode()):
            return error_response("UNAUTHENTICATED", "A valid bearer token is required")
        calls[spec.operation] += 1
        # The server span (and the caller's traceparent) come from the ASGI instrumentation.
        with tracer.start_as_current_span(f"{domain}-backend.{spec.operation}"):
            try:
                arguments = await _arguments(spec, request)
                missing = sorted(required - arguments.keys())
                if missing:
                    raise WireFormatError(f"missing {', '.join(missing)}")
                result = await method(**arguments)
            except WireFormatError as exc:
                return error_response("BAD_USER_INPUT", str(exc))
            except CommerceGraphError as exc:
                return error_response(exc.code, exc.message, exc.extensions)
            except IntegrityError:
                # a key the request names does not exist, or the row it would add does
                return error_response("CONFLICT", "The request conflicts with stored data")
            except (ValueError, OverflowError) as exc:
                # the implementation refused a value the wire format alone could not rule out
                return error_response("BAD_USER_INPUT", str(exc) or type(exc).__name__)
            except Exception:
                log.exception("%s backend failed on %s", domain, spec.operation)
                return error_response("INTERNAL_SERVER_ERROR", "Internal server error")
        return JSONResponse({"item" if spec.kind == "write" else "items": encode(result)})

    return handle


def create_backend_app(domain: str, adapter: Any, token: str | None = None) -> Starlette:
    """Serve ``adapter`` (any implementation of the domain's port) over the REST contract."""
    calls: Counter[str] = Counter()
    routes: list[Route] = []
    for spec in endpoints(domain).values():
        handler = _route_handler(domain, adapter, spec, calls, token)
        if spec.kind == "write":
            routes.append(Route(spec.path, handler, methods=["POST"]))
            continue
        if spec.kind in ("ids", "all"):
            routes.append(Route(spec.path, handler, methods=["GET"]))
        if spec.kind in ("ids", "keys"):
            routes.append(Route(f"{spec.path}/batch", handler, methods=["POST"]))

    erase = getattr(adapter, "erase_customer", None)
    if erase is not None:

        async def erasure(request: Request) -> Response:
            given = request.headers.get("authorization", "")
            if token and not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return error_response("UNAUTHENTICATED", "A valid bearer token is required")
            body = await request.json()
            customer_id = body.get("customer_id") if isinstance(body, dict) else None
            if not isinstance(customer_id, str) or not customer_id:
                return error_response("BAD_USER_INPUT", "customer_id is required")
            calls["erase_customer"] += 1
            await erase(customer_id)
            return JSONResponse({"item": {"customerId": customer_id}})

        routes.append(Route("/privacy/erasure", erasure, methods=["POST"]))

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok", "domain": domain})

    async def stats(_: Request) -> Response:
        return JSONResponse({"domain": domain, "calls": dict(calls)})

    async def openapi(_: Request) -> Response:
        from commercegraph.backends.openapi import document

        return JSONResponse(document(domain))

    routes += [
        Route("/healthz", healthz),
        Route("/_stats", stats),
        Route("/openapi.json", openapi),
    ]
    app = Starlette(routes=routes)
    instrument_app(app)
    app.state.calls = calls
    return app
