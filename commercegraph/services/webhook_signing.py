"""Webhook signatures in the Standard Webhooks format (standardwebhooks.com).

Every delivery carries three headers, so a receiver verifies it with the reference libraries
in any language (``standardwebhooks`` on PyPI and npm, and ports for Go, Java, Ruby, ...):

- ``webhook-id``: the delivery id, the same on every attempt (receivers de-duplicate on it);
- ``webhook-timestamp``: Unix seconds when this attempt was signed;
- ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">``.

The secret is ``whsec_`` followed by the base64 of the key, as the standard writes it; any
other string is used as the key's UTF-8 bytes (a receiver's library then takes those bytes).

>>> headers = signed_headers("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "dlv_1", 1700000000, b"{}")
>>> headers["webhook-signature"][:3]
'v1,'
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_SECONDS = 300  # the standard's replay window: five minutes either way


def secret_key(secret: str) -> bytes:
    """The HMAC key a secret stands for; a malformed ``whsec_`` secret is a ``ValueError``."""
    if not secret.startswith(SECRET_PREFIX):
        return secret.encode()
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error as exc:
        raise ValueError("a whsec_ webhook secret must be base64 after the prefix") from exc
    if not key:
        raise ValueError("the webhook secret is empty")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,<base64 HMAC-SHA256>``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    mac = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return f"v1,{base64.b64encode(mac).decode()}"


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, message_id, timestamp, body),
    }


def verify(
    secret: str,
    headers: dict[str, str],
    body: bytes,
    *,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: the timestamp is recent and one ``v1`` signature matches."""
    lowered = {k.lower(): v for k, v in headers.items()}
    message_id = lowered.get(ID_HEADER, "")
    try:
        timestamp = int(lowered.get(TIMESTAMP_HEADER, ""))
    except ValueError:
        return False
    if not message_id or abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, message_id, timestamp, body)
    given = lowered.get(SIGNATURE_HEADER, "").split(" ")
    return any(hmac.compare_digest(expected, candidate) for candidate in given)
