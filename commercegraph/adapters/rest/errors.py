"""HTTP failures translated into ``commercegraph.errors`` at the adapter boundary."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
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

# A 4xx without one of our codes still says the backend answered and refused this request;
# statuses left out (401, 403, 408, 429, ...) mean it is misconfigured or overloaded, which
# is the backend's failure and counts against its circuit.
REFUSAL_BY_STATUS: dict[int, type[CommerceGraphError]] = {
    400: BadUserInput,
    404: NotFound,
    409: Conflict,
    410: NotFound,
    422: BadUserInput,
}


def _subclasses(cls: type[CommerceGraphError]) -> Iterator[type[CommerceGraphError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@cache
def _client_error_classes() -> dict[str, type[CommerceGraphError]]:
    """Codes a backend may answer with, mapped to our classes (backend codes excluded)."""
    classes: dict[str, type[CommerceGraphError]] = {}
    for cls in _subclasses(CommerceGraphError):
        if not issubclass(cls, BackendError):
            classes.setdefault(cls.code, cls)
    return classes


def from_response(domain: str, response: httpx.Response) -> CommerceGraphError:
    """The error a non-2xx answer stands for: the backend's own code for 4xx, else down."""
    try:
        body: Any = response.json()
        error = body["error"]
        code, message = str(error["code"]), str(error["message"])
        extensions = dict(error.get("extensions") or {})
    except (ValueError, KeyError, TypeError):
        code, message, extensions = "", "", {}
    if 400 <= response.status_code < 500:
        cls = _client_error_classes().get(code)
        if cls is not None:
            extensions.pop("code", None)
            return cls(message, **extensions)
        refusal = REFUSAL_BY_STATUS.get(response.status_code)
        if refusal is not None:
            return refusal(
                message or f"The {domain} backend refused the request ({response.status_code})"
            )
    return BackendUnavailable(domain, f"The {domain} backend answered {response.status_code}")


def from_transport(domain: str, exc: httpx.HTTPError) -> BackendError:
    if isinstance(exc, httpx.TimeoutException):
        return BackendTimeout(domain, f"The {domain} backend timed out")
    return BackendUnavailable(domain, f"The {domain} backend is unreachable")
