"""One real Strapi per test session, installed into the vendor cache when absent.

Without Node and npm the tests skip with the reason, except in CI (``CI=true``), where a
missing Node is a failure.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio
from pydantic import SecretStr

from commercegraph.adapters import harness
from commercegraph.adapters.strapi import StrapiClient, StrapiContent, StrapiSettings
from commercegraph.adapters.strapi import harness as strapi_harness
from tests.conftest import IN_CI


@pytest.fixture(scope="session")
def node() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        if IN_CI:
            pytest.fail("Node and npm are needed for the Strapi tests (CI=true: they must run)")
        pytest.skip("Node and npm are not installed: the Strapi tests need a real Strapi")


@pytest.fixture(scope="session")
def strapi_server(node: None) -> Iterator[harness.Started]:
    started = strapi_harness.start(None)
    try:
        yield started
    finally:
        harness.stop(started.pid)


@pytest.fixture(scope="session")
def strapi_token(strapi_server: harness.Started) -> str:
    return strapi_harness.token(strapi_server)


def strapi_settings(url: str, token: str, **overrides: object) -> StrapiSettings:
    return StrapiSettings(url=url, token=SecretStr(token), **overrides)  # type: ignore[arg-type]


@pytest_asyncio.fixture
async def strapi(strapi_server: harness.Started, strapi_token: str) -> AsyncIterator[StrapiContent]:
    settings = strapi_settings(strapi_server.url, strapi_token)
    adapter = StrapiContent(StrapiClient(settings), settings, default_locale="en-US")
    yield adapter
    await adapter.aclose()


@pytest_asyncio.fixture
async def strapi_admin(
    strapi_server: harness.Started, strapi_token: str
) -> AsyncIterator[httpx.AsyncClient]:
    """Strapi's REST API with the full-access token, for writing entries the tests read."""
    async with httpx.AsyncClient(
        base_url=f"{strapi_server.url}/api",
        headers={"Authorization": f"Bearer {strapi_token}"},
        timeout=10,
    ) as client:
        yield client
