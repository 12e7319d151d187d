"""Merge two customers across the ports: balances through the wallet port, orders through
the commerce port, identifiers, events and the audit record through the customer port.

Every step is idempotent, and the audit record is written last: a merge cut off half-way is
completed by retrying it, and a finished one answers its record again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from commercegraph.adapters.base import (
    CommerceBackend,
    CustomerBackend,
    MergeRecord,
    Money,
    WalletBackend,
)
from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.errors import BadUserInput, Conflict, NotFound

OrdersChanged = Callable[[Sequence[str]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class MergePorts:
    customer: CustomerBackend
    commerce: CommerceBackend
    wallet: WalletBackend

    @classmethod
    def of(cls, registry: AdapterRegistry) -> MergePorts:
        return cls(registry.customer, registry.commerce, registry.wallet)


@dataclass(frozen=True)
class MergeOutcome:
    record: MergeRecord
    orders_moved: int
    balances_moved: tuple[Money, ...]


def _outcome(record: MergeRecord) -> MergeOutcome:
    moved = record.summary.get("balances", [])
    return MergeOutcome(
        record,
        int(record.summary.get("orders", 0)),
        tuple(Money(int(b["amount"]), str(b["unit"])) for b in moved),
    )


async def merge_customers(
    ports: MergePorts,
    source_id: str,
    target_id: str,
    actor: str,
    idempotency_key: str,
    orders_changed: OrdersChanged | None = None,
) -> MergeOutcome:
    """Merge ``source_id`` into ``target_id``; ``orders_changed`` is told the target once
    the orders moved (to recompute its segments)."""
    if not idempotency_key.strip() or len(idempotency_key) > 128:
        raise BadUserInput(
            "idempotencyKey must hold 1 to 128 characters", argument="idempotencyKey"
        )
    if source_id == target_id:
        raise BadUserInput("A customer cannot be merged into itself", argument="targetId")
    source, target = await ports.customer.customers_by_id([source_id, target_id])
    if source is None:
        raise NotFound(f"Customer {source_id!r} not found", argument="sourceId")
    if target is None:
        raise NotFound(f"Customer {target_id!r} not found", argument="targetId")
    done, target_done = await ports.customer.merges([source_id, target_id])
    if done is not None:
        if done.target_customer_id != target_id:
            raise Conflict(
                f"Customer {source_id!r} was already merged into {done.target_customer_id!r}",
                argument="sourceId",
            )
        return _outcome(done)
    if target_done is not None:
        raise Conflict(
            f"Customer {target_id!r} was merged into {target_done.target_customer_id!r}",
            argument="targetId",
        )
    balances = await ports.wallet.transfer_balance(
        source_id, target_id, f"merge:{source_id}:{target_id}"
    )
    orders = await ports.commerce.transfer_orders(source_id, target_id)
    record = await ports.customer.merge_customers(
        source_id,
        target_id,
        actor,
        idempotency_key,
        {
            "orders": orders,
            "balances": [{"amount": b.amount, "unit": b.currency} for b in balances],
        },
    )
    if orders_changed is not None:
        await orders_changed([target_id])
    return _outcome(record)
