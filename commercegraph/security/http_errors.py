"""Every HTTP-level refusal as a GraphQL-shaped JSON body with a stable code."""

from __future__ import annotations

import logging
from typing import Any

from cross_web import HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger("commercegraph.http")

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"

STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "REQUEST_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
}


class CodedHTTPError(HTTPException):
    """An HTTP refusal that carries its own ``extensions.code`` and headers."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(status_code, message)
        self.code = code
        self.headers = headers or {}
        self.extensions = extensions


def error_body(code: str, message: str, **extensions: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


def error_response(
    status_code: int,
    code: str,
    message: str,
    *,
    media_type: str = JSON,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    return JSONResponse(
        error_body(code, message, **extensions),
        status_code=status_code,
        headers=headers,
        media_type=media_type,
    )


def from_http_exception(exc: HTTPException, media_type: str = JSON) -> Response:
    if isinstance(exc, CodedHTTPError):
        return error_response(
            exc.status_code,
            exc.code,
            exc.reason,
            media_type=media_type,
            headers=exc.headers,
            **exc.extensions,
        )
    code = STATUS_CODES.get(exc.status_code, "BAD_REQUEST")
    return error_response(exc.status_code, code, exc.reason, media_type=media_type)


async def starlette_http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (unknown path, method not routed) with a code."""
    assert isinstance(exc, StarletteHTTPException)
    code = STATUS_CODES.get(exc.status_code, "BAD_REQUEST")
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, code, str(exc.detail), headers=headers)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("unexpected error serving %s", request.url.path, exc_info=exc)
    return error_response(500, "INTERNAL_SERVER_ERROR", "Internal server error")
