"""Medusa's failures translated into ``commercegraph.errors`` at the adapter boundary.

Medusa answers an error with ``{"type": ..., "message": ...}``; the type says whose fault it
is. Input the caller got wrong (``invalid_data``, a missing record, a cart already completed)
is refused without counting against the backend; 401/403 mean our credentials are wrong,
which is the backend being unusable, and 5xx or no answer is the backend being down.
"""

from __future__ import annotations

from typing import Any

import httpx

from commercegraph.adapters import http_errors
from commercegraph.adapters.http_errors import Vendor
from commercegraph.errors import BackendError, BadUserInput, CommerceGraphError, Conflict, NotFound

REFUSAL_BY_TYPE: dict[str, type[CommerceGraphError]] = {
    "not_found": NotFound,
    "invalid_data": BadUserInput,
    "invalid_argument": BadUserInput,
    "duplicate_error": Conflict,
    "conflict": Conflict,
    "not_allowed": Conflict,
}


def vendor(domain: str) -> Vendor:
    return Vendor(domain, f"The {domain} backend (Medusa)")


def from_response(domain: str, response: httpx.Response) -> CommerceGraphError:
    """The error a non-2xx Medusa answer stands for."""
    try:
        body: Any = response.json()
        kind, message = str(body.get("type") or ""), str(body.get("message") or "")
    except (ValueError, AttributeError):
        kind, message = "", ""
    status = response.status_code
    refusal = REFUSAL_BY_TYPE.get(kind)
    if 400 <= status < 500 and status not in (401, 403, 408, 429) and refusal is not None:
        return refusal(message or f"Medusa refused the request ({status})")
    return http_errors.from_status(vendor(domain), response, message=message)


def from_transport(domain: str, exc: httpx.HTTPError) -> BackendError:
    return http_errors.from_transport(vendor(domain), exc)
