"""Contentful failures translated into ``commercegraph.errors`` at the adapter boundary.

Contentful answers an error with ``{"sys": {"type": "Error", "id": "<code>"}, "message": ...}``
(https://www.contentful.com/developers/docs/references/errors/). A refusal of our query
(400, 404, 409, 422) says the API is alive and is not counted against its circuit; a
rejected token (401, 403), rate limiting that outlasted our waits (429), a 5xx or a timeout
is the backend's failure.
"""

from __future__ import annotations

from typing import Any

import httpx

from commercegraph.errors import (
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    BadUserInput,
    CommerceGraphError,
    Conflict,
    NotFound,
)

DOMAIN = "content"

REFUSAL_BY_STATUS: dict[int, type[CommerceGraphError]] = {
    400: BadUserInput,
    404: NotFound,
    409: Conflict,
    422: BadUserInput,
}


def error_code(response: httpx.Response) -> tuple[str, str]:
    """``(sys.id, message)`` of a Contentful error body; empty strings when it has none."""
    try:
        body: Any = response.json()
        return str(body["sys"]["id"]), str(body.get("message") or "")
    except (ValueError, KeyError, TypeError):
        return "", ""


def from_response(response: httpx.Response, retry_after: float | None = None) -> CommerceGraphError:
    code, message = error_code(response)
    status = response.status_code
    refusal = REFUSAL_BY_STATUS.get(status)
    if refusal is not None:
        return refusal(message or f"Contentful refused the request ({status} {code})".strip())
    extensions: dict[str, Any] = {"vendor_status": status}
    if code:
        extensions["vendor_code"] = code
    if status == 429 and retry_after is not None:
        extensions["retry_after"] = retry_after
    if status in (401, 403):
        return BackendUnavailable(
            DOMAIN, f"Contentful rejected the delivery token ({code or status})", **extensions
        )
    if status == 429:
        return BackendUnavailable(DOMAIN, "Contentful is rate limiting the gateway", **extensions)
    return BackendUnavailable(DOMAIN, f"Contentful answered {status}", **extensions)


def from_transport(exc: httpx.HTTPError) -> BackendError:
    if isinstance(exc, httpx.TimeoutException):
        return BackendTimeout(DOMAIN, "Contentful timed out")
    return BackendUnavailable(DOMAIN, "Contentful is unreachable")
