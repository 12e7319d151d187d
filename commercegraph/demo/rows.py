"""Row builders shared by the story and the crowd: orders, events, the ledger, loyalty.

Everything here appends plain dicts to a ``ChunkRows``; the generator inserts each chunk
with one executemany per table, so nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from commercegraph.demo.constants import (
    CURRENCY,
    FUNDING_ACCOUNT,
    POINTS_ISSUED_ACCOUNT,
    POINTS_UNIT,
    QUALIFYING_WINDOW_DAYS,
    SALES_ACCOUNT,
    SYSTEM_ACCOUNTS,
    Row,
    account_id,
)
from commercegraph.demo.inventory import PriceBook
from commercegraph.services.loyalty import points_for_spend, tier_for

# Insert order: parents before the rows that reference them.
TABLE_ORDER = (
    "customers",
    "customer_identifiers",
    "consents",
    "payment_methods",
    "orders",
    "order_lines",
    "events",
    "ledger_accounts",
    "ledger_transactions",
    "ledger_entries",
    "loyalty_accounts",
)
COMPLETED = "COMPLETED"
OPEN_STATUSES = ("PLACED", "SHIPPED")


class ChunkRows:
    """The rows of one chunk of customers, per table."""

    def __init__(self) -> None:
        self.tables: dict[str, list[Row]] = {name: [] for name in TABLE_ORDER}

    def __getitem__(self, table: str) -> list[Row]:
        return self.tables[table]


@dataclass
class Counters:
    """Global sequence numbers: ids come from these, never from uuid4."""

    orders: int = 0
    events: int = 0
    transactions: int = 0


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    id: str
    placed_at: datetime
    channel: str
    total: int
    status: str


class History:
    """Writes one customer's orders and events into a chunk."""

    def __init__(
        self, rows: ChunkRows, counters: Counters, prices: PriceBook, customer_id: str, group: str
    ) -> None:
        self.rows = rows
        self.counters = counters
        self.prices = prices
        self.customer_id = customer_id
        self.group = group
        self.orders: list[PlacedOrder] = []

    def order(
        self,
        placed_at: datetime,
        channel: str,
        lines: Iterable[tuple[str, int]],
        *,
        fulfillment: str,
        store_id: str | None,
        status: str = COMPLETED,
        discount_percent: int = 0,
    ) -> PlacedOrder:
        merged: dict[str, int] = {}
        for sku, quantity in lines:
            merged[sku] = merged.get(sku, 0) + quantity
        self.counters.orders += 1
        order_id = f"ord_{self.counters.orders:08d}"
        subtotal = 0
        line_rows = self.rows["order_lines"]
        for sku, quantity in merged.items():
            unit = self.prices.unit_price(sku, channel, self.group, quantity)
            subtotal += unit * quantity
            line_rows.append(
                {
                    "order_id": order_id,
                    "sku": sku,
                    "quantity": quantity,
                    "unit_price": unit,
                    "line_total": unit * quantity,
                }
            )
        discount = subtotal * discount_percent // 100
        total = subtotal - discount
        self.rows["orders"].append(
            {
                "id": order_id,
                "customer_id": self.customer_id,
                "channel": channel,
                "placed_at": placed_at,
                "currency": CURRENCY,
                "subtotal": subtotal,
                "discount": discount,
                "total": total,
                "fulfillment": fulfillment,
                "store_id": store_id,
                "status": status,
                "idempotency_key": None,
            }
        )
        placed = PlacedOrder(order_id, placed_at, channel, total, status)
        self.orders.append(placed)
        return placed

    def event(
        self,
        type_: str,
        at: datetime,
        channel: str,
        sku: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        self.counters.events += 1
        number = self.counters.events
        self.rows["events"].append(
            {
                "id": f"evt_{number:010d}",
                "type": type_,
                "customer_id": self.customer_id,
                "channel": channel,
                "sku": sku,
                "occurred_at": at,
                # Clients batch and upload a little later; the lag only needs to look plausible.
                "received_at": at + timedelta(seconds=1 + number % 7),
                "payload": payload if payload is not None else {},
            }
        )


class Ledger:
    """The system side of the double-entry ledger, accumulated over every chunk."""

    def __init__(self, counters: Counters) -> None:
        self.counters = counters
        self.system_balances: dict[str, int] = {acct: 0 for acct, _, _ in SYSTEM_ACCOUNTS}

    def system_rows(self) -> list[Row]:
        # Inserted at zero before any entry; the generator writes the final balances last.
        return [
            {
                "id": acct,
                "owner_id": "system",
                "kind": kind,
                "unit": unit,
                "balance": 0,
                "allow_negative": True,
            }
            for acct, kind, unit in SYSTEM_ACCOUNTS
        ]


@dataclass
class Wallet:
    """One customer's WALLET (USD) and POINTS (PTS) accounts and their movements."""

    ledger: Ledger
    rows: ChunkRows
    customer_id: str
    balance: int = 0
    points: int = 0
    wallet_account: str = field(init=False)
    points_account: str = field(init=False)

    def __post_init__(self) -> None:
        self.wallet_account = account_id(self.customer_id, "WALLET", CURRENCY)
        self.points_account = account_id(self.customer_id, "POINTS", POINTS_UNIT)

    def _post(
        self, kind: str, at: datetime, description: str, legs: Sequence[tuple[str, int]]
    ) -> None:
        assert sum(amount for _, amount in legs) == 0, "a transaction must balance"
        self.ledger.counters.transactions += 1
        txn_id = f"ltx_{self.ledger.counters.transactions:09d}"
        self.rows["ledger_transactions"].append(
            {
                "id": txn_id,
                "customer_id": self.customer_id,
                "kind": kind,
                "scope": None,
                "idempotency_key": None,
                "reverses_id": None,
                "description": description,
                "created_at": at,
            }
        )
        entries = self.rows["ledger_entries"]
        system = self.ledger.system_balances
        for account, amount in legs:
            entries.append({"transaction_id": txn_id, "account_id": account, "amount": amount})
            if account in system:
                system[account] += amount
            elif account == self.wallet_account:
                self.balance += amount
            else:
                self.points += amount

    def top_up(self, amount: int, at: datetime, source: str) -> None:
        self._post(
            "TOP_UP",
            at,
            f"Top-up via {source}",
            ((FUNDING_ACCOUNT, -amount), (self.wallet_account, amount)),
        )

    def pay(self, amount: int, at: datetime, order_id: str) -> None:
        if amount > self.balance:
            raise ValueError("demo wallet payments never overdraw the wallet")
        self._post(
            "PAYMENT",
            at,
            f"Payment for order {order_id}",
            ((self.wallet_account, -amount), (SALES_ACCOUNT, amount)),
        )

    def earn(self, order: PlacedOrder) -> None:
        points = points_for_spend(order.total)
        if order.status == COMPLETED and points > 0:
            self._post(
                "EARN",
                order.placed_at + timedelta(minutes=1),
                f"Points for order {order.id}",
                ((POINTS_ISSUED_ACCOUNT, -points), (self.points_account, points)),
            )

    def close(self) -> None:
        """Append both account rows, their balances being the sums of their entries."""
        for acct, kind, unit, balance in (
            (self.wallet_account, "WALLET", CURRENCY, self.balance),
            (self.points_account, "POINTS", POINTS_UNIT, self.points),
        ):
            self.rows["ledger_accounts"].append(
                {
                    "id": acct,
                    "owner_id": self.customer_id,
                    "kind": kind,
                    "unit": unit,
                    "balance": balance,
                    "allow_negative": False,
                }
            )


def qualifying_spend(orders: Iterable[PlacedOrder], now: datetime) -> int:
    """Completed order totals over the rolling window the loyalty tier looks at."""
    since = now - timedelta(days=QUALIFYING_WINDOW_DAYS)
    return sum(o.total for o in orders if o.status == COMPLETED and o.placed_at >= since)


def loyalty_row(customer_id: str, orders: Sequence[PlacedOrder], now: datetime) -> Row:
    spend = qualifying_spend(orders, now)
    pending = sum(points_for_spend(o.total) for o in orders if o.status in OPEN_STATUSES)
    return {
        "customer_id": customer_id,
        "tier": tier_for(points_for_spend(spend)),
        "pending_points": pending,
        "qualifying_spend": spend,
        "updated_at": now,
    }
