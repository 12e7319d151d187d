"""What is left to refund of a payment on the ledger: the payment locked (refunds of one
payment queue up behind each other), its legs, and what earlier refunds took back from each
account. Wallet refunds and gift-card refunds both start here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.errors import BadUserInput, Conflict, NotFound
from commercegraph.store import models as m


@dataclass(frozen=True)
class RefundablePayment:
    payment: m.LedgerTransaction
    legs: list[tuple[int, m.LedgerAccount]]  # (amount, account) of each leg of the payment
    refunded: dict[str, int]  # account id -> what earlier refunds put back on it

    def left_on(self, account: m.LedgerAccount, taken: int) -> int:
        """What is left to put back on an account the payment took ``-taken`` from."""
        return -taken - self.refunded.get(account.id, 0)


async def lock_payment(
    session: AsyncSession, payment_id: str, customer_id: str, kind: str, missing: str
) -> RefundablePayment:
    """The customer's payment of ``kind``, locked; ``NotFound(missing)`` for any other."""
    payment = (
        await session.scalars(
            select(m.LedgerTransaction)
            .where(m.LedgerTransaction.id == payment_id)
            .with_for_update()
        )
    ).one_or_none()
    if payment is None or payment.customer_id != customer_id or payment.kind != kind:
        raise NotFound(missing, argument="paymentId")
    legs = (
        await session.execute(
            select(m.LedgerEntry.amount, m.LedgerAccount)
            .join(m.LedgerAccount, m.LedgerAccount.id == m.LedgerEntry.account_id)
            .where(m.LedgerEntry.transaction_id == payment_id)
        )
    ).all()
    refunded = (
        await session.execute(
            select(m.LedgerEntry.account_id, func.sum(m.LedgerEntry.amount))
            .join(m.LedgerTransaction, m.LedgerTransaction.id == m.LedgerEntry.transaction_id)
            .where(m.LedgerTransaction.reverses_id == payment_id)
            .group_by(m.LedgerEntry.account_id)
        )
    ).all()
    return RefundablePayment(
        payment,
        [(int(amount), account) for amount, account in legs],
        {account_id: int(total or 0) for account_id, total in refunded},
    )


def refund_value(left: int, amount: int | None, already: str) -> int:
    """The amount to refund: all that is left unless ``amount`` says less; ``Conflict(already)``
    once nothing is left, ``BadUserInput`` for more than is left."""
    if left <= 0:
        raise Conflict(already, argument="paymentId")
    value = left if amount is None else amount
    if value > left:
        raise BadUserInput(f"`amount` exceeds what is left to refund ({left})", argument="amount")
    return value
