"""Card numbers are refused wherever a payment token or label would be stored."""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from commercegraph.demo import SAM_ID
from commercegraph.errors import BadUserInput
from commercegraph.services.payment_methods import (
    check_provider_token,
    contains_pan,
    luhn_valid,
)
from tests.conftest import GraphQLClient

ADD = """mutation($input: AddPaymentMethodInput!) {
  addPaymentMethod(input: $input) { id label } }"""
METHODS = "{ me { wallet { paymentMethods { label } } } }"

# anything but a digit or a letter may separate a card number's digits
separators = st.text(
    st.characters(exclude_categories=("Nd", "Lu", "Ll", "Lt", "Lm", "Lo", "Cs")),
    min_size=1,
    max_size=3,
).filter(lambda s: not any(c.isalnum() for c in s))


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    """A Luhn-valid number of 13 to 19 digits."""
    body = draw(st.text(string.digits, min_size=12, max_size=18))
    check = next(d for d in string.digits if luhn_valid(body + d))
    return body + check


@st.composite
def disguised(draw: st.DrawFn) -> str:
    """A card number split anywhere, joined by any separators, with text around it."""
    pan = draw(card_numbers())
    cuts = sorted(draw(st.sets(st.integers(1, len(pan) - 1), max_size=6)))
    pieces = [pan[a:b] for a, b in zip([0, *cuts], [*cuts, len(pan)], strict=True)]
    text = pieces[0]
    for piece in pieces[1:]:
        text += draw(separators) + piece
    prefix = draw(st.sampled_from(["", "tok_", "pm-", "card:", "x "]))
    suffix = draw(st.sampled_from(["", "_x", " 12/26", ".tok"]))
    return prefix + text + suffix


@given(disguised())
@example("4242.4242.4242.4242")
@example("4242:4242:4242:4242")
@example("tok_4242_4242_4242_4242")
@example("tok_4242/4242\\4242|4242")
@example("４２４２４２４２４２４２４２４２")
def test_a_card_number_is_found_whatever_separates_its_digits(text: str) -> None:
    assert contains_pan(text)
    with pytest.raises(BadUserInput):
        check_provider_token(text)


@given(
    st.text(string.ascii_letters, min_size=1, max_size=4), st.text("0123456789abcdef", max_size=40)
)
def test_tokens_of_letters_and_hex_are_not_read_across_letters(prefix: str, tail: str) -> None:
    token = f"tok_{prefix}_{tail}"
    if not contains_pan(token):
        return
    # refused only when the digits between two letters are a card number of their own
    runs = [run for run in "".join(c if c.isdigit() else " " for c in tail).split()]
    assert any(12 <= len(r) <= 19 and luhn_valid(r) for r in runs)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("providerToken", "4242.4242.4242.4242"),
        ("providerToken", "4242:4242:4242:4242"),
        ("providerToken", "tok_4242_4242_4242_4242"),
        ("providerToken", "tok_5555·5555·5555·4444"),
        ("brand", "Visa 4111_1111_1111_1111"),
        ("email", "4111.1111.1111.1111@example.com"),
    ],
)
async def test_add_payment_method_refuses_a_disguised_card_number(
    gql: GraphQLClient, field: str, value: str
) -> None:
    token = gql.token(SAM_ID)
    before = (await gql.post(METHODS, token=token))["data"]["me"]["wallet"]["paymentMethods"]
    method = {"kind": "CARD", "providerToken": "tok_visa_ok_0001", "brand": "Visa", "last4": "4242"}
    if field == "email":
        method = {"kind": "PAYPAL", "providerToken": "tok_pp_ok_0001"}
    method[field] = value
    body = await gql.post(ADD, {"input": method}, token=token)
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": field}
    after = (await gql.post(METHODS, token=token))["data"]["me"]["wallet"]["paymentMethods"]
    assert after == before
