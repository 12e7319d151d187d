"""Write-back to HubSpot contacts: batching, property mapping, refusals, and the
``segments write-back`` run over the gateway's store, resumed after a failure.

HubSpot's batch upsert is replayed from recordings written from its public API reference
(``recorded/README.md``: batch upsert results and its 207 errors) through
``httpx.MockTransport`` (and, for the command line, by a small HTTP server on 127.0.0.1
answering from the same recording); the store is a real SQLite demo store with segments
refreshed.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from commercegraph import bootstrap
from commercegraph.adapters.base import CustomerPropertyUpdate
from commercegraph.config import Settings
from commercegraph.customer360.write_back import (
    NoWriteBack,
    customer_writer,
    read_checkpoint,
    write_back_all,
)
from commercegraph.errors import BackendUnavailable
from tests.adapters.hubspot.conftest import FakeClock, Replay, adapter_for, answer, recorded
from tests.conftest import _migrate_and_seed

BATCH = 7


async def test_updates_are_upserted_100_a_request_by_email_then_by_id(
    replay: Replay, clock: FakeClock
) -> None:
    with_email = [
        CustomerPropertyUpdate(
            f"cus_{n:03d}",
            f"C{n}@Example.com",
            {"segments": "abc:A;rfm:champions", "lifetime_value": 12_345, "rfm_score": None},
        )
        for n in range(150)
    ]
    without = [CustomerPropertyUpdate(f"cus_x{n}", None, {"segments": None}) for n in range(3)]
    adapter = adapter_for(replay, clock)

    assert await adapter.write_back([*with_email, *without]) == 153
    bodies = replay.bodies("/batch/upsert")
    assert [len(b["inputs"]) for b in bodies] == [100, 50, 3]
    first = bodies[0]["inputs"][0]
    assert first == {
        "idProperty": "email",
        "id": "c0@example.com",
        "properties": {
            "cg_segments": "abc:A;rfm:champions",
            "cg_lifetime_value": "12345",
            "cg_rfm_score": "",  # None clears the property
            "cg_customer_id": "cus_000",
        },
    }
    assert bodies[2]["inputs"][0] == {
        "idProperty": "cg_customer_id",
        "id": "cus_x0",
        "properties": {"cg_segments": "", "cg_customer_id": "cus_x0"},
    }


async def test_match_by_id_and_a_repeated_customer_sent_once(
    replay: Replay, clock: FakeClock
) -> None:
    adapter = adapter_for(replay, clock, match_by="id", segments_property="crm_segments")
    sent = [
        CustomerPropertyUpdate("cus_devi", "devi@example.com", {"segments": "old"}),
        CustomerPropertyUpdate("cus_devi", "devi@example.com", {"segments": "rfm:loyal"}),
    ]
    assert await adapter.write_back(sent) == 1
    (body,) = replay.bodies("/batch/upsert")
    assert body["inputs"] == [
        {
            "idProperty": "cg_customer_id",
            "id": "cus_devi",
            "properties": {"crm_segments": "rfm:loyal", "cg_customer_id": "cus_devi"},
        }
    ]


async def test_inputs_refused_in_a_multi_status_answer_are_not_counted(
    replay: Replay, clock: FakeClock
) -> None:
    adapter = adapter_for(replay, clock)
    sent = [
        CustomerPropertyUpdate("cus_devi", "devi@example.com", {"lifetime_value": 1}),
        CustomerPropertyUpdate("cus_bad", "bad@example.com", {"lifetime_value": 2}),
    ]
    assert await adapter.write_back(sent) == 1


async def test_a_conflict_on_upsert_is_a_conflict(replay: Replay, clock: FakeClock) -> None:
    from commercegraph.errors import Conflict

    replay.override = lambda _: answer("error_409_conflict.json", 409)
    with pytest.raises(Conflict, match="already exists"):
        await adapter_for(replay, clock).write_back(
            [CustomerPropertyUpdate("cus_devi", None, {"segments": "x"})]
        )


@pytest.fixture(scope="module")
def segmented_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo store of this module's own, with segments and figures computed."""
    from commercegraph.customer360.refresh import refresh_all

    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('write-back') / 'demo.db'}"
    _migrate_and_seed(url)

    async def refresh() -> None:
        async with bootstrap.open_store(Settings(database_url=url)) as store:
            await refresh_all(store, "USD")

    asyncio.run(refresh())
    yield url


class Crm:
    """The contacts the replayed HubSpot holds after each upsert, by customer id."""

    def __init__(self, replay: Replay) -> None:
        self.replay = replay
        self.contacts: dict[str, dict[str, str]] = {}
        self.fail_at: int | None = None
        self.calls = 0
        replay.override = self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls == self.fail_at:
            return answer("error_500_internal.json", 500)
        self.replay.override = None
        self.replay.requests.pop()
        try:
            response = self.replay(request)
        finally:
            self.replay.override = self
        for result in response.json()["results"]:
            props = result["properties"]
            self.contacts.setdefault(props["cg_customer_id"], {}).update(props)
        return response


async def test_write_back_resumes_after_a_failure_and_repeats_idempotently(
    segmented_store: str, tmp_path: Path, replay: Replay, clock: FakeClock
) -> None:
    crm = Crm(replay)
    crm.fail_at = 3
    adapter = adapter_for(replay, clock)
    checkpoint = tmp_path / "write-back.json"
    async with bootstrap.open_store(Settings(database_url=segmented_store)) as store:
        with pytest.raises(BackendUnavailable):
            await write_back_all(store, adapter.write_back, batch_size=BATCH, checkpoint=checkpoint)
        saved = json.loads(checkpoint.read_text())
        assert saved["batches"] == 2 and saved["customers"] == 2 * BATCH
        assert read_checkpoint(checkpoint) == saved["last_customer_id"]
        first_part = set(crm.contacts)
        assert len(first_part) == 2 * BATCH

        resumed = await write_back_all(
            store, adapter.write_back, batch_size=BATCH, checkpoint=checkpoint
        )
        assert resumed.resumed_after == saved["last_customer_id"]
        assert not checkpoint.exists()  # done: the next run starts over
        every = 2 * BATCH + resumed.customers
        assert len(crm.contacts) == every
        assert resumed.refused == 0
        holding = dict(crm.contacts)

        again = await write_back_all(store, adapter.write_back, batch_size=BATCH)
    assert again.customers == every and again.written == every
    assert crm.contacts == holding  # the same values again: nothing changed
    champions = [c for c in holding.values() if c.get("cg_rfm_segment")]
    assert champions, "the refreshed store gives customers an RFM segment"
    sample = champions[0]
    assert sample["cg_lifetime_value"].isdigit()  # minor units, as an integer string
    assert sample["cg_rfm_segment"].startswith("rfm:")
    assert sample["cg_rfm_segment"] in sample["cg_segments"].split(";")


async def test_no_write_back_without_a_crm_adapter(segmented_store: str) -> None:
    from contextlib import AsyncExitStack

    settings = Settings(database_url=segmented_store)
    async with bootstrap.open_store(settings) as store, AsyncExitStack() as stack:
        with pytest.raises(NoWriteBack, match=r"customer\.write_back"):
            await customer_writer(settings, store, stack)


class LoopbackHubSpot(ThreadingHTTPServer):
    """HubSpot's batch upsert on 127.0.0.1, answering from the recording, for the CLI."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _UpsertHandler)
        self.inputs: list[dict[str, Any]] = []
        self.tokens: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _UpsertHandler(BaseHTTPRequestHandler):
    server: LoopbackHubSpot

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.tokens.append(self.headers["Authorization"])
        if self.path != "/crm/v3/objects/contacts/batch/upsert":
            self.send_response(404)
            self.end_headers()
            return
        self.server.inputs.extend(body["inputs"])
        template = recorded("batch_upsert_result.json")
        results = [{**template, "properties": i["properties"]} for i in body["inputs"]]
        payload = json.dumps({"status": "COMPLETE", "results": results}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def loopback_hubspot() -> Iterator[LoopbackHubSpot]:
    server = LoopbackHubSpot()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_cli_writes_back_through_the_routed_crm(
    segmented_store: str,
    loopback_hubspot: LoopbackHubSpot,
    tmp_path: Path,
    monkeypatch: Any,
    capsys: Any,
) -> None:
    from commercegraph.cli import main

    monkeypatch.setenv("CG_DATABASE_URL", segmented_store)
    monkeypatch.setenv("CG_ADAPTERS__CUSTOMER", "hubspot")
    monkeypatch.setenv("CG_HUBSPOT__TOKEN", "pat-na1-recorded")
    monkeypatch.setenv("CG_HUBSPOT__BASE_URL", loopback_hubspot.url)
    checkpoint = tmp_path / "write-back.json"

    assert (
        main(["segments", "write-back", "--batch-size", "10", "--checkpoint", str(checkpoint)]) == 0
    )

    summary = json.loads(capsys.readouterr().out)
    assert summary["written"] == summary["customers"] == len(loopback_hubspot.inputs)
    assert summary["batches"] == -(-summary["customers"] // 10)
    assert summary["refused"] == 0 and summary["resumed_after"] is None
    assert not checkpoint.exists()
    assert set(loopback_hubspot.tokens) == {"Bearer pat-na1-recorded"}
    ids = [i["properties"]["cg_customer_id"] for i in loopback_hubspot.inputs]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_cli_write_back_refuses_without_a_crm(
    segmented_store: str, monkeypatch: Any, capsys: Any
) -> None:
    from commercegraph.cli import main

    monkeypatch.setenv("CG_DATABASE_URL", segmented_store)
    assert main(["segments", "write-back", "--batch-size", "10"]) == 2
    assert "customer.write_back" in capsys.readouterr().err
