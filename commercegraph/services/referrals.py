"""Referral rules: codes, and refusing a customer who refers themselves under another name."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from commercegraph.adapters.base import IdentityRecord

CODE_PREFIX = "REF"
# providers that ignore dots in the local part of an address
_DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def referral_code(customer_id: str, attempt: int = 0) -> str:
    digest = hashlib.sha256(f"{customer_id}:{attempt}".encode()).digest()
    return CODE_PREFIX + base64.b32encode(digest).decode()[:8]


def canonical_email(email: str) -> str:
    """One spelling per mailbox: lower case, ``+tag`` dropped, Gmail dots ignored."""
    local, _, domain = email.strip().lower().partition("@")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def identity_keys(emails: Iterable[str | None], identities: Iterable[IdentityRecord]) -> set[str]:
    keys = {f"EMAIL:{canonical_email(e)}" for e in emails if e}
    for identity in identities:
        value = canonical_email(identity.value) if identity.kind == "EMAIL" else identity.value
        keys.add(f"{identity.kind}:{value}")
    return keys


def self_referral_reason(
    referrer_id: str,
    referred_id: str,
    referrer_keys: set[str],
    referred_keys: set[str],
) -> str | None:
    """Why this referral is the same person, or None when the two are distinct."""
    if referrer_id == referred_id:
        return "A customer cannot refer themselves"
    shared = sorted(referrer_keys & referred_keys)
    if shared:
        kinds = sorted({key.split(":", 1)[0].lower() for key in shared})
        return f"The referrer and the referred customer share an identifier ({', '.join(kinds)})"
    return None
