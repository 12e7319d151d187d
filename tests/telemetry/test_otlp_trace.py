"""One trace from a client through a gateway and a REST backend, both real processes on
loopback, arriving at an OTLP/HTTP receiver with one trace id and unbroken parent links."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import httpx
import pytest

from commercegraph.config import DOMAINS
from tests.conftest import SeededDatabase
from tests.serving import free_port as _free_port
from tests.telemetry.otlp_receiver import OtlpReceiver, ReceivedSpan

pytestmark = pytest.mark.slow

CLIENT_TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
CLIENT_SPAN_ID = "b7ad6b7169203331"
SERVER, CLIENT = 2, 3  # OTLP Span.SpanKind
QUERY = (
    "query Shelf { products(first: 3) { edges { node { sku name price { final { amount } } } } } }"
)


def _popen(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "commercegraph", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
    if proc.stdout:
        proc.stdout.close()


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as running:
        yield running


@pytest.fixture(scope="module")
def stack(sqlite_db: SeededDatabase, receiver: OtlpReceiver) -> Iterator[str]:
    """``commercegraph backends serve`` and ``commercegraph serve`` exporting over OTLP."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("CG_", "OTEL_"))}
    env = {
        **inherited,
        "CG_DATABASE_URL": sqlite_db.url,
        "CG_LOG_LEVEL": "WARNING",
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    backends = _popen(["backends", "serve", "--port-base", "0"], env)
    gateway: subprocess.Popen[str] | None = None
    try:
        assert backends.stdout is not None
        urls: dict[str, str] = {}
        while len(urls) < len(DOMAINS):
            line = backends.stdout.readline()
            assert line, "backends serve exited before printing its URLs"
            domain, url, *_ = line.split()
            urls[domain] = url
        for url in urls.values():
            _wait_healthy(url)
        routed = {f"CG_ADAPTERS__{d.upper()}": "rest" for d in DOMAINS} | {
            f"CG_REST__{d.upper()}__URL": u for d, u in urls.items()
        }
        port = _free_port()
        gateway = _popen(["serve", "--host", "127.0.0.1", "--port", str(port)], env | routed)
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base)
        yield base
    finally:
        if gateway is not None:
            _stop(gateway)
        _stop(backends)


def _wait_healthy(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{base} did not answer /healthz within 60 s")


def _wait_for(receiver: OtlpReceiver, done: object) -> list[ReceivedSpan]:
    deadline = time.monotonic() + 60  # spans leave every 100 ms; a loaded machine is slower
    while time.monotonic() < deadline:
        spans = [s for s in receiver.received() if s.trace_id == CLIENT_TRACE_ID]
        if callable(done) and done(spans):
            return spans
        time.sleep(0.1)
    return [s for s in receiver.received() if s.trace_id == CLIENT_TRACE_ID]


def test_one_trace_from_client_through_gateway_and_backend(
    stack: str, receiver: OtlpReceiver
) -> None:
    # Plain urllib: once this process has instrumented httpx (other tests set up telemetry),
    # an httpx client would put its own traceparent in place of the client's.
    request = urllib.request.Request(
        f"{stack}/graphql",
        data=json.dumps({"query": QUERY}).encode(),
        headers={
            "Content-Type": "application/json",
            "traceparent": f"00-{CLIENT_TRACE_ID}-{CLIENT_SPAN_ID}-01",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
        assert response.status == 200 and "errors" not in body, body

    def complete(spans: list[ReceivedSpan]) -> bool:
        names = {(s.service, s.name) for s in spans}
        ids = {s.span_id for s in spans} | {CLIENT_SPAN_ID}
        # every span's parent has arrived too (processes export in their own batches)
        return (
            ("commercegraph", "POST /graphql") in names
            and any(s.service == "commercegraph-backends" and s.kind == SERVER for s in spans)
            and all(s.parent_span_id in ids for s in spans)
        )

    spans = _wait_for(receiver, complete)
    received = {(s.service, s.name, s.trace_id) for s in receiver.received()}
    assert complete(spans), sorted(received)[:40]
    assert {s.trace_id for s in spans} == {CLIENT_TRACE_ID}
    by_id = {s.span_id: s for s in spans}

    (server,) = [s for s in spans if s.service == "commercegraph" and s.name == "POST /graphql"]
    assert server.kind == SERVER and server.parent_span_id == CLIENT_SPAN_ID
    assert server.attributes["http.route"] == "/graphql"
    assert server.attributes["http.response.status_code"] == 200
    (operation,) = [s for s in spans if s.name == "query Shelf"]
    assert operation.parent_span_id == server.span_id
    assert operation.attributes["graphql.operation.name"] == "Shelf"
    assert operation.attributes["graphql.operation.type"] == "query"

    backend_servers = [
        s for s in spans if s.service == "commercegraph-backends" and s.kind == SERVER
    ]
    assert backend_servers
    for backend_server in backend_servers:
        # backend server span <- gateway HTTP client span <- guard span <- operation
        http = by_id[backend_server.parent_span_id]
        assert http.service == "commercegraph" and http.kind == CLIENT
        assert http.attributes["server.address"] == "127.0.0.1"
        assert http.attributes["server.port"] == int(backend_server.attributes["server.port"])
        call = by_id[http.parent_span_id]
        assert call.kind == CLIENT and call.name == (
            f"{call.attributes['backend.name']}.{call.attributes['backend.operation']}"
        )
        assert call.parent_span_id == operation.span_id
    db = [
        s
        for s in spans
        if s.service == "commercegraph-backends" and "db.system.name" in s.attributes
    ]
    assert db and all(s.attributes["db.system.name"] == "sqlite" for s in db)
    # Every span but the gateway's server span has its parent in the same trace.
    orphans = [s.name for s in spans if s is not server and s.parent_span_id not in by_id]
    assert not orphans
