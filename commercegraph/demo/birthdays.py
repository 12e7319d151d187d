"""Birth dates for the demo's customers, derived from their ids so that adding them leaves
every other generated row (and the random stream that makes them) as it was."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

EARLIEST = date(1950, 1, 1)
SPAN_DAYS = 365 * 55  # born 1950 to about 2005


def birth_date_of(customer_id: str) -> date:
    digest = hashlib.sha256(f"birth:{customer_id}".encode()).digest()
    return EARLIEST + timedelta(days=int.from_bytes(digest[:4], "big") % SPAN_DAYS)
