"""Automatic persisted queries over HTTP: misses, registration, hash checks, GET, the
store's bound, Redis, and the trusted-document allow-list taking precedence."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from commercegraph.app import create_app
from commercegraph.http.apq import LocalQueryStore, RedisQueryStore
from tests.conftest import IN_CI, SeededDatabase, settings_for

QUERY = "{ products(first: 2) { edges { node { sku } } } }"
SHA = hashlib.sha256(QUERY.encode()).hexdigest()
GRAPHQL_RESPONSE = "application/graphql-response+json"


def persisted(sha: str = SHA) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


@asynccontextmanager
async def client(db: SeededDatabase, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings_for(db.url, **overrides))
    transport = httpx.ASGITransport(app=app)
    # the app's own lifespan closes what it opened: the store, Redis clients, the broker
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as c:
            yield c


@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
async def test_unknown_hash_is_a_200_miss_then_registration_serves_it(
    sqlite_db: SeededDatabase, accept: str
) -> None:
    async with client(sqlite_db) as c:
        miss = await c.post(
            "/graphql", json={"extensions": persisted()}, headers={"Accept": accept}
        )
        assert miss.status_code == 200
        error = miss.json()["errors"][0]
        assert error["message"] == "PersistedQueryNotFound"
        assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

        registered = await c.post(
            "/graphql", json={"query": QUERY, "extensions": persisted()}, headers={"Accept": accept}
        )
        assert registered.status_code == 200
        expected = registered.json()["data"]
        assert expected["products"]["edges"]

        again = await c.post(
            "/graphql", json={"extensions": persisted()}, headers={"Accept": accept}
        )
        assert again.status_code == 200 and again.json() == {"data": expected}

        by_get = await c.get(
            "/graphql",
            params={"extensions": json.dumps(persisted())},
            headers={"Accept": accept},
        )
        assert by_get.status_code == 200 and by_get.json() == {"data": expected}


async def test_registration_over_get_then_hash_only(sqlite_db: SeededDatabase) -> None:
    query = "{ stores(first: 1) { name } }"
    sha = hashlib.sha256(query.encode()).hexdigest()
    async with client(sqlite_db) as c:
        first = await c.get("/graphql", params={"extensions": json.dumps(persisted(sha))})
        assert first.json()["errors"][0]["message"] == "PersistedQueryNotFound"
        register = await c.get(
            "/graphql", params={"query": query, "extensions": json.dumps(persisted(sha))}
        )
        assert register.json()["data"]["stores"]
        hit = await c.get("/graphql", params={"extensions": json.dumps(persisted(sha))})
        assert hit.json() == register.json()


async def test_a_hash_that_is_not_the_documents_is_refused_and_not_kept(
    sqlite_db: SeededDatabase,
) -> None:
    wrong = hashlib.sha256(b"{ __typename }").hexdigest()
    async with client(sqlite_db) as c:
        refused = await c.post("/graphql", json={"query": QUERY, "extensions": persisted(wrong)})
        body = refused.json()
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "does not match" in body["errors"][0]["message"]
        assert "data" not in body or body["data"] is None
        miss = await c.post("/graphql", json={"extensions": persisted(wrong)})
        assert miss.json()["errors"][0]["message"] == "PersistedQueryNotFound"


@pytest.mark.parametrize(
    "extension",
    [
        {"persistedQuery": {"version": 2, "sha256Hash": SHA}},
        {"persistedQuery": {"version": 1, "sha256Hash": "abc"}},
        {"persistedQuery": {"version": 1}},
    ],
)
async def test_malformed_persisted_query_extensions_are_bad_input(
    sqlite_db: SeededDatabase, extension: dict[str, Any]
) -> None:
    async with client(sqlite_db) as c:
        response = await c.post("/graphql", json={"query": QUERY, "extensions": extension})
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_persisted_mutation_still_needs_post(sqlite_db: SeededDatabase) -> None:
    mutation = "mutation { createCart { id } }"
    sha = hashlib.sha256(mutation.encode()).hexdigest()
    async with client(sqlite_db) as c:
        await c.post("/graphql", json={"query": mutation, "extensions": persisted(sha)})
        response = await c.get("/graphql", params={"extensions": json.dumps(persisted(sha))})
        assert response.status_code == 405


async def test_the_in_process_store_keeps_the_most_recently_used() -> None:
    store = LocalQueryStore(max_entries=2)
    await store.put("a", "A")
    await store.put("b", "B")
    assert await store.get("a") == "A"  # a is now the most recent
    await store.put("c", "C")
    assert await store.get("b") is None
    assert await store.get("a") == "A" and await store.get("c") == "C"
    assert len(store) == 2


async def test_the_allow_list_takes_precedence_in_production(
    sqlite_db: SeededDatabase, tmp_path: Path
) -> None:
    listed = "{ stores(first: 1) { name } }"
    listed_sha = hashlib.sha256(listed.encode()).hexdigest()
    allow_list = tmp_path / "operations.json"
    allow_list.write_text(json.dumps({listed_sha: listed}))
    async with client(
        sqlite_db,
        env="production",
        jwt_secret="p" * 64,
        persisted_operations_path=str(allow_list),
        rate_limit_enabled=False,
    ) as c:
        # registering an unlisted document through APQ does not make it runnable
        register = await c.post("/graphql", json={"query": QUERY, "extensions": persisted()})
        assert register.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
        hash_only = await c.post("/graphql", json={"extensions": persisted()})
        assert hash_only.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
        # the listed one runs by hash alone, as a trusted document
        ok = await c.post("/graphql", json={"extensions": persisted(listed_sha)})
        assert ok.json()["data"]["stores"]


def _redis_url() -> str:
    url = os.environ.get("CG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as exc:  # unreachable
        if IN_CI:
            pytest.fail(f"Redis not reachable at {url}: {exc!r} (CI=true)")
        pytest.skip(f"Redis not reachable at {url}: {exc!r}")
    return url


async def test_redis_store_is_shared_by_two_apps(sqlite_db: SeededDatabase) -> None:
    url = _redis_url()
    prefix = f"cg-test-{uuid.uuid4().hex[:8]}:"
    try:
        async with (
            client(sqlite_db, redis_url=url, redis_key_prefix=prefix) as one,
            client(sqlite_db, redis_url=url, redis_key_prefix=prefix) as two,
        ):
            assert (await two.post("/graphql", json={"extensions": persisted()})).json()["errors"][
                0
            ]["message"] == "PersistedQueryNotFound"
            await one.post("/graphql", json={"query": QUERY, "extensions": persisted()})
            hit = await two.post("/graphql", json={"extensions": persisted()})
            assert hit.json()["data"]["products"]["edges"]
    finally:
        store = RedisQueryStore(url, prefix + "apq:", 60)
        await store.redis.delete(prefix + "apq:" + SHA)
        await store.aclose()
