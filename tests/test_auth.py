"""Bearer tokens: what is accepted, what is refused, and the scopes that follow."""

from __future__ import annotations

import time

import jwt
import pytest

from commercegraph.auth import authenticate, issue_token
from commercegraph.config import Settings
from commercegraph.errors import Forbidden, Unauthenticated

SETTINGS = Settings(jwt_secret="s" * 64)


def _claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": "cus_1",
        "scope": "customer",
        "iss": SETTINGS.jwt_issuer,
        "aud": SETTINGS.jwt_audience,
        "iat": now,
        "exp": now + 60,
    }
    claims.update(overrides)
    return claims


def test_round_trip_customer_and_staff() -> None:
    caller = authenticate(
        SETTINGS, "Bearer " + issue_token(SETTINGS, subject="cus_1", scope="customer")
    )
    assert caller.customer_id == "cus_1" and not caller.is_staff
    assert caller.can_see_customer("cus_1") and not caller.can_see_customer("cus_2")
    staff = authenticate(SETTINGS, "bearer " + issue_token(SETTINGS, subject="ops", scope="staff"))
    assert staff.is_staff and staff.customer_id is None and staff.can_see_customer("cus_2")
    with pytest.raises(Forbidden):
        staff.require_customer()


def test_no_header_is_anonymous() -> None:
    caller = authenticate(SETTINGS, None)
    assert caller.is_anonymous
    with pytest.raises(Unauthenticated):
        caller.require_customer()
    with pytest.raises(Unauthenticated):
        caller.require_staff()


@pytest.mark.parametrize(
    "token",
    [
        jwt.encode(_claims(), "wrong-key-wrong-key-wrong-key-wrong-key", algorithm="HS256"),
        jwt.encode(_claims(exp=int(time.time()) - 3600), SETTINGS.jwt_secret, algorithm="HS256"),
        jwt.encode(_claims(aud="someone-else"), SETTINGS.jwt_secret, algorithm="HS256"),
        jwt.encode(_claims(iss="someone-else"), SETTINGS.jwt_secret, algorithm="HS256"),
        jwt.encode(_claims(scope="admin"), SETTINGS.jwt_secret, algorithm="HS256"),
        jwt.encode(_claims(), SETTINGS.jwt_secret, algorithm="HS512"),
        jwt.encode(
            {k: v for k, v in _claims().items() if k != "exp"},
            SETTINGS.jwt_secret,
            algorithm="HS256",
        ),
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
        + jwt.utils.base64url_encode(b'{"sub":"cus_1","scope":"staff"}').decode()
        + ".",
        "garbage",
    ],
    ids=[
        "wrong-key",
        "expired",
        "audience",
        "issuer",
        "scope",
        "alg-hs512",
        "no-exp",
        "alg-none",
        "garbage",
    ],
)
def test_tampered_tokens_are_refused(token: str) -> None:
    with pytest.raises(Unauthenticated):
        authenticate(SETTINGS, f"Bearer {token}")


def test_wrong_scheme_is_refused() -> None:
    with pytest.raises(Unauthenticated):
        authenticate(SETTINGS, "Basic dXNlcjpwYXNz")
