"""Wagtail's answers translated into ``commercegraph.errors`` at the adapter boundary.

The REST API v2 answers 400 with ``{"message": ...}`` when a query names a field the page
type does not expose, a type that does not exist or a value it cannot filter by: Wagtail is
alive and our query (or its configuration) is wrong, so that is ``WagtailQueryRefused``, which
the resilience layer does not count against the circuit. 404 means there is nothing to find.
Anything else goes through ``http_errors``' one table (5xx, 401/403 of a misconfigured
proxy, 429: the backend's own failure).
"""

from __future__ import annotations

import httpx

from commercegraph.adapters import http_errors
from commercegraph.adapters.http_errors import Vendor
from commercegraph.errors import BackendError, CommerceGraphError

BACKEND = "content"
WAGTAIL = Vendor(BACKEND, "Wagtail")


class WagtailQueryRefused(CommerceGraphError):
    """Wagtail refused the query as malformed: check ``CG_WAGTAIL__PAGE_TYPE`` and that the
    key, body and image fields are listed in the page type's ``api_fields``."""

    code = "BACKEND_QUERY_REFUSED"


def message_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, str):
        return message
    return str(body)[:200]


def from_response(response: httpx.Response) -> CommerceGraphError:
    """The error a non-2xx, non-404 answer stands for."""
    if response.status_code == 400:
        return WagtailQueryRefused(
            f"Wagtail refused the content query: {message_of(response)}", backend=BACKEND
        )
    return http_errors.from_status(WAGTAIL, response)


def from_transport(exc: httpx.HTTPError) -> BackendError:
    return http_errors.from_transport(WAGTAIL, exc)
