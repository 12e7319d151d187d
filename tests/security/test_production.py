"""Production mode: no GraphiQL, no introspection, no suggestions, masked errors, allow-list."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio

from commercegraph.app import create_app
from commercegraph.limits.persisted import operation_hash
from tests.conftest import SeededDatabase, settings_for

ALLOWED = "query Stores { stores(first: 2) { name } }"


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


PRODUCTION_SECRET = secrets.token_urlsafe(48)


async def _http(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    overrides.setdefault("jwt_secret", PRODUCTION_SECRET)
    app = create_app(settings_for(env="production", rate_limit_enabled=False, **overrides))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield http
    await app.state.store.dispose()


@pytest_asyncio.fixture
async def production(seeded_db: SeededDatabase) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _http(url=seeded_db.url):
        yield http


async def test_no_graphiql_no_introspection_no_suggestions(production: httpx.AsyncClient) -> None:
    page = await production.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 404 and codes(page.json()) == ["NOT_FOUND"]
    for query in ("{ __schema { types { name } } }", '{ __type(name: "Customer") { name } }'):
        body = (await production.post("/graphql", json={"query": query})).json()
        assert codes(body) == ["INTROSPECTION_DISABLED"]
    typename = (await production.post("/graphql", json={"query": "{ __typename }"})).json()
    assert typename == {"data": {"__typename": "Query"}}
    typo = (await production.post("/graphql", json={"query": "{ stors { name } }"})).json()
    assert codes(typo) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Did you mean" not in typo["errors"][0]["message"]


async def test_our_codes_pass_unexpected_failures_are_masked(
    production: httpx.AsyncClient, tmp_path: Path
) -> None:
    body = (
        await production.post("/graphql", json={"query": '{ product(sku: "NOPE") { id } }'})
    ).json()
    assert codes(body) == ["NOT_FOUND"] and "NOPE" in body["errors"][0]["message"]
    broken_db = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"  # no tables: the store fails
    async for broken in _http(url=broken_db):
        response = await broken.post("/graphql", json={"query": "{ products { totalCount } }"})
        failed = response.json()
        # the adapter guard reports the failing backend by name, never its internals
        assert codes(failed) == ["BACKEND_UNAVAILABLE"]
        assert failed["errors"][0]["extensions"]["backend"] == "commerce"
        assert "sqlite" not in response.text.lower() and "Traceback" not in response.text
        assert "no such table" not in response.text


async def test_persisted_operation_allow_list(seeded_db: SeededDatabase, tmp_path: Path) -> None:
    allow_list = tmp_path / "operations.json"
    allow_list.write_text(json.dumps({operation_hash(ALLOWED): ALLOWED}))
    async for http in _http(url=seeded_db.url, persisted_operations_path=str(allow_list)):
        ran = (await http.post("/graphql", json={"query": ALLOWED})).json()
        assert len(ran["data"]["stores"]) == 2
        by_hash = await http.get(
            "/graphql",
            params={
                "extensions": json.dumps(
                    {"persistedQuery": {"version": 1, "sha256Hash": operation_hash(ALLOWED)}}
                )
            },
        )
        assert by_hash.status_code == 200 and len(by_hash.json()["data"]["stores"]) == 2
        other = await http.post(
            "/graphql",
            json={"query": "{ stores(first: 3) { name } }"},
            headers={"Accept": "application/graphql-response+json"},
        )
        assert other.status_code == 400 and codes(other.json()) == ["PERSISTED_QUERY_NOT_IN_LIST"]
