"""Pure rules: card-number detection, labels, earning, tiers and self-referral."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commercegraph.adapters.base import IdentityRecord
from commercegraph.errors import BadUserInput
from commercegraph.services.earning import EarnLine, points_for_order, tier_change
from commercegraph.services.ledger import Leg, UnbalancedPosting, check_balanced, lock_order
from commercegraph.services.payment_methods import contains_pan, luhn_valid, masked_label
from commercegraph.services.referrals import canonical_email, identity_keys, self_referral_reason


@pytest.mark.parametrize(
    "text",
    ["4242424242424242", "4242 4242 4242 4242", "tok_5500-0000-0000-0004", "x378282246310005x"],
)
def test_card_numbers_are_detected(text: str) -> None:
    assert contains_pan(text)


@pytest.mark.parametrize(
    "text", ["tok_visa_51c0e2a8b9d4", "4242424242424241", "12345", "order 2026-11-23"]
)
def test_tokens_and_other_numbers_are_not_card_numbers(text: str) -> None:
    assert not contains_pan(text)


@given(st.text(alphabet="0123456789", min_size=12, max_size=19))
def test_luhn_check_digit_is_unique(digits: str) -> None:
    body = digits[:-1]
    assert sum(luhn_valid(body + d) for d in "0123456789") == 1


def test_labels_are_masked_and_refuse_what_cannot_be_masked() -> None:
    assert masked_label("CARD", brand="Visa", last4="4242", email=None) == "Visa ····4242"
    assert masked_label("PAYPAL", brand=None, last4=None, email="d@Example.com") == (
        "PayPal ····@example.com"
    )
    with pytest.raises(BadUserInput):
        masked_label("CARD", brand="Visa", last4="42424", email=None)


def test_ledger_legs_must_balance_per_unit() -> None:
    check_balanced(
        [Leg("a", "USD", -5), Leg("b", "USD", 5), Leg("p", "PTS", 3), Leg("q", "PTS", -3)]
    )
    with pytest.raises(UnbalancedPosting):
        check_balanced([Leg("a", "USD", -5), Leg("p", "PTS", 5)])
    assert lock_order(["acct_system_SALES_USD", "acct_b_WALLET_USD", "acct_a_WALLET_USD"]) == [
        "acct_a_WALLET_USD",
        "acct_b_WALLET_USD",
        "acct_system_SALES_USD",
    ]


def test_earning_rules_multiply_by_tier_category_channel_and_pickup() -> None:
    lines = [
        EarnLine(10_000, "Coffee Pods", "cat_coffee_pods"),
        EarnLine(10_000, "Boots", "cat_boots"),
    ]
    plain = points_for_order(
        lines, total=20_000, currency="USD", tier="BRONZE", channel="WEB", fulfillment="SHIP"
    )
    assert plain.points == 300 and plain.base_points == 200  # coffee pods earn double
    rich = points_for_order(
        lines, total=20_000, currency="USD", tier="GOLD", channel="MOBILE_APP", fulfillment="PICKUP"
    )
    assert rich.points == 300 * 3 // 2 * 3 // 2 * 11 // 10  # 742
    discounted = points_for_order(
        lines, total=10_000, currency="USD", tier="BRONZE", channel="WEB", fulfillment="SHIP"
    )
    assert discounted.points == 150 and discounted.qualifying_amount == 10_000


def test_tier_change_reports_a_new_tier() -> None:
    change = tier_change(97_500, 100_500)
    assert change.reached_new_tier and (change.tier_before, change.tier_after) == (
        "BRONZE",
        "SILVER",
    )
    assert change.points_to_next_tier == 1_995 and change.next_tier == "GOLD"
    assert not tier_change(10_000, 20_000).reached_new_tier


def test_self_referral_through_a_second_identity_is_refused() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert canonical_email("J.Doe+promo@GMail.com") == "jdoe@gmail.com"
    a = identity_keys(["jdoe@gmail.com"], [IdentityRecord("DEVICE", "dev-1", "app", at)])
    b = identity_keys(["j.doe+2@gmail.com"], [])
    c = identity_keys(["other@example.com"], [IdentityRecord("DEVICE", "dev-1", "app", at)])
    d = identity_keys(["friend@example.com"], [IdentityRecord("DEVICE", "dev-2", "app", at)])
    assert "email" in (self_referral_reason("x", "y", a, b) or "")
    assert "device" in (self_referral_reason("x", "y", a, c) or "")
    assert self_referral_reason("x", "x", a, d) is not None
    assert self_referral_reason("x", "y", a, d) is None
