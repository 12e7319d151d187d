"""Referral types, apart so the Customer type can name them without an import cycle."""

from __future__ import annotations

import strawberry

from commercegraph.adapters.base import ReferralSummary
from commercegraph.schema.enums import ReferralStatus


@strawberry.type(description="The customer's referral code and what it brought in.")
class Referral:
    code: str | None = strawberry.field(description="Null until createReferralCode.")
    referred: int = strawberry.field(description="Friends who applied the code.")
    rewarded: int = strawberry.field(description="Of them, those whose first order completed.")
    points_earned: int = strawberry.field(description="Points the referrals earned in all.")

    @classmethod
    def of(cls, r: ReferralSummary) -> Referral:
        return cls(
            code=r.code, referred=r.referred, rewarded=r.rewarded, points_earned=r.points_earned
        )


@strawberry.type(description="A referral code the caller applied.")
class AppliedReferral:
    code: str = strawberry.field(description="The code applied.")
    status: ReferralStatus = strawberry.field(description="Where the referral stands.")
