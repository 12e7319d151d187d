"""Shopify failures translated into ``commercegraph.errors`` at the adapter boundary.

Shopify answers most GraphQL failures with HTTP 200 and an ``errors`` list (``THROTTLED``,
input errors, internal errors: this module's own table). HTTP statuses go through
``http_errors``' one table: a refused token (401, 403), a frozen shop (402), a locked one
(423), Shopify's bot protection (430), 429 and 5xx are the backend's failures and count
against its circuit; 400, 404 and 409 refuse the request. A 404 on the endpoint itself (no
such shop or API version) holds none of a batch read's keys, so batch reads answer it as
nothing found and log it (``batch_read``); a missing product or cart is otherwise never an
HTTP 404 here: it comes back as ``null`` and becomes ``None``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import httpx

from commercegraph.adapters import http_errors
from commercegraph.adapters.http_errors import BackendThrottled as BackendThrottled
from commercegraph.adapters.http_errors import Vendor
from commercegraph.errors import (
    BackendError,
    BackendUnavailable,
    BadUserInput,
    CommerceGraphError,
    NotFound,
)

log = logging.getLogger("commercegraph.adapters.shopify")

BACKEND = "shopify"

# GraphQL error codes that say the query's input was wrong rather than the shop
INPUT_ERROR_CODES = frozenset({"BAD_REQUEST", "argumentLiteralsIncompatible", "INVALID_VARIABLE"})
# cart userErrors codes that mean "no such cart or merchandise"
NOT_FOUND_USER_ERRORS = frozenset({"MERCHANDISE_NOT_FOUND", "INVALID_MERCHANDISE_LINE"})

Read = TypeVar("Read", bound=Callable[..., Awaitable[list[Any]]])


def vendor(api: str) -> Vendor:
    return Vendor(BACKEND, f"Shopify {api} API", "access token")


def from_status(api: str, response: httpx.Response) -> CommerceGraphError:
    return http_errors.from_status(vendor(api), response)


def from_transport(api: str, exc: httpx.HTTPError) -> BackendError:
    return http_errors.from_transport(vendor(api), exc)


def _nothing() -> None:
    return None


def batch_read(empty: Callable[[], Any] = _nothing) -> Callable[[Read], Read]:
    """A keyed batch read answering ``empty()`` (``None``, or ``list`` for ``[]``) for every
    key when the endpoint is missing."""

    def wrap(read: Read) -> Read:
        @functools.wraps(read)
        async def run(self: Any, keys: Sequence[Any]) -> list[Any]:
            try:
                return await read(self, keys)
            except NotFound:
                log.warning("shopify: %s answered 404 (shop or API version missing)", read.__name__)
                return [empty() for _ in keys]

        return run  # type: ignore[return-value]

    return wrap


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
        return BackendThrottled(BACKEND, f"Shopify {api} API throttled the query", None)
    return BackendUnavailable(BACKEND, f"Shopify {api} API failed: {message}", code=code or None)


def from_user_errors(operation: str, user_errors: list[dict[str, Any]]) -> CommerceGraphError:
    first = user_errors[0]
    message = str(first.get("message") or "refused")
    field = [str(part) for part in first.get("field") or []]
    if "cartId" in field or str(first.get("code") or "") in NOT_FOUND_USER_ERRORS:
        return NotFound(f"Shopify {operation}: {message}")
    return BadUserInput(f"Shopify {operation}: {message}")
