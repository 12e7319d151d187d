"""commercetools failures translated into ``commercegraph.errors`` at the adapter boundary.

The HTTP API answers errors as ``{"statusCode", "message", "errors": [{"code", ...}]}``.
Which statuses are refusals of our input and which the backend's failures is
``http_errors``' one table; the vendor's code rides along as ``vendor_code`` (with the
error's ``currentVersion`` and ``field``) so the adapter can act on it: a
``ConcurrentModification`` is refetched and retried, a ``DuplicateField`` on the order number
means the order already exists. A 429 (``TooManyRequests``) names its wait in ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

import httpx

from commercegraph.adapters import http_errors
from commercegraph.adapters.http_errors import BackendThrottled, Vendor
from commercegraph.errors import BackendError, BadUserInput, CommerceGraphError, Conflict

BACKEND = "commercetools"
COMMERCETOOLS = Vendor(BACKEND, "commercetools", "API client")
CONCURRENT_MODIFICATION = "ConcurrentModification"
DUPLICATE_FIELD = "DuplicateField"

__all__ = ["BACKEND", "BackendThrottled", "from_response", "from_transport", "vendor_error"]


def _body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def vendor_error(response: httpx.Response) -> tuple[str, str, dict[str, Any]]:
    body = _body(response)
    errors = body.get("errors") or [{}]
    first = errors[0] if isinstance(errors[0], dict) else {}
    code = str(first.get("code") or body.get("error") or "")
    message = str(first.get("message") or body.get("message") or "")
    return code, message, first


def from_response(
    response: httpx.Response, retry_after_s: float | None = None
) -> CommerceGraphError:
    code, message, detail = vendor_error(response)
    extensions: dict[str, Any] = {"vendor_code": code or None}
    if response.status_code == 409:
        extensions["current_version"] = detail.get("currentVersion")
    if response.status_code == 400:
        extensions["field"] = detail.get("field")
    return http_errors.from_status(
        COMMERCETOOLS, response, message=message, retry_after_s=retry_after_s, **extensions
    )


def from_transport(exc: httpx.HTTPError) -> BackendError:
    return http_errors.from_transport(COMMERCETOOLS, exc)


def is_version_conflict(error: CommerceGraphError) -> bool:
    return isinstance(error, Conflict) and error.extensions.get("vendor_code") == (
        CONCURRENT_MODIFICATION
    )


def is_duplicate(error: CommerceGraphError, field: str) -> bool:
    return (
        isinstance(error, BadUserInput)
        and error.extensions.get("vendor_code") == DUPLICATE_FIELD
        and error.extensions.get("field") == field
    )
