"""Double-entry rules: legs balance per unit, and a posting's effect on balances."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class UnbalancedPosting(ValueError):
    """Entries of one unit do not sum to zero; a programming error, never user input."""


@dataclass(frozen=True, slots=True)
class Leg:
    account_id: str
    unit: str
    amount: int  # positive credits the account's balance, negative debits it


def check_balanced(legs: Iterable[Leg]) -> None:
    totals: dict[str, int] = defaultdict(int)
    count = 0
    for leg in legs:
        if not isinstance(leg.amount, int) or isinstance(leg.amount, bool):
            raise UnbalancedPosting(f"amount of {leg.account_id} is not an integer")
        totals[leg.unit] += leg.amount
        count += 1
    if count < 2:
        raise UnbalancedPosting("a posting needs at least two legs")
    unbalanced = {unit: total for unit, total in totals.items() if total != 0}
    if unbalanced:
        raise UnbalancedPosting(f"legs do not balance: {unbalanced}")


def net_by_account(legs: Iterable[Leg]) -> dict[str, int]:
    net: dict[str, int] = defaultdict(int)
    for leg in legs:
        net[leg.account_id] += leg.amount
    return {account: amount for account, amount in net.items() if amount != 0}


def lock_order(account_ids: Iterable[str], system_prefix: str = "acct_system_") -> list[str]:
    """Customer accounts first, system accounts last, each sorted.

    Every posting takes row locks in this one global order, so two postings never wait on
    each other in a cycle; and the shared system rows are held only until the commit.
    """
    ids = set(account_ids)
    customers = sorted(a for a in ids if not a.startswith(system_prefix))
    systems = sorted(a for a in ids if a.startswith(system_prefix))
    return customers + systems


def request_fingerprint(operation: str, request: Mapping[str, Any]) -> str:
    """A stable hash of what was asked, to tell a retry from a different request."""
    canonical = json.dumps({"op": operation, "request": request}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def customer_account_id(customer_id: str, kind: str, unit: str) -> str:
    return f"acct_{customer_id}_{kind}_{unit}"


def system_account_id(kind: str, unit: str) -> str:
    return f"acct_system_{kind}_{unit}"
