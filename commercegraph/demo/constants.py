"""Well-known ids, SKUs and shared constants of the demo retailer.

Kept apart from ``__init__`` so every generator module can import them without a cycle.
"""

from __future__ import annotations

from typing import Any

# The reference-story customers and places the docs and journey tests name.
DEVI_ID = "cus_devi"
SAM_ID = "cus_sam"
DOWNTOWN_ID = "loc_downtown"
WAREHOUSE_ID = "loc_warehouse"
BERLIN_ID = "loc_berlin_mitte"  # a store abroad: EUR prices, de-DE content

# The catalogue's names and SKUs come from fixed tables, never from the RNG, so these
# always point at the same products whatever the seed.
DEVI_COFFEE_SKU = "SKU-COF-0001"
DEVI_SODA_SKU = "SKU-SOD-0001"
DEVI_SHOES_SKU = "SKU-RUN-0001"
SAM_PHONE_SKU = "SKU-PHN-0001"

CURRENCY = "USD"
LOCALES = ("en-US", "de-DE")
ORDER_HISTORY_DAYS = 730
QUALIFYING_WINDOW_DAYS = 365  # the loyalty tier looks at a rolling 12 months

SYSTEM_OWNER = "system"
POINTS_UNIT = "PTS"

Row = dict[str, Any]


def account_id(owner: str, kind: str, unit: str) -> str:
    return f"acct_{owner}_{kind}_{unit}"


FUNDING_ACCOUNT = account_id(SYSTEM_OWNER, "FUNDING", CURRENCY)
SALES_ACCOUNT = account_id(SYSTEM_OWNER, "SALES", CURRENCY)
POINTS_ISSUED_ACCOUNT = account_id(SYSTEM_OWNER, "POINTS_ISSUED", POINTS_UNIT)
SYSTEM_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    (FUNDING_ACCOUNT, "FUNDING", CURRENCY),
    (SALES_ACCOUNT, "SALES", CURRENCY),
    (POINTS_ISSUED_ACCOUNT, "POINTS_ISSUED", POINTS_UNIT),
)
