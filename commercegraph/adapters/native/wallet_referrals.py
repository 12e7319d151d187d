"""Native referral program: codes, who referred whom, and the referrer's reward."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from commercegraph.adapters.base import (
    LoyaltyChange,
    PointsEarning,
    ReferralRecord,
    ReferralSummary,
)
from commercegraph.adapters.native import loyalty
from commercegraph.adapters.native.order_points import OrderPoints
from commercegraph.errors import Conflict, NotFound
from commercegraph.services.referrals import referral_code
from commercegraph.store import models as m

CODE_ATTEMPTS = 5  # collisions of 40-bit codes are rare; a few tries settle them


class Referrals(OrderPoints):
    async def referral_summaries(self, customer_ids: Sequence[str]) -> list[ReferralSummary]:
        ids = list(customer_ids)
        async with self.store.read() as session:
            codes = dict(
                (
                    await session.execute(
                        select(m.ReferralCode.customer_id, m.ReferralCode.code).where(
                            m.ReferralCode.customer_id.in_(ids)
                        )
                    )
                ).all()
            )
            counts: dict[str, list[int]] = {}
            for referrer, status, n in await session.execute(
                select(m.Referral.referrer_id, m.Referral.status, func.count())
                .where(m.Referral.referrer_id.in_(ids))
                .group_by(m.Referral.referrer_id, m.Referral.status)
            ):
                totals = counts.setdefault(referrer, [0, 0])
                totals[0] += int(n)
                if status == "REWARDED":
                    totals[1] += int(n)
            earned = dict(
                (
                    await session.execute(
                        select(m.PointsLot.customer_id, func.sum(m.PointsLot.points))
                        .where(m.PointsLot.customer_id.in_(ids), m.PointsLot.source == "REFERRAL")
                        .group_by(m.PointsLot.customer_id)
                    )
                ).all()
            )
        return [
            ReferralSummary(
                code=codes.get(c),
                referred=counts.get(c, [0, 0])[0],
                rewarded=counts.get(c, [0, 0])[1],
                points_earned=int(earned.get(c) or 0),
            )
            for c in ids
        ]

    async def create_referral_code(self, customer_id: str) -> str:
        for attempt in range(CODE_ATTEMPTS):
            async with self.store.read() as session:
                existing = await session.scalar(
                    select(m.ReferralCode.code).where(m.ReferralCode.customer_id == customer_id)
                )
            if existing is not None:
                return existing
            code = referral_code(customer_id, attempt)
            try:
                async with self.store.write() as session:
                    session.add(
                        m.ReferralCode(code=code, customer_id=customer_id, created_at=self._now())
                    )
                return code
            except IntegrityError:
                continue  # our own concurrent request won, or another customer has this code
        raise Conflict("Could not allocate a referral code; try again")

    async def referrer_for_code(self, code: str) -> str | None:
        async with self.store.read() as session:
            return await session.scalar(
                select(m.ReferralCode.customer_id).where(
                    m.ReferralCode.code == code.strip().upper()
                )
            )

    async def record_referral(self, referred_id: str, code: str) -> ReferralRecord:
        code = code.strip().upper()
        referrer = await self.referrer_for_code(code)
        if referrer is None:
            raise NotFound("No such referral code", argument="code")
        now = self._now()
        try:
            async with self.store.write() as session:
                session.add(
                    m.Referral(
                        referred_id=referred_id,
                        referrer_id=referrer,
                        code=code,
                        status="PENDING",
                        created_at=now,
                    )
                )
        except IntegrityError:
            raise Conflict("This customer was already referred", argument="code") from None
        return ReferralRecord(referrer, referred_id, code, "PENDING", now)

    async def reward_referral(
        self, referred_id: str, points: int, now: datetime | None = None
    ) -> LoyaltyChange | None:
        when = now or self._now()
        async with self.store.write() as session:
            referral = (
                await session.scalars(
                    select(m.Referral)
                    .where(m.Referral.referred_id == referred_id)
                    .with_for_update()  # two completions of first orders pay once
                )
            ).one_or_none()
            if referral is None or referral.status != "PENDING":
                return None
            change = await loyalty.earn(
                session,
                PointsEarning(
                    customer_id=referral.referrer_id,
                    points=points,
                    qualifying_amount=0,
                    source="REFERRAL",
                    occurred_at=when,
                ),
                scope=referral.referrer_id,
                key=f"referral:{referred_id}",
            )
            referral.status = "REWARDED"
            referral.rewarded_at = when
            referral.reward_transaction_id = change.transaction_id
        return change
