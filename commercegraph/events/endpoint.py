"""``POST /events``: authenticate, parse, ingest; every error is ``application/problem+json``
(RFC 9457) carrying our stable ``code`` and the fields it is about."""

from __future__ import annotations

import hmac
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from commercegraph.auth import authenticate
from commercegraph.errors import BackendError, CommerceGraphError, Unauthenticated
from commercegraph.events.handlers import HandlerContext
from commercegraph.events.ingest import EventIngestor, EventSource
from commercegraph.events.schema import FieldError, parse_events
from commercegraph.security import json_depth
from commercegraph.store.models.base import utcnow

log = logging.getLogger("commercegraph.events")

PROBLEM_JSON = "application/problem+json"
STATUS = {
    "BAD_USER_INPUT": 422,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "ILLEGAL_TRANSITION": 409,
}
TITLES = {
    400: "Malformed request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid event",
    500: "Internal server error",
    503: "Backend unavailable",
}


class Problem(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        errors: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.errors = errors or []
        self.headers = headers or {}

    def response(self) -> Response:
        body: dict[str, Any] = {
            "type": f"urn:commercegraph:problem:{self.code.lower().replace('_', '-')}",
            "title": TITLES.get(self.status, "Error"),
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if self.errors:
            body["errors"] = [{"field": f, "message": msg} for f, msg in self.errors]
        return JSONResponse(
            body, status_code=self.status, headers=self.headers, media_type=PROBLEM_JSON
        )


def _from_error(exc: CommerceGraphError) -> Problem:
    status = 503 if isinstance(exc, BackendError) else STATUS.get(exc.code, 500)
    path = exc.extensions.get("field")
    errors = [(str(path), exc.message)] if path else []
    headers = {"WWW-Authenticate": "Bearer, ApiKey"} if status == 401 else None
    return Problem(status, exc.code, exc.message, errors, headers)


class EventsEndpoint:
    """An ASGI app (not a Starlette function endpoint) so that other methods get a
    problem+json 405 rather than a plain-text one."""

    def __init__(self, ctx: HandlerContext) -> None:
        self.ctx = ctx
        self.ingestor = EventIngestor(ctx)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await self._handle(request)
        except Problem as problem:
            response = problem.response()
        except CommerceGraphError as exc:
            response = _from_error(exc).response()
        except Exception:  # masked: the client gets a problem, the log gets the trace
            log.exception("event ingestion failed")
            response = Problem(500, "INTERNAL_SERVER_ERROR", "Internal server error").response()
        await response(scope, receive, send)

    async def _handle(self, request: Request) -> Response:
        if request.method != "POST":
            raise Problem(405, "METHOD_NOT_ALLOWED", "Use POST", headers={"Allow": "POST"})
        source = self._source(request)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            raise Problem(415, "UNSUPPORTED_MEDIA_TYPE", "Send application/json")
        body = await self._body(request)
        depth_limit = self.ctx.settings.limit_json_depth
        if json_depth.too_deep(body, depth_limit):
            raise Problem(400, json_depth.CODE, f"JSON may nest at most {depth_limit} levels")
        try:
            events, batch = parse_events(body, self.ctx.settings.events_max_batch)
        except FieldError as exc:
            status = 400 if exc.errors and exc.errors[0][0] == "body" else 422
            raise Problem(status, "BAD_USER_INPUT", str(exc), exc.errors) from exc
        results = await self.ingestor.ingest(source, events, batch, utcnow())
        return JSONResponse({"results": [r.as_json() for r in results]})

    def _source(self, request: Request) -> EventSource:
        key = request.headers.get("x-api-key")
        if key is not None:
            for known, channel in self.ctx.settings.events_api_keys.items():
                if hmac.compare_digest(key.encode(), known.encode()):
                    return EventSource("channel", channel=channel)
            raise Unauthenticated("Unknown API key")
        caller = authenticate(self.ctx.settings, request.headers.get("authorization"))
        if caller.is_anonymous:
            raise Unauthenticated("Send a channel API key (X-API-Key) or a bearer token")
        if caller.is_staff:
            return EventSource("staff")
        return EventSource("customer", customer_id=caller.require_customer())

    async def _body(self, request: Request) -> bytes:
        limit = self.ctx.settings.events_max_body_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise Problem(413, "PAYLOAD_TOO_LARGE", f"At most {limit} bytes per request")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Problem(413, "PAYLOAD_TOO_LARGE", f"At most {limit} bytes per request")
            chunks.append(chunk)
        return b"".join(chunks)
