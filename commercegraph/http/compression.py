"""Compressed responses: brotli when the client takes it, else gzip.

A response is compressed when its body is at least ``CG_COMPRESSION_MIN_BYTES`` and arrives
whole (one ASGI message). Streams (server-sent events, multipart subscriptions) pass as they
are: compressing them would hold events back until a compressor block fills.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

try:
    import brotli
except ImportError:  # optional at run time: gzip alone then
    brotli = None

STREAMING_TYPES = ("text/event-stream", "multipart/mixed")


def _weights(accept_encoding: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for entry in accept_encoding.split(","):
        name, _, params = entry.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name.strip():
            weights[name.strip().lower()] = quality
    return weights


@lru_cache(maxsize=256)  # clients send a handful of distinct headers; bounded all the same
def choose_encoding(accept_encoding: str | None, *, brotli_available: bool) -> str | None:
    """The encoding to answer with for an ``Accept-Encoding`` header, or None."""
    if not accept_encoding:
        return None
    weights = _weights(accept_encoding)
    star = weights.get("*", 0.0)
    offered = ["br", "gzip"] if brotli_available else ["gzip"]
    best, best_q = None, 0.0
    for name in offered:  # equal weights: the first (brotli, the smaller) wins
        q = weights.get(name, star)
        if q > best_q:
            best, best_q = name, q
    return best


class CompressionMiddleware:
    def __init__(
        self, app: ASGIApp, *, min_bytes: int, gzip_level: int = 6, brotli_quality: int = 4
    ) -> None:
        self.app = app
        self.min_bytes = min_bytes
        self.gzip_level = gzip_level
        self.brotli_quality = brotli_quality

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        encoding = choose_encoding(
            Headers(scope=scope).get("accept-encoding"), brotli_available=brotli is not None
        )
        if encoding is None:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        passthrough = False

        async def send_compressed(message: Message) -> None:
            nonlocal start, passthrough
            if passthrough:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body: bytes = message.get("body", b"")
            headers = MutableHeaders(raw=list(start["headers"]))
            content_type = headers.get("content-type", "")
            if (
                message.get("more_body", False)
                or len(body) < self.min_bytes
                or "content-encoding" in headers
                or content_type.startswith(STREAMING_TYPES)
            ):
                passthrough = True
                await send(start)
                await send(message)
                return
            compressed = self._compress(encoding, body)
            headers["content-encoding"] = encoding
            headers["content-length"] = str(len(compressed))
            headers.add_vary_header("Accept-Encoding")
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": compressed})

        await self.app(scope, receive, send_compressed)

    def _compress(self, encoding: str, body: bytes) -> bytes:
        if encoding == "br":
            out: Any = brotli.compress(body, quality=self.brotli_quality)
            return bytes(out)
        return gzip.compress(body, compresslevel=self.gzip_level, mtime=0)
