"""CG_FAULTS parsing and the TTL cache, in-process and on the real Redis."""

from __future__ import annotations

import os
import uuid

import pytest

from commercegraph.adapters.base import ContentRecord
from commercegraph.gateway.cache import MISSING, LocalCache, RedisCache
from commercegraph.gateway.faults import Fault, parse_faults

REDIS_URL = os.environ.get("CG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def test_parse_faults() -> None:
    faults = parse_faults("content:latency_ms=50;pricing:error_rate=1.0;inventory:timeout=1")
    assert faults == {
        "content": Fault(latency_ms=50),
        "pricing": Fault(error_rate=1.0),
        "inventory": Fault(timeout=True),
    }
    everywhere = parse_faults("*:latency_ms=5; content:error_rate=0.5")
    assert len(everywhere) == 6 and everywhere["content"] == Fault(5, 0.5)
    assert parse_faults("") == {}


@pytest.mark.parametrize(
    "spec",
    [
        "cms:latency_ms=1",
        "content",
        "content:latency_ms=x",
        "content:error_rate=2",
        "content:slow=1",
    ],
)
def test_bad_fault_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="CG_FAULTS"):
        parse_faults(spec)


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_local_cache_expires_and_invalidates_by_namespace() -> None:
    clock = Clock()
    cache = LocalCache(ttl_s=10, clock=clock)
    await cache.set_many({"content:a": 1, "commerce:b": None})
    assert await cache.get_many(["content:a", "commerce:b", "content:x"]) == [1, None, MISSING]
    assert await cache.invalidate("content") == 1
    assert await cache.get_many(["content:a", "commerce:b"]) == [MISSING, None]
    clock.now = 10
    assert await cache.get_many(["commerce:b"]) == [MISSING]


async def test_redis_cache_round_trip_signature_and_invalidation() -> None:
    prefix = f"cg:test:{uuid.uuid4().hex}:"
    cache = RedisCache(REDIS_URL, ttl_s=30, prefix=prefix, secret="k1")
    try:
        record = ContentRecord("Title", "Body", ("a.jpg",), "en-US")
        await cache.set_many({"content:p1": record, "content:p2": None, "commerce:x": [1, 2]})
        assert await cache.get_many(["content:p1", "content:p2", "commerce:x", "content:no"]) == [
            record,
            None,
            [1, 2],
            MISSING,
        ]
        ttl = await cache.redis.pttl(prefix + "content:p1")
        assert 0 < ttl <= 30_000
        forged = RedisCache(REDIS_URL, ttl_s=30, prefix=prefix, secret="other")
        await forged.set_many({"content:p1": "forged"})
        assert await cache.get_many(["content:p1"]) == [MISSING]
        await forged.aclose()
        assert await cache.invalidate("content") == 2
        assert await cache.get_many(["content:p2", "commerce:x"]) == [MISSING, [1, 2]]
    finally:
        await cache.invalidate(None)
        assert not [k async for k in cache.redis.scan_iter(match=prefix + "*")]
        await cache.aclose()


async def test_an_unreachable_redis_is_a_miss_not_a_failure() -> None:
    cache = RedisCache("redis://127.0.0.1:1/0", ttl_s=30, prefix="cg:test:", secret="k")
    await cache.set_many({"content:a": 1})
    assert await cache.get_many(["content:a"]) == [MISSING]
    await cache.aclose()
