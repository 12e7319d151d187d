"""CommerceGraph as a federation subgraph: its SDL, entity resolution, and a real Hive
Gateway composing it with a second subgraph, one query crossing both."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from commercegraph.app import create_app
from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID, DOWNTOWN_ID
from commercegraph.ids import to_global_id
from tests.clients.conftest import REPO, run_node
from tests.clients.eco_subgraph import eco_score
from tests.conftest import SeededDatabase, settings_for
from tests.serving import free_port, running

HERE = Path(__file__).parent


async def _post(
    db: SeededDatabase, query: str, variables: dict[str, Any] | None = None, **settings: Any
) -> dict[str, Any]:
    app = create_app(settings_for(db.url, **settings))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as c:
            response = await c.post("/graphql", json={"query": query, "variables": variables or {}})
            body: dict[str, Any] = response.json()
            return body
    finally:
        await app.state.store.dispose()


async def test_subgraph_sdl_declares_keys_and_entities_resolve(sqlite_db: SeededDatabase) -> None:
    body = await _post(sqlite_db, "{ _service { sdl } }", federation_enabled=True)
    sdl = body["data"]["_service"]["sdl"]
    assert sdl.startswith('extend schema @link(url: "https://specs.apollo.dev/federation/v2.5"')
    for name in ("Product", "Customer", "Order", "Store"):
        assert f'type {name} implements Node @key(fields: "id") {{' in sdl
    assert "_entities" not in sdl and "_Service" not in sdl

    product_id = (await _post(sqlite_db, '{ product(sku: "%s") { id } }' % DEVI_COFFEE_SKU))[
        "data"
    ]["product"]["id"]
    store_id = to_global_id("Store", DOWNTOWN_ID)
    entities = await _post(
        sqlite_db,
        """query($r: [_Any!]!) { _entities(representations: $r) {
             ... on Product { sku } ... on Store { name } } }""",
        {
            "r": [
                {"__typename": "Product", "id": product_id},
                {"__typename": "Store", "id": store_id},
                {"__typename": "Product", "id": to_global_id("Product", "no-such")},
            ]
        },
        federation_enabled=True,
    )
    found = entities["data"]["_entities"]
    assert found[0] == {"sku": DEVI_COFFEE_SKU}
    assert found[1]["name"]
    assert found[2] is None

    private = await _post(
        sqlite_db,
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { email } } }",
        {"r": [{"__typename": "Customer", "id": to_global_id("Customer", DEVI_ID)}]},
        federation_enabled=True,
    )
    # an anonymous router request learns nothing of a customer: refused, or not there
    assert "@" not in str(private.get("data")), private
    codes = [e["extensions"]["code"] for e in private.get("errors", [])]
    assert codes in (["UNAUTHENTICATED"], ["FORBIDDEN"], ["NOT_FOUND"]) or private["data"] == {
        "_entities": [None]
    }, private


async def test_cli_exports_the_same_subgraph_sdl(sqlite_db: SeededDatabase, tmp_path: Path) -> None:
    out = tmp_path / "subgraph.graphql"
    done = await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "commercegraph",
            "export-schema",
            "--federated",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    body = await _post(sqlite_db, "{ _service { sdl } }", federation_enabled=True)
    assert out.read_text() == body["data"]["_service"]["sdl"] + "\n"


async def test_disabled_federation_leaves_the_published_schema_alone(
    sqlite_db: SeededDatabase,
) -> None:
    body = await _post(sqlite_db, "{ _service { sdl } }")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    published = (REPO / "schema.graphql").read_text()
    assert "_service" not in published and "@key" not in published


def _process(args: list[str], ready_url: str, cwd: Path | None = None) -> Any:
    return running(args, ready_url, cwd=cwd)


@pytest.mark.slow
def test_hive_gateway_answers_one_query_across_both_subgraphs(
    gateway_packages: Path, server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    eco_port, gateway_port = free_port(), free_port()
    eco_url = f"http://127.0.0.1:{eco_port}/graphql"
    with (
        server_factory(CG_FEDERATION_ENABLED="true") as base,
        _process([sys.executable, str(HERE / "eco_subgraph.py"), str(eco_port)], eco_url),
    ):
        supergraph = tmp_path / "supergraph.graphql"
        composed = run_node(
            gateway_packages,
            (HERE / "compose.mjs").read_text(),
            str(supergraph),
            f"commercegraph={base}/graphql",
            f"eco={eco_url}",
        )
        assert composed == {"ok": True}, composed
        gateway = (
            gateway_packages / "node_modules" / "@graphql-hive" / "gateway" / "dist" / "bin.js"
        )
        gateway_url = f"http://127.0.0.1:{gateway_port}/graphql"
        with _process(
            [
                "node",
                str(gateway),
                "supergraph",
                str(supergraph),
                "--host",
                "127.0.0.1",
                "--port",
                str(gateway_port),
            ],
            f"http://127.0.0.1:{gateway_port}/healthcheck",
            cwd=tmp_path,
        ):
            query = (
                '{ product(sku: "%s") { id sku name ecoScore } ecoMethodology }' % DEVI_COFFEE_SKU
            )
            response = httpx.post(gateway_url, json={"query": query}, timeout=30)
            body = response.json()
    assert "errors" not in body, body
    product = body["data"]["product"]
    assert product["sku"] == DEVI_COFFEE_SKU and product["name"]
    assert product["ecoScore"] == eco_score(product["id"])  # resolved by the other subgraph
    assert body["data"]["ecoMethodology"]
