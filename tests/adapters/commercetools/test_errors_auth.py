"""commercetools error kinds and OAuth 2.0 client credentials, on a fake clock.

Tested against recorded responses written from commercetools' public HTTP API reference
(the Errors page, the client credentials flow of the Authorization page and the API limits;
named in ``recorded/errors.json``, ``recorded/auth.json`` and ``recorded/auth_refused.json``),
replayed through ``httpx.MockTransport``.
"""

from __future__ import annotations

import base64

import pytest

from commercegraph.adapters.commercetools.client import REFRESH_MARGIN_S
from commercegraph.adapters.commercetools.errors import BackendThrottled
from commercegraph.errors import (
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    BadUserInput,
)
from tests.adapters.commercetools.conftest import Project

pytestmark = pytest.mark.recorded

TOKEN_LIFETIME_S = 172800.0


def product(code: str) -> str:
    return f"e0000000-0001-4a00-8000-000000000{code}"


@pytest.mark.recording("errors")
@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("403", BackendUnavailable),  # the API client lacks a scope: configuration
        ("500", BackendUnavailable),
        ("502", BackendUnavailable),
        ("503", BackendUnavailable),
        ("408", BackendTimeout),
    ],
)
async def test_backend_failures(project: Project, code: str, error: type[BackendError]) -> None:
    with pytest.raises(error) as raised:
        await project.commerce.products_by_id([product(code)])
    assert type(raised.value) is error and raised.value.backend == "commercetools"


@pytest.mark.recording("errors", settings={"rate_limit_retries": 0})
async def test_bad_input_is_the_callers_and_429_is_retryable(project: Project) -> None:
    with pytest.raises(BadUserInput) as refused:
        await project.commerce.products_by_id([product("400")])
    assert not isinstance(refused.value, BackendError)
    assert refused.value.extensions["vendor_code"] == "InvalidInput"
    with pytest.raises(BackendThrottled) as throttled:
        await project.commerce.products_by_id([product("429")])
    assert isinstance(throttled.value, BackendUnavailable)
    assert throttled.value.retry_after_s == 3.0


@pytest.mark.recording("errors")
async def test_a_401_with_a_fresh_token_fails_after_one_renewal(project: Project) -> None:
    with pytest.raises(BackendUnavailable, match="fresh token"):
        await project.commerce.products_by_id([product("401")])
    assert project.client.tokens_fetched == 2
    assert project.sent("GET", "/product-projections") == 2


@pytest.mark.recording("auth")
async def test_a_401_renews_the_token_and_retries_once(project: Project) -> None:
    [found] = await project.commerce.products_by_id([project.known.product_id])
    assert found is not None
    assert project.client.tokens_fetched == 2
    assert project.recording is not None
    token_request = project.recording.requests[0]
    assert token_request.url.path == "/oauth/token"
    basic = base64.b64encode(b"ct-client:ct-secret").decode()
    assert token_request.headers["Authorization"] == f"Basic {basic}"
    api_request = project.recording.requests[-1]
    assert api_request.headers["Authorization"] == "Bearer vkFuQ6oTwj8_Ye4eiRSsqMeqLYNeQRJi"


@pytest.mark.recording("auth", settings={"scopes": "view_products:demo-project"})
async def test_the_token_is_reused_then_renewed_before_it_expires(project: Project) -> None:
    assert project.clock is not None and project.recording is not None
    await project.commerce.products_by_id([project.known.product_id])  # 401 once: 2 tokens
    assert b"scope=view_products%3Ademo-project" in project.recording.requests[0].content
    project.clock.now = TOKEN_LIFETIME_S - REFRESH_MARGIN_S - 1
    await project.commerce.products_by_id([project.known.product_id])
    assert project.client.tokens_fetched == 2
    project.clock.now = TOKEN_LIFETIME_S - REFRESH_MARGIN_S
    await project.commerce.products_by_id([project.known.product_id])
    assert project.client.tokens_fetched == 3


@pytest.mark.recording("auth_refused")
async def test_refused_client_credentials_are_a_backend_failure(project: Project) -> None:
    with pytest.raises(BackendUnavailable, match="invalid_client"):
        await project.commerce.products_by_id([project.known.product_id])
    assert project.sent("GET", "/product-projections") == 0
