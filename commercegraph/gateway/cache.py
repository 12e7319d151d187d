"""A cross-request TTL cache for read-mostly backend data, with explicit invalidation.

In-process by default; shared by every replica through Redis when ``CG_REDIS_URL`` is set.
Entries are namespaced by domain so ``invalidate("content")`` drops one backend's data.
Values stored in Redis are pickled and signed (HMAC-SHA256 with the gateway's secret) so a
value that was not written by a gateway is never unpickled.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

log = logging.getLogger("commercegraph.cache")

MAX_LOCAL_ENTRIES = 50_000  # bounds memory; the oldest entries go first
REDIS_TIMEOUT_S = 0.25  # a slow cache must cost less than the backend it shields
_MISS = object()


class Cache(Protocol):
    async def get_many(self, keys: Sequence[str]) -> list[Any]:
        """Cached values in key order; ``MISSING`` where absent or expired."""
        ...

    async def set_many(self, items: dict[str, Any]) -> None: ...
    async def invalidate(self, namespace: str | None = None) -> int:
        """Drop a namespace's entries (every entry when None); returns how many."""
        ...

    async def aclose(self) -> None: ...


MISSING: Any = _MISS


class LocalCache:
    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self._entries: dict[str, tuple[float, Any]] = {}

    async def get_many(self, keys: Sequence[str]) -> list[Any]:
        now = self.clock()
        found: list[Any] = []
        for key in keys:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= now:
                found.append(MISSING)
            else:
                found.append(entry[1])
        return found

    async def set_many(self, items: dict[str, Any]) -> None:
        expires = self.clock() + self.ttl_s
        for key, value in items.items():
            self._entries.pop(key, None)
            self._entries[key] = (expires, value)
        while len(self._entries) > MAX_LOCAL_ENTRIES:
            del self._entries[next(iter(self._entries))]

    async def invalidate(self, namespace: str | None = None) -> int:
        doomed = [k for k in self._entries if namespace is None or k.startswith(f"{namespace}:")]
        for key in doomed:
            del self._entries[key]
        return len(doomed)

    async def aclose(self) -> None:
        self._entries.clear()


class RedisCache:
    def __init__(self, url: str, ttl_s: float, prefix: str, secret: str) -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S
        )
        self.ttl_ms = max(1, int(ttl_s * 1000))
        self.prefix = prefix
        self.key = hashlib.sha256(secret.encode()).digest()

    def _sign(self, value: Any) -> bytes:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return hmac.new(self.key, body, hashlib.sha256).digest() + body

    def _open(self, raw: bytes | str | None) -> Any:
        if not isinstance(raw, bytes) or len(raw) < 32:
            return MISSING
        mac, body = raw[:32], raw[32:]
        if not hmac.compare_digest(mac, hmac.new(self.key, body, hashlib.sha256).digest()):
            log.warning("cache entry with a bad signature ignored")
            return MISSING
        return pickle.loads(body)

    async def get_many(self, keys: Sequence[str]) -> list[Any]:
        if not keys:
            return []
        try:
            raws = await self.redis.mget([self.prefix + k for k in keys])
        except Exception as exc:  # Redis down is a cache miss, never a failed request
            log.warning("redis cache read failed: %r", exc)
            return [MISSING for _ in keys]
        return [self._open(raw) for raw in raws]

    async def set_many(self, items: dict[str, Any]) -> None:
        if not items:
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key, value in items.items():
                    pipe.set(self.prefix + key, self._sign(value), px=self.ttl_ms)
                await pipe.execute()
        except Exception as exc:  # a failed write only costs a later miss
            log.warning("redis cache write failed: %r", exc)

    async def invalidate(self, namespace: str | None = None) -> int:
        pattern = self.prefix + (f"{namespace}:*" if namespace else "*")
        dropped = 0
        batch: list[bytes] = []
        async for key in self.redis.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) >= 500:
                dropped += await self.redis.unlink(*batch)
                batch = []
        if batch:
            dropped += await self.redis.unlink(*batch)
        return dropped

    async def aclose(self) -> None:
        await self.redis.aclose()


def build_cache(redis_url: str | None, ttl_s: float, prefix: str, secret: str) -> Cache:
    if redis_url:
        return RedisCache(redis_url, ttl_s, prefix, secret)
    return LocalCache(ttl_s)
