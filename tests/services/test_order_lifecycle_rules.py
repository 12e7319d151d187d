"""Where an order may go next, as a table of every status × target × fulfilment."""

from __future__ import annotations

import pytest

from commercegraph.errors import IllegalTransition
from commercegraph.services.order_lifecycle import check_transition, refund_target

LEGAL = {
    ("PLACED", "READY_FOR_PICKUP"),
    ("PLACED", "SHIPPED"),
    ("PLACED", "COMPLETED"),
    ("PLACED", "CANCELLED"),
    ("READY_FOR_PICKUP", "COMPLETED"),
    ("READY_FOR_PICKUP", "CANCELLED"),
    ("SHIPPED", "COMPLETED"),
    ("SHIPPED", "RETURNED"),
    ("COMPLETED", "RETURNED"),
}
ENTERED_BY = {"READY_FOR_PICKUP": "PICKUP", "SHIPPED": "SHIP"}  # only orders fulfilled so
STATUSES = ("PLACED", "READY_FOR_PICKUP", "SHIPPED", "COMPLETED", "CANCELLED", "RETURNED")
TARGETS = ("READY_FOR_PICKUP", "SHIPPED", "COMPLETED", "CANCELLED", "RETURNED")


@pytest.mark.parametrize("fulfillment", ["PICKUP", "SHIP"])
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("target", TARGETS)
def test_each_move_is_legal_a_retry_or_refused(status: str, target: str, fulfillment: str) -> None:
    if status == target:
        assert check_transition(status, target, fulfillment) is False
    elif (status, target) in LEGAL and ENTERED_BY.get(target, fulfillment) == fulfillment:
        assert check_transition(status, target, fulfillment) is True
    else:
        with pytest.raises(IllegalTransition) as refused:
            check_transition(status, target, fulfillment)
        assert refused.value.code == "ILLEGAL_TRANSITION"
        assert refused.value.extensions == {"status": status, "target": target}


def test_placed_is_never_a_target_and_refunds_cancel_or_return() -> None:
    with pytest.raises(IllegalTransition):
        check_transition("COMPLETED", "PLACED", "PICKUP")
    assert [refund_target(s) for s in STATUSES] == [
        "CANCELLED",
        "CANCELLED",
        "RETURNED",
        "RETURNED",
        "CANCELLED",
        "RETURNED",
    ]
