"""Rate limits per caller: the token bucket, 429 with Retry-After, and replicas sharing Redis."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest
import redis.asyncio as redis

from commercegraph.app import create_app
from commercegraph.auth import authenticate, issue_token
from commercegraph.config import Settings
from commercegraph.security.ratelimit import LocalLimiter, RedisLimiter, take
from tests.conftest import IN_CI, SeededDatabase, settings_for

REDIS_URL = os.environ.get("CG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
QUERY = {"query": "{ __typename }"}


def test_bucket_refills_at_the_rate_up_to_the_burst() -> None:
    tokens, first = take(2.0, 0.0, 0.0, rate=1.0, burst=2)
    assert first.allowed and tokens == 1.0
    tokens, second = take(tokens, 0.0, 0.0, rate=1.0, burst=2)
    assert second.allowed and tokens == 0.0
    tokens, third = take(tokens, 0.0, 0.25, rate=1.0, burst=2)
    assert not third.allowed and third.retry_after == pytest.approx(0.75)
    tokens, later = take(tokens, 0.25, 100.0, rate=1.0, burst=2)
    assert later.allowed and tokens == 1.0  # capped at the burst, then one taken


async def test_local_limiter_keeps_callers_apart() -> None:
    limiter = LocalLimiter(rate=0.001, burst=2)
    assert [(await limiter.hit("a")).allowed for _ in range(3)] == [True, True, False]
    assert (await limiter.hit("b")).allowed


async def _client(settings: Settings) -> tuple[httpx.AsyncClient, object]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://gateway.test"), app


async def test_429_with_retry_after_per_caller(seeded_db: SeededDatabase) -> None:
    settings = settings_for(
        seeded_db.url, rate_limit_enabled=True, rate_limit_per_second=0.01, rate_limit_burst=3
    )
    http, app = await _client(settings)
    async with http:
        statuses = [(await http.post("/graphql", json=QUERY)).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = await http.post("/graphql", json=QUERY)
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        token = issue_token(settings, subject="cus_sam", scope="customer")
        own = await http.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {token}"})
        assert own.status_code == 200, "a signed-in caller has a bucket of their own"
        assert (await http.get("/healthz")).status_code == 200, "probes are not limited"
    await app.state.store.dispose()  # type: ignore[attr-defined]


def test_rate_limit_is_on_in_production_unless_turned_off() -> None:
    from commercegraph.security.ratelimit import RateLimitMiddleware

    def limited(settings: Settings) -> bool:
        app = create_app(settings)
        return any(m.cls is RateLimitMiddleware for m in app.user_middleware)

    url = "sqlite+aiosqlite:///:memory:"
    secret = secrets.token_urlsafe(48)
    assert limited(Settings(database_url=url, env="production", jwt_secret=secret))
    assert not limited(Settings(database_url=url))
    assert not limited(
        Settings(database_url=url, env="production", jwt_secret=secret, rate_limit_enabled=False)
    )


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    client = redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        await client.aclose()
        if IN_CI:
            pytest.fail(f"Redis not reachable at {REDIS_URL}: {exc!r}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc!r}")
    prefix = f"cg-test-{secrets.token_hex(6)}:"
    try:
        yield prefix
    finally:
        keys = [k async for k in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def test_two_app_instances_share_one_bucket_in_redis(
    seeded_db: SeededDatabase, redis_prefix: str
) -> None:
    settings = settings_for(
        seeded_db.url,
        rate_limit_enabled=True,
        rate_limit_per_second=0.01,
        rate_limit_burst=4,
        redis_url=REDIS_URL,
        redis_key_prefix=redis_prefix,
    )
    token = issue_token(settings, subject="cus_devi", scope="customer")
    auth = {"Authorization": f"Bearer {token}"}
    first, app_a = await _client(settings)
    second, app_b = await _client(settings)
    async with first, second:
        statuses = []
        for i in range(6):
            http = first if i % 2 == 0 else second
            statuses.append((await http.post("/graphql", json=QUERY, headers=auth)).status_code)
        assert statuses == [200, 200, 200, 200, 429, 429], "four tokens shared by both replicas"
        refused = await second.post("/graphql", json=QUERY, headers=auth)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        anonymous = await first.post("/graphql", json=QUERY)
        assert anonymous.status_code == 200
    for app in (app_a, app_b):
        await app.state.limiter.aclose()  # type: ignore[attr-defined]
        await app.state.store.dispose()  # type: ignore[attr-defined]
    client = redis.from_url(REDIS_URL)
    assert [k async for k in client.scan_iter(match=f"{redis_prefix}rl:*")], "keys live in Redis"
    await client.aclose()


def _closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisForwarder:
    """A TCP relay on loopback to the test Redis, so Redis can go away and come back on
    one address while the real server keeps its data."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.server: asyncio.Server | None = None
        self.pipes: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        target = urlsplit(REDIS_URL)

        async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            up_reader, up_writer = await asyncio.open_connection(
                target.hostname or "127.0.0.1", target.port or 6379
            )
            self.pipes |= {writer, up_writer}

            async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
                try:
                    while chunk := await src.read(65536):
                        dst.write(chunk)
                        await dst.drain()
                except (ConnectionError, OSError):
                    pass
                finally:
                    dst.close()

            await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))

        self.server = await asyncio.start_server(relay, "127.0.0.1", self.port)

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for pipe in self.pipes:
            pipe.close()
        self.pipes.clear()
        await self.server.wait_closed()


async def test_an_unreachable_redis_falls_back_to_the_local_limit(
    seeded_db: SeededDatabase,
) -> None:
    settings = settings_for(
        seeded_db.url,
        rate_limit_enabled=True,
        rate_limit_per_second=0.01,
        rate_limit_burst=3,
        redis_url=f"redis://127.0.0.1:{_closed_port()}/0",
    )
    http, app = await _client(settings)
    async with http:
        statuses = [(await http.post("/graphql", json=QUERY)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429], "still limited while Redis is down"
    await app.state.limiter.aclose()  # type: ignore[attr-defined]
    await app.state.store.dispose()  # type: ignore[attr-defined]


async def test_the_limit_moves_back_to_redis_when_it_returns(redis_prefix: str) -> None:
    forwarder = RedisForwarder(_closed_port())
    limiter = RedisLimiter.from_url(
        f"redis://127.0.0.1:{forwarder.port}/0",
        rate=0.001,
        burst=2,
        prefix=redis_prefix,
        retry_seconds=0.05,
    )
    direct = redis.from_url(REDIS_URL)
    try:
        down = [(await limiter.hit("caller")).allowed for _ in range(3)]
        assert down == [True, True, False] and limiter.is_down
        await forwarder.start()
        await asyncio.sleep(0.1)  # past the retry interval
        assert (await limiter.hit("caller")).allowed, "Redis holds a fresh, shared bucket"
        assert not limiter.is_down
        assert await direct.exists(f"{redis_prefix}caller"), "the bucket lives in Redis again"
        assert [(await limiter.hit("caller")).allowed for _ in range(2)] == [True, False]
        await forwarder.stop()
        assert not (await limiter.hit("caller")).allowed, "down again: local, still empty"
        assert limiter.is_down
    finally:
        await direct.aclose()
        await limiter.aclose()
        if forwarder.server is not None and forwarder.server.is_serving():
            await forwarder.stop()


def test_callers_are_keyed_by_verified_subject_else_address() -> None:
    from commercegraph.security.ratelimit import caller_key

    settings = Settings(jwt_secret="k" * 64)
    token = issue_token(settings, subject="cus_devi", scope="customer")

    def scope(authorization: str | None) -> dict[str, object]:
        headers = [(b"authorization", authorization.encode())] if authorization else []
        return {"type": "http", "headers": headers, "client": ("203.0.113.9", 5000)}

    verified = scope(f"Bearer {token}")
    assert caller_key(settings, verified) == "customer:cus_devi"
    assert verified["state"] == {"caller": authenticate(settings, f"Bearer {token}")}, (
        "kept for the endpoint, which then does not verify the token again"
    )
    forged = issue_token(Settings(jwt_secret="x" * 64), subject="cus_devi", scope="customer")
    refused = scope(f"Bearer {forged}")
    assert caller_key(settings, refused) == "ip:203.0.113.9"
    assert "state" not in refused, "an unverified token is left to the endpoint to refuse"
    assert caller_key(settings, scope(None)) == "ip:203.0.113.9"
