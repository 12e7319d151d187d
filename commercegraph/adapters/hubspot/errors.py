"""HubSpot failures translated into ``commercegraph.errors`` at the adapter boundary.

HubSpot answers an error with ``{"status": "error", "message": ..., "category": ...,
"correlationId": ...}`` (https://developers.hubspot.com/docs/api/error-handling). A
refusal of our request (400, 404, 409, 422) says the API is alive and is not counted
against its circuit; a rejected token (401, 403), rate limiting that outlasted our waits
(429), a 5xx or a timeout is the backend's failure.
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

DOMAIN = "customer"

REFUSAL_BY_STATUS: dict[int, type[CommerceGraphError]] = {
    400: BadUserInput,
    404: NotFound,
    409: Conflict,
    422: BadUserInput,
}


def error_body(response: httpx.Response) -> tuple[str, str, str]:
    """``(category, message, correlationId)`` of a HubSpot error; empty where absent."""
    try:
        body: Any = response.json()
        return (
            str(body.get("category") or ""),
            str(body.get("message") or ""),
            str(body.get("correlationId") or ""),
        )
    except (ValueError, AttributeError):
        return "", "", ""


def from_response(response: httpx.Response, retry_after: float | None = None) -> CommerceGraphError:
    category, message, correlation = error_body(response)
    status = response.status_code
    extensions: dict[str, Any] = {"vendor_status": status}
    if category:
        extensions["vendor_code"] = category
    if correlation:
        extensions["correlation_id"] = correlation
    refusal = REFUSAL_BY_STATUS.get(status)
    if refusal is not None:
        return refusal(message or f"HubSpot refused the request ({status})", **extensions)
    if status in (401, 403):
        return BackendUnavailable(
            DOMAIN, f"HubSpot rejected the access token ({category or status})", **extensions
        )
    if status == 429:
        if retry_after is not None:
            extensions["retry_after"] = retry_after
        return BackendUnavailable(DOMAIN, "HubSpot is rate limiting the gateway", **extensions)
    return BackendUnavailable(DOMAIN, f"HubSpot answered {status}", **extensions)


def from_transport(exc: httpx.HTTPError) -> BackendError:
    if isinstance(exc, httpx.TimeoutException):
        return BackendTimeout(DOMAIN, "HubSpot timed out")
    return BackendUnavailable(DOMAIN, "HubSpot is unreachable")
