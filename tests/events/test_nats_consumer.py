"""Events from NATS JetStream through the same ingestion as POST /events, on PostgreSQL:
a consumer killed mid-stream (SIGKILL, before its acks) loses nothing and, once
restarted, duplicates nothing; invalid messages are set aside without blocking the rest."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import nats
import pytest
from nats.js.api import StreamConfig
from sqlalchemy import func, select

from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID, DEVI_SHOES_SKU, DOWNTOWN_ID
from commercegraph.store import models as m
from tests.conftest import (
    IN_CI,
    _postgres_reachable,
)
from tests.factories import demo_database, store_for

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

NATS_URL = os.environ.get("CG_TEST_NATS_URL", "nats://127.0.0.1:4222")
PURCHASES = 40
VIEWS = 120
MAX_IN_FLIGHT = 8
ACK_WAIT_S = 2.0


def _skip_or_fail(problem: str) -> None:
    if IN_CI:
        pytest.fail(f"{problem} (CI=true: the stream tests must run)")
    pytest.skip(problem)


async def _nats_problem() -> str | None:
    try:
        client = await nats.connect(NATS_URL, connect_timeout=2, max_reconnect_attempts=0)
    except Exception as exc:
        return f"NATS not reachable at {NATS_URL}: {exc!r}"
    try:
        await client.jetstream().account_info()
    except Exception as exc:
        return f"JetStream not enabled at {NATS_URL}: {exc!r}"
    finally:
        await client.close()
    return None


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    problem = _postgres_reachable() or asyncio.run(_nats_problem())
    if problem:
        _skip_or_fail(problem)
    with demo_database("postgresql", tmp_path_factory.mktemp("nats")) as db:
        yield db.url


def _events(run: str) -> tuple[list[bytes], list[str], list[str]]:
    now = datetime.now(UTC).isoformat()
    card = [{"kind": "LOYALTY_CARD", "value": "lc-devi-0001"}]
    purchases = [
        {
            "id": f"{run}-sale-{n}",
            "type": "pos_purchase",
            "occurredAt": now,
            "storeId": DOWNTOWN_ID,
            "currency": "USD",
            "identifiers": card,
            "lines": [{"sku": DEVI_COFFEE_SKU, "quantity": 1, "unitPrice": 1299}],
        }
        for n in range(PURCHASES)
    ]
    views = [
        {
            "id": f"{run}-view-{n}",
            "type": "product_viewed",
            "occurredAt": now,
            "customerId": DEVI_ID,
            "sku": DEVI_SHOES_SKU,
        }
        for n in range(VIEWS)
    ]
    bodies = [json.dumps(e).encode() for e in [*purchases, *views]]
    # a producer that published twice, and two messages no retry can fix
    bodies += [*bodies[:10], b"{not json", json.dumps({"id": "x", "type": "nope"}).encode()]
    return bodies, [e["id"] for e in purchases], [e["id"] for e in views]


async def _publish(stream: str, subject: str, bodies: list[bytes]) -> None:
    client = await nats.connect(NATS_URL)
    try:
        js = client.jetstream()
        await js.add_stream(StreamConfig(name=stream, subjects=[subject]))
        for body in bodies:
            await js.publish(subject, body)
    finally:
        await client.close()


async def _consumer_state(stream: str, durable: str) -> tuple[int, int]:
    client = await nats.connect(NATS_URL)
    try:
        info = await client.jetstream().consumer_info(stream, durable)
        return info.num_pending or 0, info.num_ack_pending or 0
    finally:
        await client.close()


async def _delete_stream(stream: str) -> None:
    client = await nats.connect(NATS_URL)
    try:
        await client.jetstream().delete_stream(stream)
    finally:
        await client.close()


async def _stored(url: str, prefix: str) -> tuple[int, int]:
    store = store_for(url)
    try:
        async with store.read() as session:
            events = await session.scalar(
                select(func.count()).select_from(m.Event).where(m.Event.id.like(f"{prefix}-%"))
            )
            orders = await session.scalar(
                select(func.count()).select_from(m.Order).where(m.Order.customer_id == DEVI_ID)
            )
    finally:
        await store.dispose()
    return int(events or 0), int(orders or 0)


def _start(url: str, stream: str, subject: str, durable: str) -> subprocess.Popen[str]:
    argv = [sys.executable, "-m", "commercegraph", "events", "consume", "--source", "nats"]
    argv += ["--url", NATS_URL, "--stream", stream, "--subject", subject, "--durable", durable]
    argv += ["--max-in-flight", str(MAX_IN_FLIGHT), "--ack-wait", str(ACK_WAIT_S)]
    argv += ["--channel", "STORE"]
    env = {**os.environ, "CG_DATABASE_URL": url, "CG_LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def test_a_consumer_killed_mid_stream_loses_and_duplicates_nothing(database: str) -> None:
    run = f"nats{uuid.uuid4().hex[:8]}"
    stream, subject, durable = run.upper(), f"cg.test.{run}", f"{run}-ingest"
    bodies, purchases, views = _events(run)
    _, orders_before = asyncio.run(_stored(database, run))
    asyncio.run(_publish(stream, subject, bodies))
    try:
        first = _start(database, stream, subject, durable)
        try:
            _wait_for(lambda: asyncio.run(_stored(database, run))[0] >= 30, 90, "the first events")
        finally:
            first.send_signal(signal.SIGKILL)  # no ack for what it had in hand
            first.communicate(timeout=10)
        killed_at, _ = asyncio.run(_stored(database, run))
        assert killed_at < len(purchases) + len(views), "killed before the end of the stream"

        second = _start(database, stream, subject, durable)
        try:
            _wait_for(
                lambda: asyncio.run(_consumer_state(stream, durable)) == (0, 0),
                120,
                "every message settled",
            )
        finally:
            second.send_signal(signal.SIGTERM)
            out, err = second.communicate(timeout=30)
        assert second.returncode == 0, err
        stats = json.loads(out.strip().splitlines()[-1])
    finally:
        asyncio.run(_delete_stream(stream))

    events, orders_after = asyncio.run(_stored(database, run))
    assert events == len(purchases) + len(views), "every event stored, once (ids are keys)"
    assert orders_after - orders_before == len(purchases), "one order per sale, none twice"
    assert stats["rejected"] == 2, stats  # the invalid JSON and the unknown type
    assert stats["duplicates"] >= 10, stats  # the producer's double publishes, at least
    assert 0 < stats["in_flight_peak"] <= MAX_IN_FLIGHT, stats
