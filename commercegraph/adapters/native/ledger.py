"""The native posting engine: balanced entries, cached balances and idempotent retries.

A posting is one database transaction: the customer's accounts are moved with a
conditional ``UPDATE ... WHERE balance + delta >= 0`` (PostgreSQL re-checks the condition
after waiting for a concurrent writer's row lock, so two debits can never both spend the
same money), then the transaction and its entries are inserted, and the shared system
accounts are moved last so their row locks are held only until the commit.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.errors import BadUserInput, Conflict, InsufficientFunds
from commercegraph.services.ledger import (
    Leg,
    check_balanced,
    lock_order,
    net_by_account,
    request_fingerprint,
)
from commercegraph.store import models as m
from commercegraph.store.db import Store

SYSTEM_PREFIX = "acct_system_"
MAX_KEY_LENGTH = 128


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


@dataclass(frozen=True, slots=True)
class AccountRef:
    account_id: str
    owner_id: str
    kind: str
    unit: str

    @property
    def is_system(self) -> bool:
        return self.account_id.startswith(SYSTEM_PREFIX)


def customer_account(customer_id: str, kind: str, unit: str) -> AccountRef:
    return AccountRef(f"acct_{customer_id}_{kind}_{unit}", customer_id, kind, unit)


def system_account(kind: str, unit: str) -> AccountRef:
    return AccountRef(f"{SYSTEM_PREFIX}{kind}_{unit}", "system", kind, unit)


async def ensure_accounts(session: AsyncSession, refs: Iterable[AccountRef]) -> None:
    """Create missing accounts; concurrent creators of the same account both succeed."""
    wanted = {r.account_id: r for r in refs}
    existing = set(
        await session.scalars(
            select(m.LedgerAccount.id).where(m.LedgerAccount.id.in_(list(wanted)))
        )
    )
    missing = [r for r in wanted.values() if r.account_id not in existing]
    if not missing:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    rows = [
        {
            "id": r.account_id,
            "owner_id": r.owner_id,
            "kind": r.kind,
            "unit": r.unit,
            "balance": 0,
            # system accounts stand for the outside world: money comes from and goes to them
            "allow_negative": r.is_system,
        }
        for r in missing
    ]
    await session.execute(insert(m.LedgerAccount).values(rows).on_conflict_do_nothing())


async def _move(session: AsyncSession, account_id: str, delta: int) -> int:
    stmt = update(m.LedgerAccount).where(m.LedgerAccount.id == account_id)
    if delta < 0:
        stmt = stmt.where(or_(m.LedgerAccount.allow_negative, m.LedgerAccount.balance + delta >= 0))
    result = await session.execute(
        stmt.values(balance=m.LedgerAccount.balance + delta)
        .returning(m.LedgerAccount.balance)
        .execution_options(synchronize_session=False)
    )
    balance = result.scalar_one_or_none()
    if balance is None:
        raise InsufficientFunds(
            "The balance does not cover this amount", account=account_id.split("_")[-2]
        )
    return int(balance)


async def post(
    session: AsyncSession,
    *,
    customer_id: str | None,
    kind: str,
    legs: list[tuple[AccountRef, int]],
    now: datetime,
    scope: str | None = None,
    idempotency_key: str | None = None,
    reverses_id: str | None = None,
    description: str = "",
) -> tuple[str, dict[str, int]]:
    """Record one balanced transaction; returns its id and the moved accounts' balances."""
    check_balanced(Leg(ref.account_id, ref.unit, amount) for ref, amount in legs)
    await ensure_accounts(session, (ref for ref, _ in legs))
    net = net_by_account(Leg(ref.account_id, ref.unit, amount) for ref, amount in legs)
    order = lock_order(net, SYSTEM_PREFIX)
    balances: dict[str, int] = {}
    for account_id in order:
        if not account_id.startswith(SYSTEM_PREFIX):
            balances[account_id] = await _move(session, account_id, net[account_id])
    tx_id = new_id("ltx")
    session.add(
        m.LedgerTransaction(
            id=tx_id,
            customer_id=customer_id,
            kind=kind,
            scope=scope,
            idempotency_key=idempotency_key,
            reverses_id=reverses_id,
            description=description[:300],
            created_at=now,
        )
    )
    await session.flush()
    session.add_all(
        m.LedgerEntry(transaction_id=tx_id, account_id=ref.account_id, amount=amount)
        for ref, amount in legs
        if amount != 0
    )
    await session.flush()
    for account_id in order:
        if account_id.startswith(SYSTEM_PREFIX):
            balances[account_id] = await _move(session, account_id, net[account_id])
    return tx_id, balances


def check_key(idempotency_key: str) -> str:
    key = idempotency_key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise BadUserInput(
            f"`idempotencyKey` must be 1–{MAX_KEY_LENGTH} characters", argument="idempotencyKey"
        )
    return key


Payload = list[Any]


async def run_idempotent(
    store: Store,
    *,
    scope: str,
    key: str,
    operation: str,
    request: dict[str, Any],
    now: datetime,
    body: Callable[[AsyncSession], Awaitable[Payload]],
) -> tuple[Payload, bool]:
    """Run ``body`` once per (scope, key); a retry gets the first result back.

    The remembered record is inserted first, in the same transaction as the effect: a
    concurrent retry blocks on its primary key until the first commits (then replays it)
    or rolls back (then runs itself). Failed attempts leave nothing behind.
    """
    key = check_key(key)
    fingerprint = request_fingerprint(operation, request)
    replay = await _replay(store, scope, key, fingerprint)
    if replay is not None:
        return replay, True
    try:
        async with store.write() as session:
            session.add(
                m.IdempotencyRecord(
                    scope=scope,
                    key=key,
                    operation=operation,
                    request_hash=fingerprint,
                    result_ref="",
                    created_at=now,
                )
            )
            await session.flush()
            payload = await body(session)
            encoded = json.dumps(payload, separators=(",", ":"))
            if len(encoded) > MAX_KEY_LENGTH:
                raise ValueError(f"result of {operation} too long to remember: {encoded}")
            await session.execute(
                update(m.IdempotencyRecord)
                .where(m.IdempotencyRecord.scope == scope, m.IdempotencyRecord.key == key)
                .values(result_ref=encoded)
                .execution_options(synchronize_session=False)
            )
            return payload, False
    except IntegrityError:
        replay = await _replay(store, scope, key, fingerprint)
        if replay is None:
            raise Conflict(
                "This idempotency key was already used", argument="idempotencyKey"
            ) from None
        return replay, True


async def _replay(store: Store, scope: str, key: str, fingerprint: str) -> Payload | None:
    async with store.read() as session:
        record = await session.get(m.IdempotencyRecord, (scope, key))
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise Conflict(
            "This idempotency key was already used for a different request",
            argument="idempotencyKey",
        )
    payload: Payload = json.loads(record.result_ref)
    return payload
