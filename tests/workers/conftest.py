"""A loopback webhook receiver that counts deliveries, and throw-away PostgreSQL databases."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from commercegraph.services.webhook_signing import ID_HEADER as DELIVERY_HEADER
from commercegraph.store import models as m
from commercegraph.store.migrate import upgrade
from commercegraph.store.models.base import utcnow
from commercegraph.workers.schema import migrate_job_tables
from tests.conftest import IN_CI, _pg_execute, _postgres_reachable, make_postgres_db
from tests.factories import store_for


class Receiver:
    def __init__(self) -> None:
        self.deliveries: Counter[str] = Counter()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                self.rfile.read(length)
                with receiver.lock:
                    receiver.deliveries[self.headers.get(DELIVERY_HEADER, "")] += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def jobs_db() -> Iterator[str]:
    """A migrated, empty PostgreSQL database with the job tables."""
    problem = _postgres_reachable()
    if problem:
        if IN_CI:
            pytest.fail(f"{problem} (CI=true: PostgreSQL tests must run)")
        pytest.skip(problem)
    url = make_postgres_db()
    try:
        upgrade(url)
        assert migrate_job_tables(url) is True
        assert migrate_job_tables(url) is False  # a second migrate leaves them be
        yield url
    finally:
        name = url.rpartition("/")[2]
        asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def add_outbox(url: str, count: int, prefix: str = "d") -> list[str]:
    async def add() -> list[str]:
        store = store_for(url)
        now = utcnow()
        ids = [f"{prefix}-{i:04d}" for i in range(count)]
        try:
            async with store.write() as session:
                session.add_all(
                    m.WebhookDelivery(
                        id=i,
                        event_type="offer.created",
                        payload={"n": n},
                        status="PENDING",
                        attempts=0,
                        next_attempt_at=now - timedelta(seconds=1),
                        created_at=now,
                    )
                    for n, i in enumerate(ids)
                )
        finally:
            await store.dispose()
        return ids

    return asyncio.run(add())
