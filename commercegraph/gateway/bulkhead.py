"""A concurrency bound per backend, so one slow backend cannot absorb every connection.

>>> bulkhead = Bulkhead("pricing", limit=32)
>>> async with bulkhead: ...

``try_enter`` takes a free slot without awaiting anything (the common case: the bound is
rarely reached), ``enter`` queues for one; waiters are served first come, first served, and a
slot given up is handed straight to the next of them.
"""

from __future__ import annotations

import asyncio
from collections import deque
from contextlib import suppress
from types import TracebackType


class Bulkhead:
    def __init__(self, backend: str, limit: int) -> None:
        self.backend = backend
        self.limit = limit
        self.in_flight = 0  # slots held, by callers running or woken to run
        self._waiting: deque[asyncio.Future[None]] = deque()

    def try_enter(self) -> bool:
        """Take a slot if one is free and nobody queues for it; never waits."""
        if self.in_flight < self.limit and not self._waiting:
            self.in_flight += 1
            return True
        return False

    async def enter(self) -> None:
        if self.try_enter():
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.leave()  # handed a slot as it was cancelled: pass the slot on
            else:
                with suppress(ValueError):  # not already skipped over by ``leave``
                    self._waiting.remove(waiter)
            raise

    def leave(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot passes on: in_flight is unchanged
                return
        self.in_flight -= 1

    async def __aenter__(self) -> None:
        await self.enter()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.leave()
