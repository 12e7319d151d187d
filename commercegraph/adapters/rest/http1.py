"""HTTP/1.1 to one origin over asyncio streams, with a bounded pool of keep-alive connections.

The REST contract's calls are small JSON requests and answers. Through httpx, httpcore and
anyio each one cost the gateway about twenty times the CPU of its socket work (URL models,
cancel scopes, header validation), so the rest adapter sends its requests here::

    pool = Http1Pool("http://127.0.0.1:9101", max_connections=10, connect_timeout_s=1.0)
    answer = await pool.request("GET", "/entries?ids=a", [("Accept", "application/json")],
                                None, timeout_s=2.0, retry_stale=True)

Answers are read by ``Content-Length``, chunked transfer coding or the connection's end,
heads up to ``MAX_HEAD`` and bodies up to ``MAX_BODY`` bytes.
Failures raise ``TimeoutError`` (the whole exchange outlasted ``timeout_s``) or ``OSError``
(refused, reset, closed early, or an answer that is not HTTP/1.x).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_HEAD = 64 * 1024  # an answer's status line and headers; more is not a JSON backend
# an answer's body: a page of the contract's records is tens of KiB; a backend sending more
# (a runaway or a hostile one) fails its call instead of filling the gateway's memory
MAX_BODY = 32 * 1024 * 1024
HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
NO_BODY = frozenset({204, 304})


class ProtocolFailure(OSError):
    """The peer closed the connection early or answered something that is not HTTP/1.x."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]  # names lower-cased; repeated headers joined with ", "
    content: bytes


class _Stale(ProtocolFailure):
    """A kept-alive connection closed by the peer before it answered at all."""


class _Connection:
    __slots__ = ("idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.idle_since = 0.0

    def usable(self, now: float, keepalive_s: float) -> bool:
        """Not closed by the peer while idle, and not idle for longer than we keep it."""
        return (
            not self.reader.at_eof()
            and not self.writer.is_closing()
            and now - self.idle_since < keepalive_s
        )

    def close(self) -> None:
        self.writer.close()


class Http1Pool:
    def __init__(
        self,
        url: str,
        *,
        max_connections: int,
        connect_timeout_s: float,
        keepalive_s: float = 30.0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url!r} is not an http:// or https:// URL")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.scheme = parts.scheme
        self.authority = parts.netloc.rpartition("@")[2]
        self.base_path = parts.path.rstrip("/")
        self._ssl = (tls or ssl.create_default_context()) if parts.scheme == "https" else None
        self._connect_timeout_s = connect_timeout_s
        self._keepalive_s = keepalive_s
        self._idle: list[_Connection] = []
        self._closed = False
        self._slots = asyncio.Semaphore(max_connections)

    async def request(
        self,
        method: str,
        target: str,
        headers: Sequence[tuple[str, str]],
        body: bytes | None,
        *,
        timeout_s: float,
        retry_stale: bool,
    ) -> Answer:
        """One exchange. ``retry_stale``: the request may be sent again on a new connection
        when a kept-alive one turns out closed before any answer came (safe for reads)."""
        head = self._head(method, target, headers, body)
        async with asyncio.timeout(timeout_s), self._slots:
            connection = self._idle_connection()
            if connection is not None:
                try:
                    return await self._exchange(connection, method, head, body)
                except _Stale:
                    if not retry_stale:
                        raise ProtocolFailure("the kept-alive connection was closed") from None
            return await self._exchange(await self._connect(), method, head, body)

    async def aclose(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def _head(
        self, method: str, target: str, headers: Sequence[tuple[str, str]], body: bytes | None
    ) -> bytes:
        lines = [f"{method} {self.base_path}{target} HTTP/1.1", f"Host: {self.authority}"]
        for name, value in headers:
            if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
                raise ValueError(f"the {name} header holds a line break")
            lines.append(f"{name}: {value}")
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        lines.append("\r\n")
        return "\r\n".join(lines).encode("ascii")

    def _idle_connection(self) -> _Connection | None:
        now = asyncio.get_running_loop().time()
        while self._idle:
            connection = self._idle.pop()
            if connection.usable(now, self._keepalive_s):
                return connection
            connection.close()
        return None

    async def _connect(self) -> _Connection:
        try:
            async with asyncio.timeout(self._connect_timeout_s):
                reader, writer = await asyncio.open_connection(
                    self.host, self.port, ssl=self._ssl, limit=MAX_HEAD
                )
        except TimeoutError:
            raise TimeoutError(f"connecting to {self.authority} timed out") from None
        return _Connection(reader, writer)

    async def _exchange(
        self, connection: _Connection, method: str, head: bytes, body: bytes | None
    ) -> Answer:
        keep = False
        try:
            connection.writer.write(head + body if body else head)
            await connection.writer.drain()
            answer, keep = await _read_answer(connection.reader, method)
            return answer
        finally:
            if keep and not self._closed:
                connection.idle_since = asyncio.get_running_loop().time()
                self._idle.append(connection)
            else:  # closed, failed or cancelled halfway: the stream's state is unknown
                connection.close()


async def _read_answer(reader: asyncio.StreamReader, method: str) -> tuple[Answer, bool]:
    """The final answer (1xx skipped) and whether the connection may be used again."""
    first = True
    while True:
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if first and not exc.partial:
                raise _Stale("closed before answering") from None
            raise ProtocolFailure("the connection closed in the answer's head") from None
        except (ConnectionResetError, BrokenPipeError):
            if first:
                raise _Stale("reset before answering") from None
            raise
        except asyncio.LimitOverrunError:
            raise ProtocolFailure(f"an answer's head is longer than {MAX_HEAD} bytes") from None
        first = False
        version, status, headers = _parse_head(raw)
        if status >= 200:
            break
    keep = version == "HTTP/1.1" and "close" not in _tokens(headers.get("connection", ""))
    if method == "HEAD" or status in NO_BODY:
        return Answer(status, headers, b""), keep
    try:
        if "chunked" in _tokens(headers.get("transfer-encoding", "")):
            content = await _read_chunks(reader)
        elif "content-length" in headers:
            content = await reader.readexactly(_length(headers["content-length"]))
        else:
            content, keep = await _read_to_end(reader), False
    except asyncio.IncompleteReadError:
        raise ProtocolFailure("the connection closed in the answer's body") from None
    except asyncio.LimitOverrunError:
        raise ProtocolFailure(f"a chunk's size line is longer than {MAX_HEAD} bytes") from None
    return Answer(status, headers, content), keep


def _parse_head(raw: bytes) -> tuple[str, int, dict[str, str]]:
    status_line, *lines = raw[:-4].decode("latin-1").split("\r\n")
    version, _, rest = status_line.partition(" ")
    code = rest[:3]
    if not version.startswith("HTTP/1.") or not code.isdigit():
        raise ProtocolFailure(f"not an HTTP/1.x answer: {status_line[:80]!r}")
    headers: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon:
            raise ProtocolFailure(f"a malformed header line: {line[:80]!r}")
        key = name.strip().lower()
        value = value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return version, int(code), headers


def _tokens(value: str) -> set[str]:
    return {t.strip().lower() for t in value.split(",")}


def _length(value: str) -> int:
    if not value.strip().isascii() or not value.strip().isdigit():
        raise ProtocolFailure(f"Content-Length {value[:40]!r} is not a length")
    return _within_limit(int(value))


def _within_limit(size: int) -> int:
    if size > MAX_BODY:
        raise ProtocolFailure(f"an answer's body is longer than {MAX_BODY} bytes")
    return size


async def _read_to_end(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    size = 0
    while part := await reader.read(MAX_HEAD):
        size = _within_limit(size + len(part))
        parts.append(part)
    return b"".join(parts)


async def _read_chunks(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size_line = (await reader.readuntil(b"\r\n"))[:-2].split(b";", 1)[0].strip()
        if not size_line or not HEX_DIGITS.issuperset(size_line):
            raise ProtocolFailure(f"a malformed chunk size: {size_line[:40]!r}")
        size = int(size_line, 16)
        if size == 0:
            trailers = 0
            while (line := await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers, unused
                trailers += len(line)
                if trailers > MAX_HEAD:
                    raise ProtocolFailure(f"an answer's trailers are longer than {MAX_HEAD} bytes")
            return b"".join(parts)
        total = _within_limit(total + size)
        parts.append(await reader.readexactly(size))
        if await reader.readexactly(2) != b"\r\n":
            raise ProtocolFailure("a chunk does not end with CRLF")
