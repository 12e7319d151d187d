"""Payment-method references: provider tokens and masked labels, never card numbers.

Any input holding 12–19 digits that pass the Luhn check, whatever separates them, is taken
for a card number (PAN) and refused before it is stored. A run is digit groups joined by
anything that is neither a digit nor a letter (``4242.4242``, ``4242:4242``, ``_``, spaces,
any Unicode punctuation); any consecutive groups of the run can hold the PAN, so a prefix
or an expiry date after it does not hide it. Letters end a run: provider tokens are
alphanumeric (hex, base62), and reading letters as separators would refuse a few percent
of random hex tokens while no one formats a card number with letters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from commercegraph.errors import BadUserInput

KINDS = ("CARD", "PAYPAL", "APPLE_PAY", "GOOGLE_PAY", "BANK_ACCOUNT")
CARD_BRANDS = ("Visa", "Mastercard", "Amex", "Discover", "JCB", "Maestro")
MASK = "····"
PAN_DIGITS = range(12, 20)  # ISO/IEC 7812 card numbers are 12 to 19 digits long
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-:.]{5,199}$")
_EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[^@\s]+)$")


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def digit_runs(text: str) -> Iterator[list[str]]:
    """Each run of digit groups in ``text`` (Unicode digits read as ASCII)."""
    groups: list[str] = []
    digits = ""
    for ch in unicodedata.normalize("NFKC", text):
        value = unicodedata.decimal(ch, None)
        if value is not None:
            digits += str(value)
            continue
        if digits:
            groups.append(digits)
            digits = ""
        if ch.isalpha() and groups:
            yield groups
            groups = []
    if digits:
        groups.append(digits)
    if groups:
        yield groups


def contains_pan(text: str) -> bool:
    for groups in digit_runs(text):
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) > PAN_DIGITS.stop - 1:
                    break
                if len(digits) in PAN_DIGITS and luhn_valid(digits):
                    return True
    return False


def refuse_pan(argument: str, value: str | None) -> None:
    if value and contains_pan(value):
        raise BadUserInput(
            f"`{argument}` looks like a card number; send the provider's token instead",
            argument=argument,
        )


def refuse_pans(fields: dict[str, str | None]) -> None:
    """Refuse the first of ``fields`` (argument name → value) that holds a card number."""
    for argument, value in fields.items():
        refuse_pan(argument, value)


def masked_label(kind: str, *, brand: str | None, last4: str | None, email: str | None) -> str:
    """``Visa ····4242``, ``PayPal ····@example.com``; refuses what cannot be masked."""
    if kind == "CARD":
        if brand not in CARD_BRANDS:
            raise BadUserInput(f"`brand` must be one of {', '.join(CARD_BRANDS)}", argument="brand")
        if last4 is None or not re.fullmatch(r"\d{4}", last4):
            raise BadUserInput("`last4` must be exactly four digits", argument="last4")
        return f"{brand} {MASK}{last4}"
    if kind == "PAYPAL":
        match = _EMAIL.match(email or "")
        if match is None:
            raise BadUserInput("`email` must be the PayPal account's address", argument="email")
        return f"PayPal {MASK}@{match.group(1).lower()}"
    if kind in ("APPLE_PAY", "GOOGLE_PAY", "BANK_ACCOUNT"):
        name = {"APPLE_PAY": "Apple Pay", "GOOGLE_PAY": "Google Pay", "BANK_ACCOUNT": "Bank"}[kind]
        if last4 is not None and not re.fullmatch(r"\d{4}", last4):
            raise BadUserInput("`last4` must be exactly four digits", argument="last4")
        return f"{name} {MASK}{last4}" if last4 else name
    raise BadUserInput(f"Unknown payment method kind {kind!r}", argument="kind")


def check_provider_token(token: str) -> str:
    refuse_pan("providerToken", token)
    token = token.strip()
    if not _TOKEN.match(token):
        raise BadUserInput(
            "`providerToken` must be the provider's token (6–200 letters, digits, _-:.)",
            argument="providerToken",
        )
    return token
