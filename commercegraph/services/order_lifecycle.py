"""Where an order may go next: the lifecycle every channel shares.

``PLACED → READY_FOR_PICKUP | SHIPPED → COMPLETED``; an order not yet handed over may be
``CANCELLED``; a handed-over one may be ``RETURNED``. A till sale is ``COMPLETED`` when it
is recorded. Asking for the status an order already has is a retry, not an error.
"""

from __future__ import annotations

from commercegraph.errors import IllegalTransition

PLACED, READY, SHIPPED = "PLACED", "READY_FOR_PICKUP", "SHIPPED"
COMPLETED, CANCELLED, RETURNED = "COMPLETED", "CANCELLED", "RETURNED"
TARGETS = (READY, SHIPPED, COMPLETED, CANCELLED, RETURNED)
HANDED_OVER = frozenset({COMPLETED, "DELIVERED", "PICKED_UP"})
RELEASES_STOCK = frozenset({CANCELLED, RETURNED})

_FROM: dict[str, frozenset[str]] = {
    READY: frozenset({PLACED}),
    SHIPPED: frozenset({PLACED}),
    COMPLETED: frozenset({PLACED, READY, SHIPPED, "DELIVERED", "PICKED_UP"}),
    CANCELLED: frozenset({PLACED, READY}),
    RETURNED: HANDED_OVER | {SHIPPED},
}
_NEEDS_METHOD = {READY: "PICKUP", SHIPPED: "SHIP"}


def check_transition(status: str, target: str, fulfillment: str) -> bool:
    """``True`` when the order moves, ``False`` when it is already there (a retry);
    raises ``IllegalTransition`` otherwise."""
    if target not in _FROM:
        raise IllegalTransition(
            f"{target!r} is not a status an order is moved to", status=status, target=target
        )
    if status == target:
        return False
    needed = _NEEDS_METHOD.get(target)
    if status not in _FROM[target] or (needed is not None and fulfillment != needed):
        raise IllegalTransition(
            f"An order that is {status} ({fulfillment}) cannot become {target}",
            status=status,
            target=target,
        )
    return True


def refund_target(status: str) -> str:
    """A refund cancels an order not yet handed over and returns one that was."""
    return CANCELLED if status in (PLACED, READY, CANCELLED) else RETURNED
