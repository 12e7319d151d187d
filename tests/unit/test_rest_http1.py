"""The rest adapter's HTTP/1.1 pool against real servers on loopback (asyncio, no mocks)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path

import pytest

from commercegraph.adapters.rest.http1 import MAX_BODY, Http1Pool, ProtocolFailure

Reply = Callable[[bytes, asyncio.StreamWriter], Awaitable[bool]]  # False: close after it


@asynccontextmanager
async def server(reply: Reply) -> AsyncIterator[tuple[str, list[int]]]:
    """A loopback server answering each request with ``reply``; yields its URL and the
    number of requests each accepted connection carried."""
    per_connection: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        per_connection.append(0)
        slot = len(per_connection) - 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                per_connection[slot] += 1
                if not await reply(head, writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionResetError):
            pass
        finally:
            writer.close()

    listening = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/base", per_connection
    finally:
        listening.close()


def json_reply(body: bytes = b'{"ok":true}') -> Reply:
    async def reply(head: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        return True

    return reply


def pool(url: str, **kwargs: float) -> Http1Pool:
    return Http1Pool(url, max_connections=2, connect_timeout_s=1.0, **kwargs)


async def test_requests_reuse_one_kept_alive_connection() -> None:
    seen: list[bytes] = []

    async def reply(head: bytes, writer: asyncio.StreamWriter) -> bool:
        seen.append(head)
        return await json_reply()(head, writer)

    async with server(reply) as (url, per_connection):
        client = pool(url)
        for _ in range(3):
            answer = await client.request(
                "GET", "/items?ids=a", [("Accept", "x")], None, timeout_s=2, retry_stale=True
            )
            assert (answer.status, answer.content) == (200, b'{"ok":true}')
        await client.aclose()
    assert per_connection == [3]
    assert seen[0].startswith(b"GET /base/items?ids=a HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nAccept: x\r\n" in seen[0]


async def test_a_chunked_answer_and_a_post_body_arrive_whole() -> None:
    async def reply(head: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(
            b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nX-A: 2\r\n\r\n"
            b'4\r\n{"a"\r\n3;ext=1\r\n:1}\r\n0\r\n\r\n'
        )
        await writer.drain()
        return True

    async with server(reply) as (url, per_connection):
        client = pool(url)
        for _ in range(2):
            answer = await client.request(
                "POST", "/w", [], b'{"k":1}', timeout_s=2, retry_stale=False
            )
            assert (answer.status, answer.content) == (201, b'{"a":1}')
            assert answer.headers["x-a"] == "1, 2"
        await client.aclose()
    assert per_connection == [2]


async def test_an_answer_without_length_ends_with_its_connection() -> None:
    async def reply(head: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n[1,2]")
        await writer.drain()
        return False

    async with server(reply) as (url, per_connection):
        client = pool(url)
        for _ in range(2):
            answer = await client.request("GET", "/", [], None, timeout_s=2, retry_stale=True)
            assert answer.content == b"[1,2]"
        await client.aclose()
    assert per_connection == [1, 1]


async def test_a_read_goes_again_when_the_kept_connection_was_closed_but_a_write_does_not() -> None:
    answered = 0

    async def reply(head: bytes, writer: asyncio.StreamWriter) -> bool:
        nonlocal answered
        answered += 1
        if answered == 2:  # the server drops the kept-alive connection without answering
            return False
        return await json_reply()(head, writer)

    async with server(reply) as (url, per_connection):
        client = pool(url)
        await client.request("GET", "/", [], None, timeout_s=2, retry_stale=True)
        again = await client.request("GET", "/", [], None, timeout_s=2, retry_stale=True)
        assert again.status == 200 and per_connection == [2, 1]
        answered = 1
        with pytest.raises(ProtocolFailure):
            await client.request("POST", "/w", [], b"{}", timeout_s=2, retry_stale=False)
        await client.aclose()


async def test_a_slow_answer_times_out_and_its_connection_is_not_reused() -> None:
    calls = 0

    async def reply(head: bytes, writer: asyncio.StreamWriter) -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            await asyncio.sleep(1.0)
        return await json_reply()(head, writer)

    async with server(reply) as (url, per_connection):
        client = pool(url)
        with pytest.raises(TimeoutError):
            await client.request("GET", "/", [], None, timeout_s=0.2, retry_stale=True)
        answer = await client.request("GET", "/", [], None, timeout_s=2, retry_stale=True)
        assert answer.status == 200 and len(per_connection) == 2
        await client.aclose()


async def test_refused_connections_and_bad_answers_are_os_errors() -> None:
    async with server(json_reply()) as (url, _):
        pass  # closed: nothing listens there any more
    with pytest.raises(OSError):
        await pool(url).request("GET", "/", [], None, timeout_s=2, retry_stale=True)

    async def garbage(head: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"SSH-2.0-OpenSSH\r\n\r\n")
        await writer.drain()
        return False

    async with server(garbage) as (url, _):
        with pytest.raises(ProtocolFailure, match="not an HTTP"):
            await pool(url).request("GET", "/", [], None, timeout_s=2, retry_stale=True)


async def test_a_header_with_a_line_break_is_refused_before_sending() -> None:
    async with server(json_reply()) as (url, per_connection):
        with pytest.raises(ValueError, match="line break"):
            await pool(url).request(
                "POST",
                "/w",
                [("Idempotency-Key", "k\r\nX-Evil: 1")],
                b"{}",
                timeout_s=2,
                retry_stale=False,
            )
    assert per_connection == []


async def test_an_unsampled_request_starts_no_client_span_but_sends_its_traceparent() -> None:
    from opentelemetry import trace
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

    from commercegraph.adapters.rest.client import RestClient
    from commercegraph.gateway.settings import BackendPolicy, RestBackend

    heads: list[bytes] = []

    async def reply(head: bytes, writer: asyncio.StreamWriter) -> bool:
        heads.append(head)
        return await json_reply()(head, writer)

    trace_id, span_id = 0x4BF92F3577B34DA6A3CE929D0E0E4736, 0x00F067AA0BA902B7
    parent = NonRecordingSpan(SpanContext(trace_id, span_id, False, TraceFlags(0)))
    async with server(reply) as (url, _):
        client = RestClient("pricing", RestBackend(url=url, token="t"), BackendPolicy())
        with trace.use_span(parent):
            assert await client.request("GET", "/prices", params={"ids": "a,b"}) == {"ok": True}
            assert trace.get_current_span() is parent
        await client.aclose()
    (head,) = heads
    assert head.startswith(b"GET /base/prices?ids=a%2Cb HTTP/1.1\r\n")
    assert f"traceparent: 00-{trace_id:032x}-{span_id:016x}-00\r\n".encode() in head
    assert b"\r\nAuthorization: Bearer t\r\n" in head


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


async def test_https_verifies_the_backend_certificate(tmp_path: Path) -> None:
    cert_file, key_file = _self_signed(tmp_path)
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(cert_file, key_file)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionResetError, ssl.SSLError):
            pass
        finally:
            writer.close()

    listening = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=served)
    url = f"https://127.0.0.1:{listening.sockets[0].getsockname()[1]}"
    try:
        trusting = ssl.create_default_context(cafile=str(cert_file))
        answer = await Http1Pool(
            url, max_connections=1, connect_timeout_s=2.0, tls=trusting
        ).request("GET", "/", [], None, timeout_s=2, retry_stale=True)
        assert answer.content == b"{}"
        with pytest.raises(ssl.SSLCertVerificationError):  # an OSError: unreachable
            await pool(url).request("GET", "/", [], None, timeout_s=2, retry_stale=True)
    finally:
        listening.close()


def raw_reply(answer: bytes) -> Reply:
    async def reply(head: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(answer)
        await writer.drain()
        return False

    return reply


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1), "longer than"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n", "not a length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: \xd9\xa3\r\n\r\n", "not a length"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nabc\r\n", "chunk size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n", "chunk size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "chunk size"),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n" % (MAX_BODY + 1),
            "longer than",
        ),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"1" * 70_000, "longer"),
    ],
    ids=[
        "length-over-cap",
        "negative-length",
        "non-ascii-digits",
        "negative-chunk",
        "prefixed-chunk",
        "empty-chunk-size",
        "chunk-over-cap",
        "endless-size-line",
    ],
)
async def test_a_hostile_answer_fails_the_call_before_its_body_is_read(
    answer: bytes, message: str
) -> None:
    async with server(raw_reply(answer)) as (url, _):
        with pytest.raises(ProtocolFailure, match=message):
            await pool(url).request("GET", "/", [], None, timeout_s=5, retry_stale=False)


async def test_an_answer_without_length_stops_at_the_body_cap() -> None:
    async def endless(head: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
        block = b"x" * 1024 * 1024
        try:
            for _ in range(MAX_BODY // len(block) + 2):
                writer.write(block)
                await writer.drain()
        except ConnectionError:
            pass  # the client stopped reading, as it should
        return False

    async with server(endless) as (url, _):
        with pytest.raises(ProtocolFailure, match="longer than"):
            await pool(url).request("GET", "/", [], None, timeout_s=10, retry_stale=False)
