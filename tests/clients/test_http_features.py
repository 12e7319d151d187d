"""CORS, compression, the offline GraphiQL page and its assets, in-process over ASGI."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import brotli
import httpx

from commercegraph.app import create_app
from commercegraph.http.compression import choose_encoding
from commercegraph.http.graphiql import STATIC_DIR
from tests.conftest import SeededDatabase, settings_for

ORIGIN = "https://shop.example"
PRODUCTS = "{ products(first: 50) { edges { node { id sku name } } } }"


@asynccontextmanager
async def client(db: SeededDatabase, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings_for(db.url, **overrides))
    transport = httpx.ASGITransport(app=app)
    # the app's own lifespan closes what it opened: the store, Redis clients, the broker
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as c:
            yield c


async def test_preflight_from_a_listed_origin_is_allowed_with_credentials(
    sqlite_db: SeededDatabase,
) -> None:
    async with client(sqlite_db, cors_origins=(ORIGIN,), cors_max_age_seconds=321) as c:
        response = await c.options(
            "/graphql",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == ORIGIN
        assert response.headers["access-control-allow-credentials"] == "true"
        assert response.headers["access-control-max-age"] == "321"
        allowed = response.headers["access-control-allow-headers"].lower()
        assert "authorization" in allowed and "content-type" in allowed
        assert "POST" in response.headers["access-control-allow-methods"]

        actual = await c.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": ORIGIN}
        )
        assert actual.headers["access-control-allow-origin"] == ORIGIN
        assert actual.headers["access-control-allow-credentials"] == "true"


async def test_preflight_from_an_unlisted_origin_is_refused(sqlite_db: SeededDatabase) -> None:
    async with client(sqlite_db, cors_origins=(ORIGIN,)) as c:
        response = await c.options(
            "/graphql",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert response.status_code == 400
        assert "access-control-allow-origin" not in response.headers
        actual = await c.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in actual.headers


async def test_no_cors_headers_unless_origins_are_configured(sqlite_db: SeededDatabase) -> None:
    async with client(sqlite_db) as c:
        response = await c.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": ORIGIN}
        )
        assert "access-control-allow-origin" not in response.headers


async def test_wildcard_origin_never_allows_credentials(sqlite_db: SeededDatabase) -> None:
    async with client(sqlite_db, cors_origins=("*",)) as c:
        response = await c.options(
            "/graphql",
            headers={"Origin": "https://any.example", "Access-Control-Request-Method": "POST"},
        )
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers


async def test_large_responses_are_compressed_small_ones_are_not(sqlite_db: SeededDatabase) -> None:
    async with client(sqlite_db, compression_min_bytes=2048) as c:
        plain = await c.post(
            "/graphql", json={"query": PRODUCTS}, headers={"Accept-Encoding": "identity"}
        )
        assert "content-encoding" not in plain.headers
        size = len(plain.content)
        assert size > 2048

        gz = await c.post("/graphql", json={"query": PRODUCTS}, headers={"Accept-Encoding": "gzip"})
        assert gz.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in gz.headers["vary"].lower()
        raw = await gz.aread()
        assert gz.json() == plain.json()  # httpx decodes it
        assert int(gz.headers["content-length"]) < size / 2

        br = await c.post(
            "/graphql", json={"query": PRODUCTS}, headers={"Accept-Encoding": "gzip, br"}
        )
        assert br.headers["content-encoding"] == "br"
        assert int(br.headers["content-length"]) < size / 2

        small = await c.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Accept-Encoding": "gzip, br"}
        )
        assert "content-encoding" not in small.headers
        assert raw  # the decoded body was read


async def test_compressed_bytes_decode_to_the_same_body(sqlite_db: SeededDatabase) -> None:
    async with client(sqlite_db, compression_min_bytes=100) as c:
        async with c.stream(
            "POST", "/graphql", json={"query": PRODUCTS}, headers={"Accept-Encoding": "br"}
        ) as response:
            encoded = b"".join([chunk async for chunk in response.aiter_raw()])
        plain = await c.post(
            "/graphql", json={"query": PRODUCTS}, headers={"Accept-Encoding": "identity"}
        )
        assert brotli.decompress(encoded) == plain.content
        async with c.stream(
            "POST", "/graphql", json={"query": PRODUCTS}, headers={"Accept-Encoding": "gzip"}
        ) as response:
            encoded = b"".join([chunk async for chunk in response.aiter_raw()])
        assert gzip.decompress(encoded) == plain.content


def test_encoding_choice_follows_quality_values() -> None:
    assert choose_encoding("gzip, br", brotli_available=True) == "br"
    assert choose_encoding("gzip, br", brotli_available=False) == "gzip"
    assert choose_encoding("br;q=0.5, gzip", brotli_available=True) == "gzip"
    assert choose_encoding("br;q=0, gzip;q=0", brotli_available=True) is None
    assert choose_encoding("*", brotli_available=True) == "br"
    assert choose_encoding("identity", brotli_available=True) is None
    assert choose_encoding(None, brotli_available=True) is None
    assert choose_encoding("gzip, br", brotli_available=True) == "br"  # seen before: kept
    assert choose_encoding.cache_info().maxsize == 256


async def test_graphiql_page_is_local_with_a_strict_policy(sqlite_db: SeededDatabase) -> None:
    async with client(sqlite_db) as c:
        page = await c.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        policy = page.headers["content-security-policy"]
        assert "default-src 'none'" in policy
        assert "script-src 'self'" in policy
        assert "unsafe-eval" not in policy
        assert "script-src 'self' 'unsafe-inline'" not in policy
        html = page.text
        assert "https://" not in html and "http://" not in html  # nothing from another origin
        assert "<script>" not in html  # no inline script
        for path in (
            "/graphiql/vendor/graphiql.min.js",
            "/graphiql/vendor/react.production.min.js",
            "/graphiql/vendor/react-dom.production.min.js",
            "/graphiql/vendor/graphiql.min.css",
            "/graphiql/init.js",
        ):
            assert path in html
            asset = await c.get(path)
            assert asset.status_code == 200, path
            assert asset.headers["x-content-type-options"] == "nosniff"
            assert asset.content == (STATIC_DIR / path.removeprefix("/graphiql/")).read_bytes()


def test_vendored_assets_match_their_checksums_and_carry_licences() -> None:
    vendor = STATIC_DIR / "vendor"
    for line in (vendor / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name
    for name in ("LICENSE.graphiql", "LICENSE.react", "LICENSE.react-dom"):
        assert "MIT" in (vendor / name).read_text()


async def test_production_serves_neither_the_page_nor_its_assets(sqlite_db: SeededDatabase) -> None:
    async with client(sqlite_db, env="production", jwt_secret="x" * 64) as c:
        assert (await c.get("/graphiql/init.js")).status_code == 404
