"""The shopper's locale from an ``Accept-Language`` header."""

from __future__ import annotations

import re

MAX_HEADER = 256  # a longer header is no browser's; it is ignored, not parsed
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,2}$")


def preferred_locale(header: str | None) -> str | None:
    """``preferred_locale("de-DE,de;q=0.9,en;q=0.5") == "de-DE"``: the highest-weighted
    well-formed tag (``*`` and ``q=0`` skipped), else None."""
    if not header or len(header) > MAX_HEADER:
        return None
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if weight <= 0 or not _TAG.match(tag):
            continue
        if best is None or (weight, -position) > (best[0], best[1]):
            best = (weight, -position, tag.replace("_", "-"))
    return best[2] if best else None
