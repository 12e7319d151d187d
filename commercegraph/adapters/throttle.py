"""A client-side request budget on an injected clock, and the 429 retries that go with it.

Hosted vendors count requests over a rolling window (HubSpot 100 per 10 s, Contentful's
Content Delivery API 55 uncached requests a second). A bucket holding ``burst`` tokens and
refilling at ``(limit - burst) / window`` per second lets at most ``burst + (limit - burst)
= limit`` requests through in any window of that length, whatever the timing: the initial
burst plus what refilled meanwhile.

>>> bucket = TokenBucket(limit=100, window_s=10.0, burst=10)
>>> await bucket.acquire()  # returns at once while tokens last, else sleeps for one

``Throttle`` sends each request on its bucket; a 429 empties the bucket for the wait the
vendor names (``Retry-After`` or the vendor's own header) and the request goes again, a
bounded number of times and only while that wait is short enough. The last 429 is given
back for the caller to translate (``http_errors.from_status``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import httpx

from commercegraph.adapters.http_errors import RETRY_AFTER, retry_after_seconds

ROUNDING = 1e-9  # tokens lost to float arithmetic; waiting for them could never end

Now = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class TokenBucket:
    def __init__(
        self,
        limit: int,
        window_s: float,
        burst: int,
        clock: Now = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if not 0 < burst < limit:
            raise ValueError("burst must be positive and below the window's limit")
        self.capacity = float(burst)
        self.rate = (limit - burst) / window_s  # tokens per second
        self.clock = clock
        self.sleep = sleep
        self.tokens = self.capacity
        self.updated = clock()
        self.lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    async def acquire(self) -> None:
        """Take one token, sleeping until one has refilled; callers are served in turn."""
        async with self.lock:
            self._refill()
            while self.tokens < 1 - ROUNDING:
                await self.sleep((1 - self.tokens) / self.rate)
                self._refill()
            self.tokens -= 1

    def pause(self, seconds: float) -> None:
        """The server said to wait (a 429): no token until ``seconds`` from now (answers of
        requests in flight together name the same moment, and do not add up)."""
        self._refill()
        self.tokens = min(self.tokens, -seconds * self.rate)


@dataclass(frozen=True)
class RetryPolicy:
    """How a 429 is retried: at most ``retries`` times, each wait at most ``max_wait_s``."""

    retries: int
    max_wait_s: float
    default_wait_s: float = 1.0  # a 429 naming no wait
    headers: tuple[str, ...] = RETRY_AFTER


class Throttle:
    def __init__(self, bucket: TokenBucket, policy: RetryPolicy) -> None:
        self.bucket = bucket
        self.policy = policy
        self.rate_limited = 0  # 429 answers seen

    async def send(
        self,
        attempt: Callable[[], Awaitable[httpx.Response]],
        also: Sequence[TokenBucket] = (),
    ) -> tuple[httpx.Response, float | None]:
        """The first answer that is not a retried 429, and the wait a final 429 asked for.

        ``also`` are narrower buckets the request takes a token from first (HubSpot's
        search limit)."""
        retries = 0
        while True:
            for narrower in also:
                await narrower.acquire()
            await self.bucket.acquire()
            response = await attempt()
            if response.status_code != 429:
                return response, None
            self.rate_limited += 1
            named = retry_after_seconds(response, self.policy.headers)
            wait = self.policy.default_wait_s if named is None else named
            self.bucket.pause(wait)
            if retries >= self.policy.retries or wait > self.policy.max_wait_s:
                return response, wait
            retries += 1
