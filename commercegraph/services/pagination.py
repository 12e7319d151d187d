"""Opaque Relay cursors and page-size validation."""

from __future__ import annotations

import base64
import binascii
import json

from commercegraph.errors import BadUserInput

# json's own string encoder (its C one where there is one), as json.dumps uses it
_JSON_STRING = json.encoder.encode_basestring_ascii
_URL_SAFE = bytes.maketrans(b"+/", b"-_")  # as base64.urlsafe_b64encode translates


def encode_cursor(*parts: str | int) -> str:
    """``urlsafe_b64encode(json.dumps(list(parts)))``, the text built directly for strings
    and integers: a list's every edge has a cursor."""
    items = []
    for part in parts:
        if part.__class__ is str:
            items.append(_JSON_STRING(part))
        elif part.__class__ is int:
            items.append(int.__repr__(part))
        else:  # a bool (true/false), or anything else: json's way
            return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode()
    text = "[" + ", ".join(items) + "]"
    return binascii.b2a_base64(text.encode(), newline=False).translate(_URL_SAFE).decode()


def decode_cursor(cursor: str, arity: int) -> list[str | int]:
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise BadUserInput(f"Malformed cursor {cursor!r}", argument="after") from exc
    if (
        not isinstance(parts, list)
        or len(parts) != arity
        or not all(isinstance(p, str | int) and not isinstance(p, bool) for p in parts)
    ):
        raise BadUserInput(f"Malformed cursor {cursor!r}", argument="after")
    return parts


def check_first(first: int, maximum: int, argument: str = "first") -> int:
    if first < 0:
        raise BadUserInput(f"`{argument}` must not be negative (got {first})", argument=argument)
    if first > maximum:
        raise BadUserInput(
            f"`{argument}` must be at most {maximum} (got {first})", argument=argument
        )
    return first
