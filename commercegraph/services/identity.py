"""Identifier normalisation: one canonical spelling per email, phone, card or device."""

from __future__ import annotations

import re

from commercegraph.errors import BadUserInput

IDENTIFIER_KINDS = ("EMAIL", "PHONE", "LOYALTY_CARD", "DEVICE", "POS_CUSTOMER")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_NOISE = re.compile(r"[\s().\-/]")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-:.]{0,127}$")


def normalise_identifier(kind: str, value: str) -> str:
    """Return the canonical form or raise ``BadUserInput`` naming what is wrong."""
    value = value.strip()
    if kind == "EMAIL":
        email = value.lower()
        if len(email) > 320 or not _EMAIL.match(email):
            raise BadUserInput(f"{value!r} is not an email address", argument="value")
        return email
    if kind == "PHONE":
        phone = _PHONE_NOISE.sub("", value)
        if phone.startswith("00"):
            phone = "+" + phone[2:]
        if not _E164.match(phone):
            raise BadUserInput(
                f"{value!r} is not a phone number in international form (E.164, e.g. +14155550100)",
                argument="value",
            )
        return phone
    if kind in ("LOYALTY_CARD", "DEVICE", "POS_CUSTOMER"):
        if not _TOKEN.match(value):
            raise BadUserInput(
                f"{value!r} is not a valid {kind.lower()} identifier", argument="value"
            )
        return value.upper() if kind == "LOYALTY_CARD" else value
    raise BadUserInput(f"Unknown identifier kind {kind!r}", argument="kind")
