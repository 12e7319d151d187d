"""HTTP failures translated into ``commercegraph.errors`` at the adapter boundary.

A backend speaking the REST contract answers errors as ``{"error": {"code", "message",
"extensions"}}`` with one of our codes; a 4xx carrying one becomes that error. Anything else
goes through ``http_errors``' one table (a 4xx refusal by its status; 401, 403, 408, 429,
5xx: the backend is misconfigured or overloaded, which counts against its circuit).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import httpx

from commercegraph.adapters import http_errors
from commercegraph.adapters.http_errors import Vendor
from commercegraph.errors import BackendError, CommerceGraphError


def vendor(domain: str) -> Vendor:
    return Vendor(domain, f"The {domain} backend")


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
    """The error a non-2xx answer stands for: the backend's own code for 4xx, else the table."""
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
    return http_errors.from_status(vendor(domain), response, message=message)


def from_transport(domain: str, exc: httpx.HTTPError) -> BackendError:
    return http_errors.from_transport(vendor(domain), exc)
