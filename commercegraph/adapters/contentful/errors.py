"""Contentful failures translated into ``commercegraph.errors`` at the adapter boundary.

Contentful answers an error with ``{"sys": {"type": "Error", "id": "<code>"}, "message": ...}``
(https://www.contentful.com/developers/docs/references/errors/); the ``sys.id`` rides along as
``vendor_code``. Which statuses are refusals and which the backend's failures is
``http_errors``' one table; a 429 names its wait in ``X-Contentful-RateLimit-Reset``.
"""

from __future__ import annotations

from typing import Any

import httpx

from commercegraph.adapters import http_errors
from commercegraph.adapters.http_errors import RETRY_AFTER, Vendor
from commercegraph.errors import BackendError, CommerceGraphError

DOMAIN = "content"
RATE_LIMIT_HEADERS = ("X-Contentful-RateLimit-Reset", *RETRY_AFTER)
CONTENTFUL = Vendor(DOMAIN, "Contentful", "delivery token", RATE_LIMIT_HEADERS)


def error_code(response: httpx.Response) -> tuple[str, str]:
    """``(sys.id, message)`` of a Contentful error body; empty strings when it has none."""
    try:
        body: Any = response.json()
        return str(body["sys"]["id"]), str(body.get("message") or "")
    except (ValueError, KeyError, TypeError):
        return "", ""


def from_response(
    response: httpx.Response, retry_after_s: float | None = None
) -> CommerceGraphError:
    code, message = error_code(response)
    extensions: dict[str, Any] = {"vendor_code": code} if code else {}
    return http_errors.from_status(
        CONTENTFUL, response, message=message, retry_after_s=retry_after_s, **extensions
    )


def from_transport(exc: httpx.HTTPError) -> BackendError:
    return http_errors.from_transport(CONTENTFUL, exc)
