"""Deeply nested JSON is refused with 400 and a code before it is parsed, never a 500."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from commercegraph.app import create_app
from commercegraph.auth import issue_token
from commercegraph.demo import DEVI_ID
from commercegraph.security.json_depth import nesting_depth, too_deep
from tests.conftest import SeededDatabase, settings_for

QUERY = "{ __typename }"  # variables it does not declare are ignored, not refused


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest_asyncio.fixture
async def http(seeded_db: SeededDatabase) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings_for(seeded_db.url))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        client.headers["Authorization"] = "Bearer " + issue_token(
            app.state.settings, subject=DEVI_ID, scope="customer"
        )
        yield client
    await app.state.store.dispose()


def test_brackets_inside_strings_do_not_count() -> None:
    assert nesting_depth(b'{"a": [1, {"b": []}]}') == 4
    assert nesting_depth(json.dumps({"s": nested(500), "t": '"' + nested(100)})) == 1
    assert nesting_depth(b"") == 0 and nesting_depth('["\u00e9"]') == 1
    assert not too_deep(nested(64), 64) and too_deep(nested(65), 64)
    assert too_deep("[" * 65, 64), "unclosed brackets count as well"


def _refused(response: httpx.Response, code_of: str = "graphql") -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    code = body["code"] if code_of == "events" else body["errors"][0]["extensions"]["code"]
    assert code == "JSON_TOO_DEEP"
    assert "Traceback" not in response.text


async def test_graphql_refuses_deep_variables_in_a_post_body(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        body = '{"query": "%s", "variables": {"v": %s}}' % (QUERY, nested(5000))
        sent = await http.post(
            "/graphql", content=body, headers={"Content-Type": "application/json"}
        )
        _refused(sent)
        at_limit = {"query": QUERY, "variables": {"v": json.loads(nested(62))}}
        assert (await http.post("/graphql", json=at_limit)).status_code != 500
        over = {"query": QUERY, "variables": {"v": json.loads(nested(63))}}  # + body + object
        _refused(await http.post("/graphql", json=over))
        batch = "[" * 5000 + "]" * 5000
        _refused(
            await http.post("/graphql", content=batch, headers={"Content-Type": "application/json"})
        )
    assert not caplog.records, [r.getMessage() for r in caplog.records]


async def test_graphql_refuses_deep_variables_and_extensions_in_a_get(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        for name in ("variables", "extensions"):
            params = {"query": QUERY, name: '{"v": %s}' % nested(5000)}
            _refused(await http.get("/graphql", params=params))
        fine = await http.get("/graphql", params={"query": QUERY, "variables": '{"v": [1, 2]}'})
        assert fine.status_code == 200 and fine.json()["data"] == {"__typename": "Query"}
    assert not caplog.records, [r.getMessage() for r in caplog.records]


async def test_events_refuse_a_deep_body(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        for body in (nested(5000), '{"events": %s}' % nested(5000)):
            sent = await http.post(
                "/events", content=body, headers={"Content-Type": "application/json"}
            )
            _refused(sent, code_of="events")
            assert sent.headers["content-type"].startswith("application/problem+json")
    assert not caplog.records, [r.getMessage() for r in caplog.records]


async def test_the_bound_is_a_setting(seeded_db: SeededDatabase) -> None:
    with pytest.raises(ValueError):
        settings_for(seeded_db.url, limit_json_depth=0)
    app = create_app(settings_for(seeded_db.url, limit_json_depth=3))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        flat = await client.post("/graphql", json={"query": QUERY, "variables": {"v": [1]}})
        assert flat.status_code == 200
        _refused(await client.post("/graphql", json={"query": QUERY, "variables": {"v": [[1]]}}))
    await app.state.store.dispose()
