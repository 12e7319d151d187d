"""Native loyalty writes: earning, reversal, redemption, release and expiry of points."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import (
    LoyaltyChange,
    Money,
    PointsEarning,
    RedemptionRecord,
)
from commercegraph.adapters.native import loyalty, points_lots
from commercegraph.adapters.native.ledger import (
    customer_account,
    post,
    run_idempotent,
    system_account,
)
from commercegraph.adapters.native.wallet_payments import WalletPayments
from commercegraph.errors import BadUserInput
from commercegraph.services.earning import DEFAULT_RULES, redemption_value


class LoyaltyWrites(WalletPayments):
    def _change(self, payload: list[Any], replayed: bool) -> LoyaltyChange:
        tx_id, earned, points, pending, before, after, to_next, reached = payload
        return LoyaltyChange(
            tx_id, earned, points, pending, before, after, to_next, bool(reached), replayed
        )

    @staticmethod
    def _change_payload(change: LoyaltyChange) -> list[Any]:
        return [
            change.transaction_id,
            change.points_earned,
            change.points,
            change.pending_points,
            change.tier_before,
            change.tier_after,
            change.points_to_next_tier,
            int(change.reached_new_tier),
        ]

    async def earn_points(self, earning: PointsEarning, idempotency_key: str) -> LoyaltyChange:
        if earning.points < 0 or earning.qualifying_amount < 0:
            raise BadUserInput("`points` must not be negative", argument="points")
        cid = earning.customer_id

        async def body(session: AsyncSession) -> list[Any]:
            change = await loyalty.earn(session, earning, scope=cid, key=idempotency_key)
            return self._change_payload(change)

        payload, replayed = await run_idempotent(
            self.store,
            scope=cid,
            key=idempotency_key,
            operation="loyalty.earn",
            # an order earns once: its points depend on the tier at the time, so a later
            # retry (after the tier moved) is the same request, answered with the first award
            request={"source": earning.source, "order": earning.order_id}
            if earning.order_id
            else {
                "points": earning.points,
                "qualifying": earning.qualifying_amount,
                "source": earning.source,
                "pending_days": earning.pending_days,
            },
            now=self._now(),
            body=body,
        )
        return self._change(payload, replayed)

    async def reverse_order_points(
        self, customer_id: str, order_id: str, idempotency_key: str
    ) -> LoyaltyChange:
        now = self._now()

        async def body(session: AsyncSession) -> list[Any]:
            change = await loyalty.reverse_order(
                session, customer_id, order_id, now, scope=customer_id, key=idempotency_key
            )
            return self._change_payload(change)

        payload, replayed = await run_idempotent(
            self.store,
            scope=customer_id,
            key=idempotency_key,
            operation="loyalty.reverse_order",
            request={"order": order_id},
            now=now,
            body=body,
        )
        return self._change(payload, replayed)

    async def redeem_points(
        self, customer_id: str, points: int, into: str, idempotency_key: str
    ) -> RedemptionRecord:
        rules = DEFAULT_RULES
        if points < rules.min_redemption or points % rules.redemption_step:
            raise BadUserInput(
                f"`points` must be at least {rules.min_redemption} and a multiple of "
                f"{rules.redemption_step}",
                argument="points",
            )
        if into not in ("WALLET_CREDIT", "ORDER_DISCOUNT"):
            raise BadUserInput("`into` must be WALLET_CREDIT or ORDER_DISCOUNT", argument="into")
        unit = await self._wallet_unit(customer_id)
        credit = redemption_value(points, rules)
        target = customer_account(
            customer_id, "WALLET" if into == "WALLET_CREDIT" else "REWARD", unit
        )
        now = self._now()

        async def body(session: AsyncSession) -> list[Any]:
            # consume_fifo expires what is past its date first: no need to here as well
            await loyalty.lock_member(session, customer_id, now, expire=False)
            await points_lots.consume_fifo(session, customer_id, points, now)
            tx_id, balances = await post(
                session,
                customer_id=customer_id,
                kind="REDEEM",
                legs=[
                    (points_lots.points_account(customer_id), -points),
                    (points_lots.ISSUED, points),
                    (system_account("REWARDS", unit), -credit),
                    (target, credit),
                ],
                now=now,
                scope=customer_id,
                idempotency_key=idempotency_key,
                description=f"{points} points into {into.lower().replace('_', ' ')}",
            )
            return [
                tx_id,
                credit,
                unit,
                balances[points_lots.points_account(customer_id).account_id],
            ]

        payload, replayed = await run_idempotent(
            self.store,
            scope=customer_id,
            key=idempotency_key,
            operation="loyalty.redeem",
            request={"points": points, "into": into},
            now=now,
            body=body,
        )
        tx_id, value, currency, left = payload
        return RedemptionRecord(tx_id, points, into, Money(value, currency), left, replayed)

    async def _per_member(self, now: datetime, status: str, column: str) -> int:
        async with self.store.read() as session:
            customers = await points_lots.due_customers(session, status, column, now)
        total = 0
        for cid in customers:
            async with self.store.write() as session:
                member = await loyalty.lock_member(session, cid, now, expire=False)
                if status == "PENDING":
                    total += await points_lots.release_member(session, member, now)
                else:
                    total += await points_lots.expire_member(session, cid, now)
        return total

    async def release_pending_points(self, now: datetime | None = None) -> int:
        return await self._per_member(now or self._now(), "PENDING", "available_at")

    async def expire_points(self, now: datetime | None = None) -> int:
        return await self._per_member(now or self._now(), "AVAILABLE", "expires_at")
