"""GraphQL over HTTP and the default limits, against the seeded demo (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

import httpx
from graphql import parse

from commercegraph.app import create_app
from commercegraph.config import Settings
from commercegraph.demo import DEVI_ID
from commercegraph.limits.cost import estimate_cost
from commercegraph.limits.depth import operation_depth
from commercegraph.schema import build_schema
from commercegraph.security.graphql_http import is_json_utf8, negotiate
from tests.conftest import GraphQLClient, SeededDatabase, settings_for

GRAPHQL_RESPONSE = "application/graphql-response+json"

# Devi's whole world in one round trip, down to the stores that hold what she ordered.
DEVI_FULL_JOURNEY = """
query DeviFullJourney {
  me {
    displayName email
    identities { kind value source }
    consent { marketingEmail personalization }
    wallet {
      balance { amount currency formatted }
      paymentMethods { kind label isDefault }
      transactions(first: 5) { edges { node { kind amount { formatted } createdAt } } }
    }
    loyalty { points tier pointsToNextTier pendingPoints }
    orders(first: 5) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { placedAt channel total { formatted } store { name }
        lines { quantity product { name
          price(channel: MOBILE_APP) { base { formatted } final { formatted } }
          availability(near: { lat: 45.519, lon: -122.679 }, radiusKm: 10) {
            pickupEligible
            stores(first: 3) { store { name } distanceKm level { availableToPromise status } }
          } } } } }
    }
    recentlyViewed(first: 3) {
      name
      availability(near: { lat: 45.519, lon: -122.679 }) { stores(first: 3) { store { name } } }
    }
  }
}
"""


def body_codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def test_devi_full_journey_passes_the_default_limits(gql: GraphQLClient) -> None:
    defaults = Settings()
    document = parse(DEVI_FULL_JOURNEY)
    depth = operation_depth(document.definitions[0].selection_set, {})  # type: ignore[attr-defined]
    cost = estimate_cost(build_schema()._schema, document, None, {}, defaults.limit_cost_list_size)
    # graphql-armor's depth 6 would refuse this journey (Relay adds edges/node levels)
    assert depth == 10 > 6 and depth <= defaults.limit_depth
    assert cost <= defaults.limit_cost, cost
    body = await gql.post(DEVI_FULL_JOURNEY, token=gql.token(DEVI_ID))
    assert "errors" not in body, body["errors"]
    order = body["data"]["me"]["orders"]["edges"][0]["node"]
    assert order["lines"][0]["product"]["availability"]["stores"] is not None


async def test_expensive_and_deep_queries_are_refused_before_execution(
    gql: GraphQLClient, seeded_db: SeededDatabase
) -> None:
    expensive = "{ products(first: 100) { edges { node { availability { stores(first: 100) { store { name } } } } } } }"
    body = await gql.post(expensive)
    assert body_codes(body) == ["COST_ESTIMATED_TOO_EXPENSIVE"]
    assert (
        body["errors"][0]["extensions"]["estimatedCost"]
        > body["errors"][0]["extensions"]["maxCost"]
    )
    deep = "{ me { orders { edges { node { lines { product { availability { stores { store { location { lat } } } } } } } } } } }"
    # the deepest path of today's schema is 11 levels: the default (12) leaves one spare
    assert operation_depth(parse(deep).definitions[0].selection_set, {}) == 11  # type: ignore[attr-defined]
    assert "errors" not in await gql.post(deep, token=gql.token(DEVI_ID))
    app = create_app(settings_for(seeded_db.url, limit_depth=10))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        tight = GraphQLClient(http, gql.settings)
        assert "errors" not in await tight.post(DEVI_FULL_JOURNEY, token=gql.token(DEVI_ID))
        refused = await tight.post(deep, token=gql.token(DEVI_ID))
        assert body_codes(refused) == ["MAX_DEPTH_EXCEEDED"] and refused["data"] is None
    await app.state.store.dispose()


async def test_graphql_response_media_type_and_status_codes(gql: GraphQLClient) -> None:
    http = gql.http
    accept = {"Accept": GRAPHQL_RESPONSE}
    ok = await http.post(
        "/graphql", json={"query": "{ stores(first: 1) { name } }"}, headers=accept
    )
    assert ok.status_code == 200 and ok.headers["content-type"] == GRAPHQL_RESPONSE
    assert ok.json()["data"]["stores"][0]["name"]
    for query, code in {
        "{ stores( ": "GRAPHQL_PARSE_FAILED",
        "{ stores { nope } }": "GRAPHQL_VALIDATION_FAILED",
    }.items():
        refused = await http.post("/graphql", json={"query": query}, headers=accept)
        assert refused.status_code == 400 and refused.headers["content-type"] == GRAPHQL_RESPONSE
        assert body_codes(refused.json()) == [code] and "data" not in refused.json()
        legacy = await http.post("/graphql", json={"query": query})
        assert legacy.status_code == 200 and legacy.headers["content-type"] == "application/json"
        assert body_codes(legacy.json()) == [code]
    field_error = await http.post("/graphql", json={"query": "{ me { email } }"}, headers=accept)
    assert field_error.status_code == 200 and field_error.json()["data"] == {"me": None}
    assert body_codes(field_error.json()) == ["UNAUTHENTICATED"]
    both = {"Accept": f"application/json;q=0.5, {GRAPHQL_RESPONSE}"}
    preferred = await http.post("/graphql", json={"query": "{ __typename }"}, headers=both)
    assert preferred.headers["content-type"] == GRAPHQL_RESPONSE


async def test_get_queries_run_and_mutations_over_get_are_405(gql: GraphQLClient) -> None:
    query = await gql.http.get("/graphql", params={"query": "{ stores(first: 1) { name } }"})
    assert query.status_code == 200 and query.json()["data"]["stores"]
    mutation = await gql.http.get("/graphql", params={"query": "mutation { __typename }"})
    assert mutation.status_code == 405 and mutation.headers["allow"] == "POST"
    assert body_codes(mutation.json()) == ["METHOD_NOT_ALLOWED"]


async def test_content_type_accept_and_body_size(gql: GraphQLClient) -> None:
    http = gql.http
    payload = json.dumps({"query": "{ __typename }"}).encode()
    for content_type in ("text/plain", "application/json; charset=latin-1", "application/xml"):
        response = await http.post(
            "/graphql", content=payload, headers={"Content-Type": content_type}
        )
        assert response.status_code == 415, content_type
        assert body_codes(response.json()) == ["UNSUPPORTED_MEDIA_TYPE"]
    missing = await http.post("/graphql", content=payload)
    assert missing.status_code == 415
    charset = await http.post(
        "/graphql", content=payload, headers={"Content-Type": "application/json; charset=UTF-8"}
    )
    assert charset.status_code == 200
    not_acceptable = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Accept": "text/csv"}
    )
    assert not_acceptable.status_code == 406
    assert body_codes(not_acceptable.json()) == ["NOT_ACCEPTABLE"]
    huge = {"query": "{ __typename }", "variables": {"pad": "x" * 300_000}}
    too_large = await http.post("/graphql", json=huge)
    assert too_large.status_code == 413 and body_codes(too_large.json()) == ["REQUEST_TOO_LARGE"]
    for raw in (b"not json", b'"a string"', b"[]", b"[1, 2]"):
        bad = await http.post("/graphql", content=raw, headers={"Content-Type": "application/json"})
        assert bad.status_code == 400 and body_codes(bad.json()), raw
        assert "Traceback" not in bad.text


async def test_body_members_of_the_wrong_type_are_400_with_what_is_wrong(
    gql: GraphQLClient,
) -> None:
    for body, member, kind in (
        ({"query": 1}, "query", "a string"),
        ({"query": "{ __typename }", "variables": []}, "variables", "an object"),
        ({"query": "{ __typename }", "extensions": 3}, "extensions", "an object"),
    ):
        response = await gql.http.post("/graphql", json=body)
        assert response.status_code == 400, body
        message = f"The GraphQL operation's `{member}` must be {kind} or null, if provided."
        assert [e["message"] for e in response.json()["errors"]] == [message]
    named = {
        "query": "query A { __typename } query B { b: __typename }",
        "operationName": "B",
        "variables": None,
        "extensions": None,
    }
    response = await gql.http.post("/graphql", json=named)
    assert response.status_code == 200 and response.json() == {"data": {"b": "Query"}}


def test_accept_headers_choose_the_media_type() -> None:
    for accept, media in (
        (None, "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
        ("text/csv", None),
        ("application/json;q=0", None),
    ):
        for _ in range(2):  # the second answer from the bounded cache
            assert negotiate(accept) == media, accept
    assert negotiate.cache_info().maxsize == 256


def test_json_utf8_content_types() -> None:
    accepted = (
        "application/json",
        "application/json; charset=UTF-8",
        "application/json;charset=utf8",
    )
    for content_type in accepted:
        assert is_json_utf8(content_type), content_type
    for content_type in (
        "",
        "text/plain",
        "application/json; charset=latin-1",
        "application/jsonx",
    ):
        assert not is_json_utf8(content_type), content_type


async def test_other_methods_and_paths_get_coded_errors(gql: GraphQLClient) -> None:
    put = await gql.http.put("/graphql", json={"query": "{ __typename }"})
    assert put.status_code == 405 and body_codes(put.json()) == ["METHOD_NOT_ALLOWED"]
    missing = await gql.http.get("/no-such-path")
    assert missing.status_code == 404 and body_codes(missing.json()) == ["NOT_FOUND"]


async def test_batches_are_refused_by_default_and_capped_when_on(
    gql: GraphQLClient, seeded_db: SeededDatabase
) -> None:
    batch = [{"query": "{ __typename }"}] * 2
    off = await gql.http.post("/graphql", json=batch)
    assert off.status_code == 400 and body_codes(off.json()) == ["BATCHING_DISABLED"]
    app = create_app(settings_for(seeded_db.url, batch_max_operations=2))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        on = await http.post("/graphql", json=batch)
        assert (
            on.status_code == 200
            and [r["data"] for r in on.json()] == [{"__typename": "Query"}] * 2
        )
        over = await http.post("/graphql", json=[*batch, *batch])
        assert over.status_code == 400 and body_codes(over.json()) == ["BATCH_TOO_LARGE"]
    await app.state.store.dispose()
