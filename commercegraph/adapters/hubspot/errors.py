"""HubSpot failures translated into ``commercegraph.errors`` at the adapter boundary.

HubSpot answers an error with ``{"status": "error", "message": ..., "category": ...,
"correlationId": ...}`` (https://developers.hubspot.com/docs/api/error-handling); the
category and correlation id ride along as ``vendor_code`` and ``correlation_id``. Which
statuses are refusals and which the backend's failures is ``http_errors``' one table.
"""

from __future__ import annotations

from typing import Any

import httpx

from commercegraph.adapters import http_errors
from commercegraph.adapters.http_errors import Vendor
from commercegraph.errors import BackendError, CommerceGraphError

DOMAIN = "customer"
HUBSPOT = Vendor(DOMAIN, "HubSpot", "access token")


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


def from_response(
    response: httpx.Response, retry_after_s: float | None = None
) -> CommerceGraphError:
    category, message, correlation = error_body(response)
    extensions: dict[str, Any] = {"vendor_status": response.status_code}
    if category:
        extensions["vendor_code"] = category
    if correlation:
        extensions["correlation_id"] = correlation
    return http_errors.from_status(
        HUBSPOT, response, message=message, retry_after_s=retry_after_s, **extensions
    )


def from_transport(exc: httpx.HTTPError) -> BackendError:
    return http_errors.from_transport(HUBSPOT, exc)
