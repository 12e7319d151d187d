"""Carts take only tradable ISO 4217 currencies; idempotency keys are short visible ASCII."""

from __future__ import annotations

from typing import Any

import pytest

from commercegraph.demo import SAM_ID
from commercegraph.services.currencies import ISO_4217_TRADABLE
from commercegraph.services.money import is_currency_code
from tests.conftest import GraphQLClient

CREATE = "mutation($c: String) { createCart(currency: $c) { id currency } }"
TOP_UP = """mutation($pm: ID!, $key: String!) {
  walletTopUp(amount: 100, paymentMethodId: $pm, idempotencyKey: $key) { balance { amount } } }"""
WALLET = "{ me { wallet { balance { amount } paymentMethods { id } } } }"


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


@pytest.mark.asyncio
@pytest.mark.parametrize("currency", ["QQQ", "XXX", "XTS", "XAU", "HRK", "usd", "US"])
async def test_a_cart_refuses_a_currency_one_cannot_pay_in(
    gql: GraphQLClient, currency: str
) -> None:
    body = await gql.post(CREATE, {"c": currency}, token=gql.token(SAM_ID))
    assert _codes(body) == ["BAD_USER_INPUT"], body
    assert body["errors"][0]["extensions"]["argument"] == "currency"


@pytest.mark.asyncio
@pytest.mark.parametrize("currency", ["EUR", "JPY", "XOF", "CHF"])
async def test_a_cart_takes_a_real_currency(gql: GraphQLClient, currency: str) -> None:
    body = await gql.post(CREATE, {"c": currency}, token=gql.token(SAM_ID))
    assert body["data"]["createCart"]["currency"] == currency, body


def test_the_currency_list_is_iso_4217_without_the_non_money_codes() -> None:
    assert len(ISO_4217_TRADABLE) > 150
    assert all(len(c) == 3 and c.isupper() for c in ISO_4217_TRADABLE)
    assert not {"XXX", "XTS", "XAU", "XAG", "XDR", "XBA"} & ISO_4217_TRADABLE
    assert is_currency_code("USD") and not is_currency_code("QQQ")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "key", ["k\x00", "key with spaces", "k\ttab", "x" * 129, "", "clé-unicode"]
)
async def test_a_bad_idempotency_key_is_refused_and_moves_no_money(
    gql: GraphQLClient, key: str
) -> None:
    token = gql.token(SAM_ID)
    wallet = (await gql.post(WALLET, token=token))["data"]["me"]["wallet"]
    pm = wallet["paymentMethods"][0]["id"]
    body = await gql.post(TOP_UP, {"pm": pm, "key": key}, token=token)
    assert _codes(body) == ["BAD_USER_INPUT"], body
    assert body["data"] is None
    after = (await gql.post(WALLET, token=token))["data"]["me"]["wallet"]
    assert after["balance"] == wallet["balance"]


@pytest.mark.asyncio
async def test_a_literal_bad_key_is_refused_too(gql: GraphQLClient) -> None:
    mutation = 'mutation { redeemPoints(points: 1, idempotencyKey: "a b") { pointsLeft } }'
    body = await gql.post(mutation, token=gql.token(SAM_ID))
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "argument": "idempotencyKey",
    }
