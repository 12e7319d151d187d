"""Vendure's failures translated into ``commercegraph.errors`` at the adapter boundary.

Vendure answers GraphQL with HTTP 200 and either an ``errors`` array (each with
``extensions.code``) or, for expected business failures, an ``ErrorResult`` in the data
(``errorCode`` such as ``INSUFFICIENT_STOCK_ERROR``). Transport failures, 5xx answers and
errors that mean the server is wrong or misconfigured count against the backend; refusals
of our input do not.
"""

from __future__ import annotations

from typing import Any

import httpx

from commercegraph.adapters import http_errors
from commercegraph.adapters.http_errors import Vendor
from commercegraph.errors import (
    BackendError,
    BackendUnavailable,
    BadUserInput,
    CommerceGraphError,
    Conflict,
    NotFound,
    OutOfStock,
)

# ``errors[].extensions.code`` values that refuse this request rather than say the server fails
REFUSAL_BY_CODE: dict[str, type[CommerceGraphError]] = {
    "ENTITY_NOT_FOUND": NotFound,
    "USER_INPUT_ERROR": BadUserInput,
    "BAD_USER_INPUT": BadUserInput,
    "ILLEGAL_OPERATION": Conflict,
}
# ``ErrorResult.errorCode`` values: the order or cart refused a change
REFUSAL_BY_ERROR_RESULT: dict[str, type[CommerceGraphError]] = {
    "INSUFFICIENT_STOCK_ERROR": OutOfStock,
    "NEGATIVE_QUANTITY_ERROR": BadUserInput,
    "ORDER_LIMIT_ERROR": BadUserInput,
    "ORDER_INTERACTION_ERROR": Conflict,
    "ORDER_MODIFICATION_ERROR": Conflict,
    "ORDER_STATE_TRANSITION_ERROR": Conflict,
    "INELIGIBLE_SHIPPING_METHOD_ERROR": Conflict,
    "INELIGIBLE_PAYMENT_METHOD_ERROR": Conflict,
    "NO_ACTIVE_ORDER_ERROR": Conflict,
    "PAYMENT_DECLINED_ERROR": Conflict,
    "PAYMENT_FAILED_ERROR": Conflict,
    "ORDER_PAYMENT_STATE_ERROR": Conflict,
    "EMAIL_ADDRESS_CONFLICT_ERROR": Conflict,
    "GUEST_CHECKOUT_ERROR": Conflict,
    "ALREADY_LOGGED_IN_ERROR": Conflict,
}


class AdminSessionExpired(Exception):
    """The Admin API no longer accepts our token; the client logs in again once."""


def from_transport(domain: str, exc: httpx.HTTPError) -> BackendError:
    return http_errors.from_transport(Vendor(domain, f"The {domain} backend (Vendure)"), exc)


def from_status(domain: str, response: httpx.Response) -> BackendError:
    return BackendUnavailable(
        domain, f"The {domain} backend (Vendure) answered HTTP {response.status_code}"
    )


def from_graphql_errors(domain: str, errors: list[dict[str, Any]]) -> CommerceGraphError:
    first = errors[0] if errors else {}
    code = str((first.get("extensions") or {}).get("code") or "")
    message = str(first.get("message") or "Vendure refused the request")
    refusal = REFUSAL_BY_CODE.get(code)
    if refusal is not None:
        return refusal(message, vendure_code=code)
    return BackendUnavailable(domain, f"The {domain} backend (Vendure) failed: {message}")


def from_error_result(result: dict[str, Any]) -> CommerceGraphError:
    code = str(result.get("errorCode") or "")
    message = str(result.get("message") or code)
    return REFUSAL_BY_ERROR_RESULT.get(code, Conflict)(message, vendure_code=code)


def raise_if_error_result(result: Any) -> dict[str, Any]:
    """``result`` when it is the entity asked for; our error when it is an ErrorResult."""
    if isinstance(result, dict) and "errorCode" in result:
        raise from_error_result(result)
    if not isinstance(result, dict):
        raise Conflict("Vendure returned no result for the change")
    return result
