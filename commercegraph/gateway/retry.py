"""Bounded retries with full-jitter exponential backoff, for idempotent reads only.

>>> policy = RetryPolicy(attempts=3, base_delay_s=0.02, max_delay_s=0.2)
>>> [policy.delay(n) for n in (1, 2)]   # random in [0, min(max, base * 2**(n-1))]
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int  # total tries, the first included; 1 means no retry
    base_delay_s: float
    max_delay_s: float
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, failed_attempt: int) -> float:
        """Full jitter spreads the retries of many gateways so they do not stampede a backend."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (failed_attempt - 1))
        return self.rng.uniform(0.0, ceiling)
