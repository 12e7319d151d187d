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

from sqlalchemy import insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.errors import BadUserInput, Conflict, InsufficientFunds
from commercegraph.services.ledger import (
    Leg,
    check_balanced,
    customer_account_id,
    lock_order,
    net_by_account,
    request_fingerprint,
    system_account_id,
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
    return AccountRef(customer_account_id(customer_id, kind, unit), customer_id, kind, unit)


def system_account(kind: str, unit: str) -> AccountRef:
    return AccountRef(system_account_id(kind, unit), "system", kind, unit)


async def ensure_accounts(session: AsyncSession, refs: Iterable[AccountRef]) -> set[str]:
    """Create missing accounts (concurrent creators of one account both succeed); returns
    the ids that existed already."""
    wanted = {r.account_id: r for r in refs}
    existing = set(
        await session.scalars(
            select(m.LedgerAccount.id).where(m.LedgerAccount.id.in_(list(wanted)))
        )
    )
    missing = [r for r in wanted.values() if r.account_id not in existing]
    if not missing:
        return existing
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
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
    await session.execute(dialect_insert(m.LedgerAccount).values(rows).on_conflict_do_nothing())
    return existing


async def _move(session: AsyncSession, ref: AccountRef, delta: int) -> int:
    stmt = update(m.LedgerAccount).where(m.LedgerAccount.id == ref.account_id)
    if delta < 0:
        stmt = stmt.where(or_(m.LedgerAccount.allow_negative, m.LedgerAccount.balance + delta >= 0))
    stmt = (
        stmt.values(balance=m.LedgerAccount.balance + delta)
        .returning(m.LedgerAccount.balance)
        .execution_options(synchronize_session=False)
    )
    balance = (await session.execute(stmt)).scalar_one_or_none()
    if balance is None:
        exists = await session.scalar(
            select(m.LedgerAccount.id).where(m.LedgerAccount.id == ref.account_id)
        )
        if exists is not None:
            raise InsufficientFunds("The balance does not cover this amount", account=ref.kind)
        # accounts open on first use: creating them only here keeps the common path short
        await ensure_accounts(session, [ref])
        balance = (await session.execute(stmt)).scalar_one_or_none()
        if balance is None:
            raise InsufficientFunds("The balance does not cover this amount", account=ref.kind)
    return int(balance)


DEFERRED = "ledger.deferred_system_moves"
_known_system: set[tuple[int, str]] = set()


async def _ensure_system(session: AsyncSession, refs: list[AccountRef]) -> None:
    """System accounts exist before entries name them; known ones cost no query."""
    engine = id(session.get_bind())
    missing = [r for r in refs if (engine, r.account_id) not in _known_system]
    if missing:
        # only rows seen committed are remembered: a creating transaction may roll back
        existing = await ensure_accounts(session, missing)
        _known_system.update((engine, account_id) for account_id in existing)


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
    """Record one balanced transaction; returns its id and the customer accounts' balances.

    Inside ``run_idempotent`` the system accounts move at the very end of the transaction
    (see ``apply_deferred``); elsewhere they move before this returns.
    """
    check_balanced(Leg(ref.account_id, ref.unit, amount) for ref, amount in legs)
    refs = {ref.account_id: ref for ref, _ in legs}
    await _ensure_system(session, [ref for ref in refs.values() if ref.is_system])
    net = net_by_account(Leg(ref.account_id, ref.unit, amount) for ref, amount in legs)
    balances: dict[str, int] = {}
    system: list[tuple[AccountRef, int]] = []
    for account_id in lock_order(net, SYSTEM_PREFIX):
        ref = refs[account_id]
        if ref.is_system:
            system.append((ref, net[account_id]))
        else:
            balances[account_id] = await _move(session, ref, net[account_id])
    tx_id = new_id("ltx")
    await session.execute(
        insert(m.LedgerTransaction).values(
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
    await session.execute(
        insert(m.LedgerEntry),
        [
            {"transaction_id": tx_id, "account_id": ref.account_id, "amount": amount}
            for ref, amount in legs
            if amount != 0
        ],
    )
    deferred = session.info.get(DEFERRED)
    if deferred is not None:
        deferred.extend(system)
    else:
        for ref, delta in system:
            await _move(session, ref, delta)
    return tx_id, balances


async def apply_deferred(session: AsyncSession) -> None:
    moves: list[tuple[AccountRef, int]] = session.info.pop(DEFERRED, [])
    net: dict[str, int] = {}
    refs: dict[str, AccountRef] = {}
    for ref, delta in moves:
        net[ref.account_id] = net.get(ref.account_id, 0) + delta
        refs[ref.account_id] = ref
    for account_id in sorted(net):
        if net[account_id]:
            await _move(session, refs[account_id], net[account_id])


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
    try:
        async with store.write() as session:
            await session.execute(
                insert(m.IdempotencyRecord).values(
                    scope=scope,
                    key=key,
                    operation=operation,
                    request_hash=fingerprint,
                    result_ref="",
                    created_at=now,
                )
            )
            session.info[DEFERRED] = []
            payload = await body(session)
            await session.flush()
            encoded = json.dumps(payload, separators=(",", ":"))
            if len(encoded) > MAX_KEY_LENGTH:
                raise ValueError(f"result of {operation} too long to remember: {encoded}")
            await session.execute(
                update(m.IdempotencyRecord)
                .where(m.IdempotencyRecord.scope == scope, m.IdempotencyRecord.key == key)
                .values(result_ref=encoded)
                .execution_options(synchronize_session=False)
            )
            # the shared system rows last: their locks are held only for the commit
            await apply_deferred(session)
            return payload, False
    except IntegrityError as exc:
        replay = await _replay(store, scope, key, fingerprint)
        if replay is None:
            if "idem" not in str(exc.orig):  # not a key clash: a bug, not the caller's
                raise
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
