"""Apollo Client's and urql's own persisted-query links against a real server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.clients.conftest import run_node

pytestmark = pytest.mark.slow
SCRIPT = (Path(__file__).parent / "apq_clients.mjs").read_text()

DOCUMENTS = [
    "query ApolloPost { products(first: 2) { edges { node { sku } } } }",
    "query ApolloGet { stores(first: 2) { name } }",
    "query UrqlPost { products(first: 3) { edges { node { sku name } } } }",
    "query UrqlGet { stores(first: 1) { name region } }",
]


def _flow(log: list[dict[str, Any]]) -> list[tuple[bool, bool, int, str | None]]:
    return [(e["hash"] is not None, e["hasQuery"], e["status"], e["code"]) for e in log]


def test_apollo_and_urql_register_then_reuse_their_hashes(
    node_clients: Path, server_factory: Callable[..., Any]
) -> None:
    with server_factory() as base:
        out = run_node(node_clients, SCRIPT, f"{base}/graphql", *DOCUMENTS, timeout=90)

    miss_then_register = [
        (True, False, 200, "PERSISTED_QUERY_NOT_FOUND"),
        (True, True, 200, None),
    ]
    for name in ("apolloPost", "apolloGet", "urqlPost", "urqlGet"):
        assert _flow(out[name]["log"]) == miss_then_register, name
        assert out[name]["data"], name
    # a fresh client: the server already knows the hash, one request is enough
    assert _flow(out["apolloPostAgain"]["log"]) == [(True, False, 200, None)]
    assert _flow(out["urqlGetAgain"]["log"]) == [(True, False, 200, None)]
    assert out["apolloPostAgain"]["data"] == out["apolloPost"]["data"]
    assert [e["method"] for e in out["apolloGet"]["log"]] == ["GET", "POST"]
    assert out["urqlGetAgain"]["log"][0]["method"] == "GET"
    assert len(out["urqlPost"]["data"]["products"]["edges"]) == 3
