"""Referral types, apart so the Customer type can name them without an import cycle."""

from __future__ import annotations

import strawberry

from commercegraph.adapters.base import ReferralSummary
from commercegraph.schema.enums import ReferralStatus


@strawberry.type
class Referral:
    code: str | None = strawberry.field(description="Null until createReferralCode.")
    referred: int
    rewarded: int
    points_earned: int

    @classmethod
    def of(cls, r: ReferralSummary) -> Referral:
        return cls(
            code=r.code, referred=r.referred, rewarded=r.rewarded, points_earned=r.points_earned
        )


@strawberry.type
class AppliedReferral:
    code: str
    status: ReferralStatus
