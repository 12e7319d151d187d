"""commercetools failures translated into ``commercegraph.errors`` at the adapter boundary.

The HTTP API answers errors as ``{"statusCode", "message", "errors": [{"code", ...}]}``.
Refusals of our input (400, 404, 409) are the caller's and do not count against the circuit;
the vendor's code rides along as ``vendor_code`` so the adapter can act on it (a
``ConcurrentModification`` is refetched and retried, a ``DuplicateField`` on the order number
means the order already exists). Refused credentials or scopes (401 after a fresh token,
403), rate limits (429) and 5xx are the backend's failures.
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

BACKEND = "commercetools"
CONCURRENT_MODIFICATION = "ConcurrentModification"
DUPLICATE_FIELD = "DuplicateField"


class BackendThrottled(BackendUnavailable):
    """commercetools refused the call for a rate limit; retryable after ``retry_after_s``."""

    def __init__(self, message: str, retry_after_s: float | None) -> None:
        super().__init__(BACKEND, message, retry_after_s=retry_after_s)
        self.retry_after_s = retry_after_s


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


def from_response(response: httpx.Response) -> CommerceGraphError:
    status = response.status_code
    code, message, detail = vendor_error(response)
    text = message or f"commercetools answered {status}"
    if status == 404:
        return NotFound(text, vendor_code=code or None)
    if status == 409:
        return Conflict(
            text, vendor_code=code or None, current_version=detail.get("currentVersion")
        )
    if status == 400:
        return BadUserInput(text, vendor_code=code or None, field=detail.get("field"))
    if status == 429:
        header = response.headers.get("Retry-After")
        try:
            wait = float(header) if header is not None else None
        except ValueError:
            wait = None
        return BackendThrottled("commercetools rate limit reached", wait)
    return BackendUnavailable(BACKEND, f"commercetools answered {status}: {text}", status=status)


def from_transport(exc: httpx.HTTPError) -> BackendError:
    if isinstance(exc, httpx.TimeoutException):
        return BackendTimeout(BACKEND, "commercetools timed out")
    return BackendUnavailable(BACKEND, "commercetools is unreachable")


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
