"""Bearer tokens: what is accepted, what is refused, and the scopes that follow."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import jwt
import pytest

from commercegraph import auth
from commercegraph.auth import (
    CLOCK_SKEW_SECONDS,
    VERIFIED_TOKEN_MAX_CHARS,
    VERIFIED_TOKENS_MAX,
    Caller,
    VerifiedTokens,
    authenticate,
    issue_token,
    verified_tokens,
)
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


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each token ``jwt.decode`` verified, with the cache of verified tokens emptied."""
    verified_tokens.clear()
    seen: list[str] = []
    real = jwt.decode

    def counting(token: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(auth.jwt, "decode", counting)
    return seen


def test_a_token_sent_again_is_not_verified_again(decodes: list[str]) -> None:
    token = issue_token(SETTINGS, subject="cus_1", scope="customer")
    callers = [authenticate(SETTINGS, f"Bearer {token}") for _ in range(3)]
    assert decodes == [token]
    assert callers[0] == callers[2] == Caller("cus_1", frozenset({"customer"}), "cus_1")


def test_a_kept_token_is_refused_once_it_expires(
    decodes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = issue_token(SETTINGS, subject="cus_1", scope="customer", ttl_seconds=60)
    authenticate(SETTINGS, f"Bearer {token}")
    now = time.time()
    clock = SimpleNamespace(time=lambda: now + 60 + CLOCK_SKEW_SECONDS - 1)
    monkeypatch.setattr(auth, "time", clock)
    assert authenticate(SETTINGS, f"Bearer {token}").customer_id == "cus_1"  # within skew
    clock.time = lambda: now + 60 + CLOCK_SKEW_SECONDS + 1
    with pytest.raises(Unauthenticated, match="expired"):
        authenticate(SETTINGS, f"Bearer {token}")
    assert len(verified_tokens) == 0
    assert decodes == [token]


def test_a_kept_token_is_refused_if_the_clock_goes_back_before_nbf(
    decodes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = issue_token(SETTINGS, subject="cus_1", scope="customer")
    authenticate(SETTINGS, f"Bearer {token}")
    earlier = time.time() - CLOCK_SKEW_SECONDS - 5
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: earlier))
    with pytest.raises(Unauthenticated, match="not valid yet"):
        authenticate(SETTINGS, f"Bearer {token}")


def test_a_token_kept_under_one_secret_is_refused_under_another(decodes: list[str]) -> None:
    token = issue_token(SETTINGS, subject="cus_1", scope="customer")
    authenticate(SETTINGS, f"Bearer {token}")
    for other in (
        Settings(jwt_secret="t" * 64),
        Settings(jwt_secret=SETTINGS.jwt_secret, jwt_audience="elsewhere"),
        Settings(jwt_secret=SETTINGS.jwt_secret, jwt_issuer="someone-else"),
    ):
        with pytest.raises(Unauthenticated, match="Invalid token"):
            authenticate(other, f"Bearer {token}")


def test_refused_tokens_are_not_kept(decodes: list[str]) -> None:
    forged = jwt.encode(_claims(), "x" * 64, algorithm="HS256")
    for _ in range(2):
        with pytest.raises(Unauthenticated, match="Invalid token"):
            authenticate(SETTINGS, f"Bearer {forged}")
    assert decodes == [forged, forged]
    assert len(verified_tokens) == 0


def test_kept_tokens_are_bounded_least_recent_out(decodes: list[str]) -> None:
    tokens = [issue_token(SETTINGS, subject=f"cus_{i}", scope="customer") for i in range(3)]
    kept = VerifiedTokens(maxsize=2)
    for token in tokens:
        kept.put(token, auth._verify(SETTINGS, token))
    assert kept.get(tokens[0]) is None
    assert kept.get(tokens[1]) is not None and kept.get(tokens[2]) is not None
    for i in range(VERIFIED_TOKENS_MAX + 5):
        authenticate(SETTINGS, "Bearer " + issue_token(SETTINGS, subject=f"c{i}", scope="staff"))
    assert len(verified_tokens) == VERIFIED_TOKENS_MAX


def test_a_very_long_token_is_verified_every_time(decodes: list[str]) -> None:
    padded = issue_token(SETTINGS, subject="c" * VERIFIED_TOKEN_MAX_CHARS, scope="customer")
    for _ in range(2):
        authenticate(SETTINGS, f"Bearer {padded}")
    assert decodes == [padded, padded]
    assert len(verified_tokens) == 0
