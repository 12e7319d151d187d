"""A token bucket on an injected clock, sized so a rolling window limit is never passed.

HubSpot counts private-app requests over a rolling window (100 per 10 s on Free and
Starter). A bucket holding ``burst`` tokens and refilling at ``(limit - burst) / window``
per second lets at most ``burst + (limit - burst) = limit`` requests through in any window
of that length, whatever the timing: the initial burst plus what refilled meanwhile.

>>> bucket = TokenBucket(limit=100, window_s=10.0, burst=10)
>>> await bucket.acquire()  # returns at once while tokens last, else sleeps for one
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

ROUNDING = 1e-9  # tokens lost to float arithmetic; waiting for them could never end

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class TokenBucket:
    def __init__(
        self,
        limit: int,
        window_s: float,
        burst: int,
        clock: Clock = time.monotonic,
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
        """The server said to wait (a 429): empty the bucket and start it ``seconds`` late."""
        self._refill()
        self.tokens = min(self.tokens, 0.0) - seconds * self.rate
