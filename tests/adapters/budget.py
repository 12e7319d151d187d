"""A vendor's rolling-window request limit, kept on a fake clock, for burst tests.

``RollingWindow`` is what a hosted API does when it counts requests: one more than
``limit`` inside any ``window_s`` is refused, and the refusal says how long until the oldest
counted request leaves the window (whole seconds, rounded up, as vendors' headers do).
``busiest`` measures what a client sent: the most requests inside any one window.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence

SLACK = 1e-6  # fake-clock seconds lost to float arithmetic


class RollingWindow:
    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self.accepted: list[float] = []

    def admit(self, now: float) -> int | None:
        """``None`` when a request at ``now`` is within the limit (and counts it); else the
        whole seconds until one would be."""
        inside = [t for t in self.accepted if t > now - self.window_s + SLACK]
        if len(inside) < self.limit:
            self.accepted.append(now)
            return None
        return max(1, math.ceil(inside[0] + self.window_s - now - SLACK))


def busiest(times: Sequence[float], window_s: float) -> int:
    """The most of ``times`` inside any half-open window ``[t, t + window_s)``."""
    ordered = sorted(times)
    return max(
        (bisect_left(ordered, t + window_s - SLACK) - i for i, t in enumerate(ordered)),
        default=0,
    )
