"""Webhook signatures and retry timing."""

from __future__ import annotations

import random

from commercegraph.services.webhooks import retry_delay, signature, verify

SECRET = "s3cret"
BODY = b'{"id":"dlv_1","type":"offer.created"}'


def test_signature_verifies_and_rejects_tampering_wrong_secret_and_replay() -> None:
    header = signature(SECRET, 1_700_000_000, BODY)
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64
    assert verify(SECRET, header, BODY, now=1_700_000_100)
    assert not verify(SECRET, header, BODY + b" ", now=1_700_000_100)
    assert not verify("other", header, BODY, now=1_700_000_100)
    assert not verify(SECRET, header, BODY, now=1_700_000_000 + 301)
    forged = header.replace("t=1700000000", "t=1700000250")
    assert not verify(SECRET, forged, BODY, now=1_700_000_250)
    assert not verify(SECRET, "garbage", BODY, now=1_700_000_000)


def test_retry_delay_grows_exponentially_with_bounded_jitter() -> None:
    rng = random.Random(3)
    for attempt in range(1, 12):
        ceiling = min(3600.0, 2.0 * 2 ** (attempt - 1))
        delays = [retry_delay(attempt, base=2.0, cap=3600.0, rng=rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered, not lock-step
