"""Webhook signatures and retry timing.

The signature header is ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``: the
timestamp is signed with the body so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import random

SIGNATURE_HEADER = "X-CommerceGraph-Signature"
DELIVERY_HEADER = "X-CommerceGraph-Delivery"
EVENT_HEADER = "X-CommerceGraph-Event"
DEFAULT_TOLERANCE_SECONDS = 300  # receivers reject signatures older than this


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def retry_delay(attempt: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Seconds before retry number ``attempt`` (1-based): exponential, capped, half jittered
    so that receivers recovering from an outage are not hit by every sender at once."""
    ceiling: float = min(cap, base * 2.0 ** (attempt - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)
