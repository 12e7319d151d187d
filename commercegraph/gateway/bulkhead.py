"""A concurrency bound per backend, so one slow backend cannot absorb every connection.

>>> bulkhead = Bulkhead("pricing", limit=32)
>>> async with bulkhead: ...
"""

from __future__ import annotations

import asyncio
from types import TracebackType


class Bulkhead:
    def __init__(self, backend: str, limit: int) -> None:
        self.backend = backend
        self.limit = limit
        self._semaphore = asyncio.Semaphore(limit)
        self.in_flight = 0

    async def __aenter__(self) -> None:
        await self._semaphore.acquire()
        self.in_flight += 1

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.in_flight -= 1
        self._semaphore.release()
