"""Webhook retry timing; signatures are in ``services.webhook_signing``."""

from __future__ import annotations

import random

EVENT_HEADER = "X-CommerceGraph-Event"  # the event type, beside the standard's headers


def retry_delay(attempt: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Seconds before retry number ``attempt`` (1-based): exponential, capped, half jittered
    so that receivers recovering from an outage are not hit by every sender at once."""
    ceiling: float = min(cap, base * 2.0 ** (attempt - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)
