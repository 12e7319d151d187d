"""Product content through the gateway's GraphQL API with ``CG_ADAPTERS__CONTENT=wagtail``:
the answer comes from a real Wagtail site, and when that site dies only the content field is
lost, with the backend's code, while the rest of the product still resolves."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from commercegraph.adapters.wagtail import harness as wagtail_harness
from commercegraph.app import create_app
from commercegraph.config import Settings
from commercegraph.demo.catalog import build_catalog
from commercegraph.demo.content import content_rows
from tests.conftest import SeededDatabase
from tests.vendors.wagtail.conftest import start_site

pytestmark = pytest.mark.vendor

QUERY = """
query ($sku: String!, $locale: String!) {
  product(sku: $sku) { sku name content(locale: $locale) { title body images locale } }
}
"""


async def test_product_content_comes_from_wagtail_and_only_it_is_lost_when_wagtail_dies(
    sqlite_db: SeededDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = build_catalog(datetime.now(UTC))
    product = catalog.products[5]
    (german,) = [
        row
        for row in content_rows(catalog)
        if row["entity_key"] == product["id"] and row["locale"] == "de-DE"
    ]
    started = start_site()
    for name, value in wagtail_harness.settings_env(started).items():
        monkeypatch.setenv(name, value)
    # A refused connection fails at once; the generous budgets keep a busy test machine's
    # stalled event loop from turning that refusal into a timeout.
    monkeypatch.setenv("CG_WAGTAIL__CONNECT_TIMEOUT_MS", "3000")
    monkeypatch.setenv("CG_RESILIENCE__CONTENT__TIMEOUT_MS", "10000")
    settings = Settings(database_url=sqlite_db.url, cache_ttl_seconds=0)
    assert settings.adapters.for_domain("content") == "wagtail"
    app = create_app(settings)
    try:
        assert app.state.registry.names["content"] == "wagtail"
        assert app.state.registry.routes["content"] == {"content.entries": "wagtail"}
        # the other domains stay on the gateway's own store
        assert app.state.registry.routes["commerce"]["commerce.catalog"] == "native"
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            variables = {"sku": product["sku"], "locale": "de-AT"}
            answer = (
                await http.post("/graphql", json={"query": QUERY, "variables": variables})
            ).json()
            assert "errors" not in answer, answer
            assert answer["data"]["product"]["content"] == {
                "title": german["title"],
                "body": german["body"],
                "images": german["images"],
                "locale": "de-DE",
            }

            wagtail_harness.kill(started.pid)
            answer = (
                await http.post("/graphql", json={"query": QUERY, "variables": variables})
            ).json()
            assert answer["data"]["product"]["sku"] == product["sku"]
            assert answer["data"]["product"]["name"] == product["name"]
            assert answer["data"]["product"]["content"] is None
            (error,) = answer["errors"]
            assert error["path"] == ["product", "content"]
            assert error["extensions"]["code"] == "BACKEND_UNAVAILABLE"
            assert error["extensions"]["backend"] == "content"
    finally:
        wagtail_harness.stop(started.pid)
        await app.state.registry.aclose()
        await app.state.store.dispose()
