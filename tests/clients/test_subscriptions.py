"""Subscriptions end to end: a real graphql-ws client, server-sent events, and two app
instances sharing Redis."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from commercegraph.auth import issue_token
from commercegraph.config import Settings
from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID, DOWNTOWN_ID, SAM_ID
from commercegraph.ids import to_global_id
from tests.clients.conftest import serve
from tests.conftest import IN_CI, SeededDatabase
from tests.factories import demo_database, open_store
from tests.inventory.conftest import set_stock

HERE = Path(__file__).parent
CART_SUB = "subscription($c: ID!) { cartChanged(cartId: $c) { id status lines { sku quantity } } }"
ORDER_SUB = "subscription { orderStatusChanged { id status fulfillment } }"
STOCK_SUB = """subscription($s: ID!, $k: [String!]!) {
  stockChanged(storeId: $s, skus: $k) { store { name } levels { sku onHand reserved availableToPromise } } }"""
CREATE = "mutation { createCart(channel: WEB) { id } }"
ADD = "mutation($c: ID!, $s: String!, $q: Int!) { addCartLine(cartId: $c, sku: $s, quantity: $q) { id } }"
PLACE = """mutation($c: ID!, $f: FulfillmentInput!, $k: String!) {
  placeOrder(cartId: $c, fulfillment: $f, idempotencyKey: $k, payment: {payAtPickup: true}) {
    id status } }"""
DOWNTOWN = to_global_id("Store", DOWNTOWN_ID)


@pytest.fixture
def fresh_db(tmp_path: Path) -> Iterator[SeededDatabase]:
    async def stock(url: str) -> None:
        async with open_store(url) as store:
            await set_stock(store, DEVI_COFFEE_SKU, DOWNTOWN_ID, 20)

    with demo_database("sqlite", tmp_path) as db:
        asyncio.run(stock(db.url))
        yield db


def _token(customer_id: str) -> str:
    return issue_token(Settings(), subject=customer_id, scope="customer")


def _post(base: str, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


class Lines:
    """The JSON lines a subprocess prints, read on a thread so waits can time out."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.pending: list[dict[str, Any]] = []  # read, not yet asked for
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.strip():
                self.lines.put(json.loads(line))

    def next(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 15
    ) -> dict[str, Any]:
        for item in self.pending:
            if predicate(item):
                self.pending.remove(item)
                return item
        seen = []
        while True:
            try:
                item = self.lines.get(timeout=timeout)
            except queue.Empty:
                stderr = (
                    self.proc.stderr.read()
                    if self.proc.poll() is not None and self.proc.stderr
                    else ""
                )
                pytest.fail(f"no matching message within {timeout}s; saw {seen} {stderr}")
            if predicate(item):
                return item
            seen.append(item)
            self.pending.append(item)


def _subscriber(
    packages: Path, ws_url: str, token: str, specs: list[dict[str, Any]]
) -> subprocess.Popen[str]:
    # an ES module resolves its imports from where it lies: beside the installed packages
    script = packages / "cg-ws-subscriber.mjs"
    script.write_text((HERE / "ws_subscriber.mjs").read_text())
    return subprocess.Popen(
        ["node", str(script), ws_url, token, json.dumps(specs)],
        cwd=packages,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.wait(timeout=10)
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def _named(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda m: m.get("name") == name


@pytest.mark.slow
def test_graphql_ws_client_follows_cart_order_and_stock(
    node_clients: Path, fresh_db: SeededDatabase
) -> None:
    devi, sam = _token(DEVI_ID), _token(SAM_ID)
    with serve(fresh_db.url) as base:
        cart_id = _post(base, CREATE, {}, devi)["createCart"]["id"]
        ws = base.replace("http://", "ws://") + "/graphql"
        specs = [
            {"name": "orders", "query": ORDER_SUB},
            {
                "name": "stock",
                "query": STOCK_SUB,
                "variables": {"s": DOWNTOWN, "k": [DEVI_COFFEE_SKU]},
            },
            {"name": "cart", "query": CART_SUB, "variables": {"c": cart_id}},
        ]
        proc = _subscriber(node_clients, ws, devi, specs)
        intruder = _subscriber(node_clients, ws, sam, [specs[2]])
        try:
            lines, intruder_lines = Lines(proc), Lines(intruder)
            snapshot = lines.next(_named("cart"))["value"]["data"]["cartChanged"]
            assert snapshot == {"id": cart_id, "status": "OPEN", "lines": []}
            stock = lines.next(_named("stock"))["value"]["data"]["stockChanged"]
            before = stock["levels"][0]
            assert before["sku"] == DEVI_COFFEE_SKU and before["onHand"] == 20

            # another customer may not watch Devi's cart: to them it does not exist
            refused = intruder_lines.next(_named("cart"))
            errors = refused.get("error") or refused["value"]["errors"]
            assert errors[0]["extensions"]["code"] == "NOT_FOUND", refused

            _post(base, ADD, {"c": cart_id, "s": DEVI_COFFEE_SKU, "q": 2}, devi)
            changed = lines.next(_named("cart"))["value"]["data"]["cartChanged"]
            assert changed["lines"] == [{"sku": DEVI_COFFEE_SKU, "quantity": 2}]

            fulfillment = {"method": "PICKUP", "storeId": DOWNTOWN}
            order = _post(
                base, PLACE, {"c": cart_id, "f": fulfillment, "k": uuid.uuid4().hex}, devi
            )
            placed = lines.next(_named("orders"))["value"]["data"]["orderStatusChanged"]
            assert placed["id"] == order["placeOrder"]["id"]
            assert placed["status"] == order["placeOrder"]["status"]
            closed = lines.next(_named("cart"))["value"]["data"]["cartChanged"]
            assert closed["status"] == "ORDERED"
            # reserve then commit: the last event shows the two units off hand
            deadline_levels = None
            for _ in range(3):
                level = lines.next(_named("stock"))["value"]["data"]["stockChanged"]["levels"][0]
                deadline_levels = level
                if level["onHand"] == 18:
                    break
            assert deadline_levels is not None and deadline_levels["onHand"] == 18
            assert deadline_levels["reserved"] == 0
        finally:
            _stop(proc)
            _stop(intruder)


@pytest.mark.slow
def test_a_bad_token_in_connection_init_closes_the_socket(
    node_clients: Path, sqlite_db: SeededDatabase
) -> None:
    with serve(sqlite_db.url) as base:
        ws = base.replace("http://", "ws://") + "/graphql"
        proc = _subscriber(
            node_clients, ws, "not-a-token", [{"name": "orders", "query": ORDER_SUB}]
        )
        try:
            message = Lines(proc).next(lambda m: "error" in m)
            assert "4403" in json.dumps(message) or "Forbidden" in json.dumps(message)
        finally:
            _stop(proc)


def _sse_events(response: httpx.Response) -> Iterator[tuple[str, Any]]:
    event, data = "", ""
    for line in response.iter_lines():
        if line.startswith("event:"):
            event = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            data = line.removeprefix("data:").strip()
        elif line == "" and event:
            yield event, json.loads(data) if data else None
            event, data = "", ""


@pytest.mark.slow
def test_server_sent_events_follow_a_cart(sqlite_db: SeededDatabase) -> None:
    devi = _token(DEVI_ID)
    with serve(sqlite_db.url) as base:
        cart_id = _post(base, CREATE, {}, devi)["createCart"]["id"]
        headers = {"Authorization": f"Bearer {devi}", "Accept": "text/event-stream"}
        body = {"query": CART_SUB, "variables": {"c": cart_id}}
        with httpx.stream(
            "POST", f"{base}/graphql/stream", json=body, headers=headers, timeout=20
        ) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            events = _sse_events(r)
            kind, first = next(events)
            assert kind == "next" and first["data"]["cartChanged"]["lines"] == []
            _post(base, ADD, {"c": cart_id, "s": DEVI_COFFEE_SKU, "q": 1}, devi)
            kind, second = next(events)
            assert kind == "next"
            assert second["data"]["cartChanged"]["lines"] == [
                {"sku": DEVI_COFFEE_SKU, "quantity": 1}
            ]

        anonymous = httpx.post(f"{base}/graphql/stream", json=body, timeout=10)
        # the stream opens, and its first result is the refusal: a customer's cart is not
        # there for an anonymous caller, as for anyone else but its owner
        assert anonymous.status_code == 200
        kind, refusal = next(iter(_sse_lines(anonymous.text)))
        assert kind == "next" and refusal["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        bad = httpx.post(
            f"{base}/graphql/stream",
            json=body,
            headers={"Authorization": "Bearer nope"},
            timeout=10,
        )
        assert bad.status_code == 401
        query = httpx.post(
            f"{base}/graphql/stream", json={"query": "{ __typename }"}, headers=headers, timeout=10
        )
        assert query.status_code == 400
        assert query.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def _sse_lines(text: str) -> list[tuple[str, Any]]:
    out = []
    for block in text.strip().split("\n\n"):
        fields = dict(
            line.split(": ", 1) if ": " in line else (line.rstrip(":"), "")
            for line in block.splitlines()
        )
        out.append(
            (fields.get("event", ""), json.loads(fields["data"]) if fields.get("data") else None)
        )
    return out


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


@pytest.mark.slow
def test_an_event_published_by_one_replica_reaches_a_subscriber_of_the_other(
    sqlite_db: SeededDatabase,
) -> None:
    env = {"CG_REDIS_URL": _redis_url(), "CG_REDIS_KEY_PREFIX": f"cg-test-{uuid.uuid4().hex[:8]}:"}
    devi = _token(DEVI_ID)
    with serve(sqlite_db.url, **env) as one, serve(sqlite_db.url, **env) as two:
        cart_id = _post(one, CREATE, {}, devi)["createCart"]["id"]
        headers = {"Authorization": f"Bearer {devi}"}
        body = {"query": CART_SUB, "variables": {"c": cart_id}}
        with httpx.stream(
            "POST", f"{two}/graphql/stream", json=body, headers=headers, timeout=20
        ) as r:
            events = _sse_events(r)
            assert next(events)[1]["data"]["cartChanged"]["lines"] == []
            _post(one, ADD, {"c": cart_id, "s": DEVI_COFFEE_SKU, "q": 3}, devi)  # on replica one
            kind, event = next(events)
            assert kind == "next"
            assert event["data"]["cartChanged"]["lines"] == [
                {"sku": DEVI_COFFEE_SKU, "quantity": 3}
            ]
