"""Strapi's failures translated into ``commercegraph.errors`` at the adapter boundary.

A refused token (401, 403) or query (400) means the adapter's settings do not fit Strapi
(``StrapiConfigurationError``); anything else goes through ``http_errors``' one table.
"""

from __future__ import annotations

import httpx

from commercegraph.adapters import http_errors
from commercegraph.adapters.http_errors import Vendor
from commercegraph.errors import BackendError, CommerceGraphError

BACKEND = "content"
STRAPI = Vendor(BACKEND, "Strapi", "API token")


class StrapiConfigurationError(CommerceGraphError):
    """Strapi refused the gateway's token (401/403) or query (400): the adapter's settings
    are wrong. Retrying cannot help and the server is up, so it does not open the circuit."""

    code = "BACKEND_MISCONFIGURED"

    def __init__(self, message: str) -> None:
        super().__init__(message, backend=BACKEND)


def _detail(response: httpx.Response) -> str:
    try:
        error = response.json()["error"]
        return f"{error.get('name', '')}: {error.get('message', '')}".strip(": ")
    except (ValueError, KeyError, TypeError, AttributeError):
        return response.reason_phrase


def from_response(response: httpx.Response) -> CommerceGraphError:
    """The error a non-2xx answer (other than 404, which reads as missing) stands for."""
    status = response.status_code
    where = f"{response.request.method} {response.request.url.path}"
    if status in (401, 403):
        return StrapiConfigurationError(
            f"Strapi refused the API token with {status} on {where} ({_detail(response)}): "
            "check CG_STRAPI__TOKEN and the token's permissions on the content type"
        )
    if status == 400:
        # the query is built from settings alone, so a refusal means they do not fit Strapi
        return StrapiConfigurationError(
            f"Strapi refused the query on {where} ({_detail(response)}): check "
            "CG_STRAPI__CONTENT_TYPE and CG_STRAPI__KEY_FIELD against the content type"
        )
    return http_errors.from_status(STRAPI, response, message=where)


def from_transport(error: httpx.HTTPError) -> BackendError:
    return http_errors.from_transport(STRAPI, error)
