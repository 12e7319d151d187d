"""Per-caller token buckets: in-process by default, in Redis when replicas must share.

A caller is the verified token's subject, or the client address when anonymous (or when
the token does not verify: the endpoint then answers 401 anyway). The address is the
connection's peer; ``X-Forwarded-For`` is read only when that peer is a trusted proxy
(``CG_TRUSTED_PROXIES``), so a client cannot pick a fresh address per request. Each
request takes one token; a bucket holds ``burst`` tokens and refills at ``rate`` per
second. While Redis is unreachable each process keeps buckets of its own.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from commercegraph.auth import authenticate
from commercegraph.config import Settings
from commercegraph.errors import Unauthenticated
from commercegraph.security.http_errors import error_response

log = logging.getLogger("commercegraph.ratelimit")

MAX_LOCAL_BUCKETS = 100_000  # bounds memory when many addresses call once each
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
REDIS_RETRY_SECONDS = 1.0  # while Redis is down, ask it again this often; local in between
REDIS_TIMEOUT_SECONDS = 0.5  # a Redis that hangs delays one request per retry at most this


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    retry_after: float  # seconds until one more token is there (0 when allowed)
    remaining: float


def take(
    tokens: float, updated: float, now: float, rate: float, burst: int, cost: int = 1
) -> tuple[float, Decision]:
    """The bucket after asking for ``cost`` tokens at ``now``: pure, shared by both stores."""
    tokens = min(float(burst), tokens + max(0.0, now - updated) * rate)
    if tokens >= cost:
        return tokens - cost, Decision(True, 0.0, tokens - cost)
    return tokens, Decision(False, (cost - tokens) / rate, tokens)


class Limiter(Protocol):
    async def hit(self, key: str, cost: int = 1) -> Decision: ...


class LocalLimiter:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def hit(self, key: str, cost: int = 1) -> Decision:
        now = time.monotonic()
        tokens, updated = self._buckets.pop(key, (float(self.burst), now))
        tokens, decision = take(tokens, updated, now, self.rate, self.burst, cost)
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > MAX_LOCAL_BUCKETS:
            self._buckets.popitem(last=False)
        return decision


# Atomic in Redis: read, refill, take and write back in one script, on the server's clock
# so replicas with drifting clocks agree.
TOKEN_BUCKET_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = (cost - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(retry), tostring(tokens)}
"""


class RedisLimiter:
    """One bucket per caller shared by every replica; while Redis cannot answer, a local
    limiter decides, and Redis is asked again every ``retry_seconds``."""

    def __init__(
        self,
        client: Any,
        rate: float,
        burst: int,
        prefix: str = "cg:rl:",
        *,
        retry_seconds: float = REDIS_RETRY_SECONDS,
    ) -> None:
        self.client = client
        self.rate = rate
        self.burst = burst
        self.prefix = prefix
        self.retry_seconds = retry_seconds
        self.fallback = LocalLimiter(rate, burst)
        self.down_until: float | None = None  # monotonic time of the next try while down
        self._script = client.register_script(TOKEN_BUCKET_LUA)

    @classmethod
    def from_url(
        cls, url: str, rate: float, burst: int, prefix: str = "cg:rl:", **options: Any
    ) -> RedisLimiter:
        import redis.asyncio as redis

        client = redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        return cls(client, rate, burst, prefix, **options)

    @property
    def is_down(self) -> bool:
        return self.down_until is not None

    async def hit(self, key: str, cost: int = 1) -> Decision:
        now = time.monotonic()
        if self.down_until is not None and now < self.down_until:
            return await self.fallback.hit(key, cost)
        try:
            allowed, retry, tokens = await self._script(
                keys=[self.prefix + key], args=[self.rate, self.burst, cost]
            )
        except Exception as exc:  # unreachable or failing: limit here rather than not at all
            if self.down_until is None:
                log.warning("rate limit store unavailable, limiting in process: %r", exc)
            self.down_until = now + self.retry_seconds
            return await self.fallback.hit(key, cost)
        if self.down_until is not None:
            log.warning("rate limit store reachable again, limits shared through it")
            self.down_until = None
        return Decision(bool(int(allowed)), float(retry), float(tokens))

    async def aclose(self) -> None:
        await self.client.aclose()


def build_limiter(settings: Settings) -> Limiter:
    rate, burst = settings.rate_limit_per_second, settings.rate_limit_burst
    if settings.redis_url:
        prefix = f"{settings.redis_key_prefix}rl:"
        return RedisLimiter.from_url(settings.redis_url, rate, burst, prefix)
    return LocalLimiter(rate, burst)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)  # one entry per distinct setting: in practice one per process
def trusted_networks(proxies: Sequence[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(scope: Scope, networks: tuple[Network, ...]) -> str:
    """The peer, or behind trusted proxies the nearest address in ``X-Forwarded-For`` that
    no trusted proxy holds: entries further left were written by the client itself."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    if not networks or not _is_trusted(peer, networks):
        return peer
    forwarded = b",".join(
        value for name, value in scope.get("headers") or [] if name == b"x-forwarded-for"
    )
    hops = [h.strip() for h in forwarded.decode("latin-1").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop
    return hops[0] if hops else peer


def caller_key(settings: Settings, scope: Scope) -> str:
    """The bucket's key; a verified caller is kept in ``scope["state"]["caller"]`` so the
    GraphQL endpoint does not verify the same token a second time."""
    headers = dict(scope.get("headers") or [])
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    if authorization:
        try:
            caller = authenticate(settings, authorization)
        except Unauthenticated:
            pass
        else:
            scope.setdefault("state", {})["caller"] = caller
            if caller.subject is not None:
                return f"{'staff' if caller.is_staff else 'customer'}:{caller.subject}"
    return f"ip:{client_address(scope, trusted_networks(settings.trusted_proxies))}"


class RateLimitMiddleware:
    """Answers 429 with ``Retry-After`` (whole seconds) once a caller's bucket is empty."""

    def __init__(self, app: ASGIApp, limiter: Limiter, settings: Settings) -> None:
        self.app = app
        self.limiter = limiter
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        decision = await self.limiter.hit(caller_key(self.settings, scope))
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        retry_after = max(1, math.ceil(decision.retry_after))
        response = error_response(
            429,
            "RATE_LIMITED",
            f"Too many requests; retry in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
            retryAfter=retry_after,
        )
        await response(scope, receive, send)
