"""Webhook signatures in the Standard Webhooks format, and retry timing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from commercegraph.services.webhook_signing import secret_key, sign, signed_headers, verify
from commercegraph.services.webhooks import retry_delay

KEY = b"0123456789abcdef0123456789abcdef"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
BODY = b'{"id":"dlv_1","type":"offer.created"}'


def test_signature_is_the_standard_hmac_of_id_timestamp_and_body() -> None:
    headers = signed_headers(SECRET, "dlv_1", 1_700_000_000, BODY)
    mac = hmac.new(KEY, b"dlv_1.1700000000." + BODY, hashlib.sha256).digest()
    assert headers == {
        "webhook-id": "dlv_1",
        "webhook-timestamp": "1700000000",
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }


def test_signature_verifies_and_rejects_tampering_wrong_secret_and_replay() -> None:
    headers = signed_headers(SECRET, "dlv_1", 1_700_000_000, BODY)
    assert verify(SECRET, headers, BODY, now=1_700_000_100)
    assert not verify(SECRET, headers, BODY + b" ", now=1_700_000_100)
    assert not verify("whsec_b3RoZXI=", headers, BODY, now=1_700_000_100)
    assert not verify(SECRET, headers, BODY, now=1_700_000_000 + 301)
    forged = {**headers, "webhook-timestamp": "1700000250"}
    assert not verify(SECRET, forged, BODY, now=1_700_000_250)
    assert not verify(SECRET, {**headers, "webhook-id": "dlv_2"}, BODY, now=1_700_000_000)
    assert not verify(SECRET, {}, BODY, now=1_700_000_000)
    rotated = {**headers, "webhook-signature": "v1,b2xk " + headers["webhook-signature"]}
    assert verify(SECRET, rotated, BODY, now=1_700_000_000)


def test_the_reference_library_verifies_what_we_sign() -> None:
    from datetime import UTC, datetime

    now = int(datetime.now(UTC).timestamp())
    headers = signed_headers(SECRET, "msg_2Lz", now, BODY)
    assert Webhook(SECRET).verify(BODY, headers) == {"id": "dlv_1", "type": "offer.created"}
    # and the library's own signature is the one we compute
    assert Webhook(SECRET).sign("msg_2Lz", datetime.fromtimestamp(now, UTC), BODY.decode()) == (
        sign(SECRET, "msg_2Lz", now, BODY)
    )
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(BODY, {**headers, "webhook-timestamp": str(now - 600)})
    # A secret without the prefix is its UTF-8 bytes: receivers hand the library those bytes.
    raw = signed_headers("plain-secret", "msg_3", now, BODY)
    assert Webhook(b"plain-secret").verify(BODY, raw)


def test_a_malformed_standard_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="base64"):
        secret_key("whsec_not base64!")
    with pytest.raises(ValueError, match="empty"):
        secret_key("whsec_")


def test_retry_delay_grows_exponentially_with_bounded_jitter() -> None:
    rng = random.Random(3)
    for attempt in range(1, 12):
        ceiling = min(3600.0, 2.0 * 2 ** (attempt - 1))
        delays = [retry_delay(attempt, base=2.0, cap=3600.0, rng=rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered, not lock-step
