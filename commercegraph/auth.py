"""Bearer-token authentication: JWTs with ``sub`` (customer id) and ``scope``.

One algorithm is pinned by configuration: HS256 with ``CG_JWT_SECRET`` (the default), or
RS256 with keys from ``CG_JWT_JWKS_URL``. ``exp``, ``iss`` and ``aud`` are required;
``nbf`` and ``iat`` are checked when present, and each must be a number; clock skew is
bounded.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import jwt

from commercegraph.config import Settings
from commercegraph.errors import Forbidden, Unauthenticated
from commercegraph.security.jwks import JWKSError, key_source

ALGORITHMS = ["HS256"]  # what issue_token signs with; never taken from the token header
CLOCK_SKEW_SECONDS = 30  # tolerated drift between issuer and gateway clocks
SCOPES = frozenset({"customer", "staff"})


@dataclass(frozen=True, slots=True)
class Caller:
    customer_id: str | None = None
    scopes: frozenset[str] = frozenset()
    subject: str | None = None

    @property
    def is_staff(self) -> bool:
        return "staff" in self.scopes

    @property
    def is_anonymous(self) -> bool:
        return not self.scopes

    def require_customer(self) -> str:
        if self.customer_id is None or "customer" not in self.scopes:
            if self.is_anonymous:
                raise Unauthenticated("A customer token is required")
            raise Forbidden("This field needs a customer token")
        return self.customer_id

    def require_staff(self) -> None:
        if not self.is_staff:
            if self.is_anonymous:
                raise Unauthenticated("A staff token is required")
            raise Forbidden("This field needs staff scope")

    def can_see_customer(self, customer_id: str) -> bool:
        return self.is_staff or ("customer" in self.scopes and self.customer_id == customer_id)

    def require_customer_access(self, customer_id: str) -> None:
        if not self.can_see_customer(customer_id):
            if self.is_anonymous:
                raise Unauthenticated("Sign in to see customer data")
            raise Forbidden("You may not see another customer's data")


ANONYMOUS = Caller()
TIME_CLAIMS = ("exp", "nbf", "iat")


def is_numeric_date(value: object) -> bool:
    """RFC 7519's NumericDate: a JSON number. PyJWT reads ``"exp": "9999999999"`` as an
    int, which no issuer writes; a token carrying it was not made by ours."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def issue_token(
    settings: Settings, *, subject: str, scope: str, ttl_seconds: int | None = None
) -> str:
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    now = int(time.time())
    claims = {
        "sub": subject,
        "scope": scope,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + (ttl_seconds or settings.token_ttl_seconds),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHMS[0])


def _verification_key(settings: Settings, token: str) -> Any:
    if settings.jwt_algorithm == "HS256":
        return settings.jwt_secret
    if not settings.jwt_jwks_url:
        raise JWKSError("RS256 needs CG_JWT_JWKS_URL")
    kid = jwt.get_unverified_header(token).get("kid")
    source = key_source(settings.jwt_jwks_url, settings.jwt_jwks_cache_seconds)
    return source.key_for(kid if isinstance(kid, str) else None)


def authenticate(settings: Settings, authorization: str | None) -> Caller:
    """The caller for an ``Authorization`` header; no header means anonymous."""
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("Authorization must be 'Bearer <token>'")
    try:
        claims = jwt.decode(
            token,
            _verification_key(settings, token),
            algorithms=[settings.jwt_algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "sub", "iss", "aud"], "verify_nbf": True},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("The token has expired") from exc
    except jwt.ImmatureSignatureError as exc:
        raise Unauthenticated("The token is not valid yet") from exc
    except (jwt.InvalidTokenError, JWKSError) as exc:
        raise Unauthenticated(f"Invalid token: {exc}") from exc
    for name in TIME_CLAIMS:
        if name in claims and not is_numeric_date(claims[name]):
            raise Unauthenticated(f"Invalid token: `{name}` must be a number of seconds")
    scopes = frozenset(str(claims.get("scope", "")).split()) & SCOPES
    if not scopes:
        raise Unauthenticated("The token carries no known scope")
    subject = str(claims["sub"])
    customer_id = subject if "customer" in scopes else None
    return Caller(customer_id=customer_id, scopes=scopes, subject=subject)
