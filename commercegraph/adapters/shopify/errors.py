"""Shopify failures translated into ``commercegraph.errors`` at the adapter boundary.

Shopify answers most GraphQL failures with HTTP 200 and an ``errors`` list; HTTP statuses
mean the shop, the token or the platform is the problem. A refused token, a missing shop
(404 on the endpoint itself), a frozen shop (402), a locked one (423) and Shopify's bot
protection (430) are the backend's failures and count against its circuit; a missing product
or cart is never an HTTP 404 here: it comes back as ``null`` and becomes ``None``.
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

BACKEND = "shopify"

# GraphQL error codes that say the query's input was wrong rather than the shop
INPUT_ERROR_CODES = frozenset({"BAD_REQUEST", "argumentLiteralsIncompatible", "INVALID_VARIABLE"})
# cart userErrors codes that mean "no such cart or merchandise"
NOT_FOUND_USER_ERRORS = frozenset({"MERCHANDISE_NOT_FOUND", "INVALID_MERCHANDISE_LINE"})


class BackendThrottled(BackendUnavailable):
    """Shopify refused the call for its rate limit; worth retrying after ``retry_after_s``."""

    def __init__(self, message: str, retry_after_s: float | None) -> None:
        super().__init__(BACKEND, message, retry_after_s=retry_after_s)
        self.retry_after_s = retry_after_s


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def from_status(api: str, response: httpx.Response) -> CommerceGraphError:
    status = response.status_code
    if status == 409:
        return Conflict(f"Shopify {api} API refused a conflicting change", status=status)
    if status == 429:
        return BackendThrottled(f"Shopify {api} API rate limit reached", retry_after(response))
    if status in (401, 403):
        return BackendUnavailable(
            BACKEND, f"Shopify {api} API refused the access token ({status})", status=status
        )
    return BackendUnavailable(BACKEND, f"Shopify {api} API answered {status}", status=status)


def from_transport(api: str, exc: httpx.HTTPError) -> BackendError:
    if isinstance(exc, httpx.TimeoutException):
        return BackendTimeout(BACKEND, f"Shopify {api} API timed out")
    return BackendUnavailable(BACKEND, f"Shopify {api} API is unreachable")


def error_code(error: dict[str, Any]) -> str:
    return str((error.get("extensions") or {}).get("code") or "")


def from_graphql_errors(api: str, errors: list[dict[str, Any]]) -> CommerceGraphError:
    """The error a top-level GraphQL ``errors`` list stands for (THROTTLED is the client's)."""
    first = errors[0] if errors else {}
    message = str(first.get("message") or "unknown error")
    code = error_code(first)
    if code in INPUT_ERROR_CODES or message.startswith("Invalid global id"):
        return BadUserInput(f"Shopify refused the request: {message}")
    if code == "THROTTLED":
        return BackendThrottled(f"Shopify {api} API throttled the query", None)
    return BackendUnavailable(BACKEND, f"Shopify {api} API failed: {message}", code=code or None)


def from_user_errors(operation: str, user_errors: list[dict[str, Any]]) -> CommerceGraphError:
    first = user_errors[0]
    message = str(first.get("message") or "refused")
    field = [str(part) for part in first.get("field") or []]
    if "cartId" in field or str(first.get("code") or "") in NOT_FOUND_USER_ERRORS:
        return NotFound(f"Shopify {operation}: {message}")
    return BadUserInput(f"Shopify {operation}: {message}")
