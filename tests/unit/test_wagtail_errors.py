"""How the wagtail adapter reads Wagtail's answers: which are the caller's query refused,
which are the backend failing (the answers are built here as Wagtail's API v2 shapes them:
``{"message": ...}`` with the status)."""

from __future__ import annotations

import httpx
import pytest

from commercegraph.adapters.wagtail.errors import (
    WagtailQueryRefused,
    from_response,
    from_transport,
)
from commercegraph.errors import BackendError, BackendTimeout, BackendUnavailable

REQUEST = httpx.Request("GET", "http://127.0.0.1/api/v2/pages/")


def answer(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, json=body, request=REQUEST)


def test_a_400_is_our_query_refused_with_wagtails_message() -> None:
    message = "query parameter is not an operation or a recognised field: product_sku"
    error = from_response(answer(400, {"message": message}))
    assert isinstance(error, WagtailQueryRefused) and not isinstance(error, BackendError)
    assert message in error.message
    assert error.code == "BACKEND_QUERY_REFUSED"
    assert error.extensions["backend"] == "content"


@pytest.mark.parametrize("status", [401, 403, 429, 500, 502, 503])
def test_other_answers_are_the_backend_failing(status: int) -> None:
    error = from_response(answer(status, {"message": "nope"}))
    assert isinstance(error, BackendUnavailable) and error.backend == "content"


def test_a_400_without_json_still_says_what_wagtail_said() -> None:
    error = from_response(httpx.Response(400, text="Bad Request", request=REQUEST))
    assert isinstance(error, WagtailQueryRefused) and "Bad Request" in error.message


def test_transport_failures() -> None:
    assert isinstance(from_transport(httpx.ConnectTimeout("slow")), BackendTimeout)
    assert isinstance(from_transport(httpx.ReadTimeout("slow")), BackendTimeout)
    refused = from_transport(httpx.ConnectError("refused"))
    assert isinstance(refused, BackendUnavailable) and not isinstance(refused, BackendTimeout)
