"""The deadlines of a backend's calls under one timeout, served by one timer.

A timer per call (``asyncio.timeout``) costs a scheduled handle and its cancellation, about
3 µs, for calls that nearly always answer long before their deadline. Calls under the same
timeout start in deadline order, so a queue keeps them sorted: one timer, armed for the
earliest deadline still open, cancels the tasks whose deadline has passed and re-arms itself
for the next. The call's task is cancelled at its deadline, as ``asyncio.timeout`` does.

>>> deadlines = Deadlines(asyncio.get_running_loop(), timeout_s=0.5)
>>> expiry = deadlines.start(asyncio.current_task())
>>> try: ...
... finally: deadlines.finish(expiry)   # ``expiry.fired``: the deadline cancelled the task
"""

from __future__ import annotations

import asyncio
from collections import deque


class Expiry:
    __slots__ = ("deadline", "done", "fired", "task")

    def __init__(self, task: asyncio.Task[object], deadline: float) -> None:
        self.task = task
        self.deadline = deadline
        self.done = False
        self.fired = False


class Deadlines:
    def __init__(self, loop: asyncio.AbstractEventLoop, timeout_s: float) -> None:
        self.loop = loop
        self.timeout_s = timeout_s
        self._open: deque[Expiry] = deque()  # by deadline: each starts later than the last
        self._timer: asyncio.TimerHandle | None = None  # due at or before the first deadline

    def start(self, task: asyncio.Task[object]) -> Expiry:
        expiry = Expiry(task, self.loop.time() + self.timeout_s)
        self._open.append(expiry)
        if self._timer is None:
            self._timer = self.loop.call_at(expiry.deadline, self._expire)
        return expiry

    def finish(self, expiry: Expiry) -> None:
        expiry.done = True
        open_ = self._open
        while open_ and open_[0].done:
            open_.popleft()

    def _expire(self) -> None:
        self._timer = None
        open_ = self._open
        now = self.loop.time()
        while open_:
            first = open_[0]
            if first.done:
                open_.popleft()
            elif first.deadline > now:
                self._timer = self.loop.call_at(first.deadline, self._expire)
                return
            else:
                open_.popleft()
                first.fired = True
                first.task.cancel()
