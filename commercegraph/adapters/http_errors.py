"""HTTP answers and transport failures of any vendor, translated into ``commercegraph.errors``.

One table for every HTTP adapter: a refusal of our request (400, 404, 409, 410, 422) says the
vendor is alive and is not counted against its circuit; a rejected credential (401, 403),
rate limiting that outlasted our waits (429), a 5xx, a dropped connection or a timeout is the
backend's failure. A vendor package reads its own error body (code, message, correlation id)
and passes what it found; its specifics (Shopify's ``THROTTLED``, commercetools'
``ConcurrentModification``) stay in the package::

    CONTENTFUL = Vendor("content", "Contentful", "delivery token")
    raise from_status(CONTENTFUL, response, message=message, vendor_code=code)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
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

REFUSAL_BY_STATUS: Mapping[int, type[CommerceGraphError]] = {
    400: BadUserInput,
    404: NotFound,
    409: Conflict,
    410: NotFound,
    422: BadUserInput,
}
RETRY_AFTER = ("Retry-After",)


@dataclass(frozen=True)
class Vendor:
    """Who answered: the backend name our errors carry and how messages name the vendor."""

    backend: str
    name: str
    credential: str = "credentials"
    retry_headers: tuple[str, ...] = RETRY_AFTER  # where a 429 says how long to wait, in order


class BackendThrottled(BackendUnavailable):
    """The vendor refused the call for a rate limit; worth retrying after ``retry_after_s``."""

    def __init__(
        self, backend: str, message: str, retry_after_s: float | None, **extensions: Any
    ) -> None:
        super().__init__(backend, message, retry_after_s=retry_after_s, **extensions)
        self.retry_after_s = retry_after_s


def retry_after_seconds(
    response: httpx.Response, headers: tuple[str, ...] = RETRY_AFTER
) -> float | None:
    """Seconds the first of ``headers`` present asks us to wait: delta-seconds or an
    HTTP-date (RFC 9110 ``Retry-After``); ``None`` when none of them is usable."""
    for header in headers:
        value = response.headers.get(header)
        if value is None:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError, IndexError):
            continue
    return None


def from_status(
    vendor: Vendor,
    response: httpx.Response,
    *,
    message: str = "",
    refusals: Mapping[int, type[CommerceGraphError]] = REFUSAL_BY_STATUS,
    retry_after_s: float | None = None,
    **extensions: Any,
) -> CommerceGraphError:
    """The error a non-2xx answer stands for; ``message`` and ``extensions`` are what the
    vendor's error body said (``retry_after_s`` overrides the headers' wait on a 429)."""
    status = response.status_code
    refusal = refusals.get(status)
    if refusal is not None:
        return refusal(message or f"{vendor.name} refused the request ({status})", **extensions)
    details = {"vendor_status": status, **extensions}
    if status in (401, 403):
        reason = extensions.get("vendor_code") or status
        return BackendUnavailable(
            vendor.backend, f"{vendor.name} refused the {vendor.credential} ({reason})", **details
        )
    if status == 429:
        wait = retry_after_s
        if wait is None:
            wait = retry_after_seconds(response, vendor.retry_headers)
        return BackendThrottled(
            vendor.backend, f"{vendor.name} is rate limiting the gateway", wait, **details
        )
    text = f"{vendor.name} answered {status}"
    return BackendUnavailable(vendor.backend, f"{text}: {message}" if message else text, **details)


def from_transport(vendor: Vendor, exc: httpx.HTTPError) -> BackendError:
    if isinstance(exc, httpx.TimeoutException):
        return BackendTimeout(vendor.backend, f"{vendor.name} timed out")
    return BackendUnavailable(vendor.backend, f"{vendor.name} is unreachable")
