"""Which customer an event's identifiers point at, and which identifiers to link to them.

An event may carry a customer id (from a trusted channel or the caller's token) and any
number of identifiers (email, phone, loyalty card, device, POS customer number). Known
identifiers resolve to customers; if they all agree, the unknown ones are linked to that
customer. Identifiers of two different customers are a conflict: that is a merge for staff
to decide, never something an event does silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from commercegraph.errors import Conflict


@dataclass(frozen=True, slots=True)
class Resolution:
    customer_id: str | None
    to_link: tuple[tuple[str, str], ...]  # (kind, normalised value) not yet linked


def resolve_identity(
    claimed_customer_id: str | None,
    identifiers: Sequence[tuple[str, str]],
    owners: Sequence[str | None],
    *,
    field: str = "identifiers",
) -> Resolution:
    """``owners[i]`` is the customer ``identifiers[i]`` is linked to today (or None)."""
    if len(identifiers) != len(owners):
        raise ValueError("one owner per identifier")
    candidates = {o for o in owners if o is not None}
    if claimed_customer_id is not None:
        candidates.add(claimed_customer_id)
    if len(candidates) > 1:
        raise Conflict(
            "The identifiers belong to different customers; a staff merge is needed",
            field=field,
            customers=sorted(candidates),
        )
    customer_id = next(iter(candidates), None)
    if customer_id is None:
        return Resolution(None, ())
    unknown = tuple(
        dict.fromkeys(i for i, owner in zip(identifiers, owners, strict=True) if owner is None)
    )
    return Resolution(customer_id, unknown)
