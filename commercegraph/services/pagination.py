"""Opaque Relay cursors and page-size validation."""

from __future__ import annotations

import base64
import binascii
import json

from commercegraph.errors import BadUserInput


def encode_cursor(*parts: str | int) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode()


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
