"""Bearer-token authentication: JWTs with ``sub`` (customer id) and ``scope``.

One algorithm is pinned by configuration: HS256 with ``CG_JWT_SECRET`` (the default), or
RS256 with keys from ``CG_JWT_JWKS_URL``. ``exp``, ``iss`` and ``aud`` are required;
``nbf`` and ``iat`` are checked when present, and each must be a number; clock skew is
bounded.

A verified token's caller is kept (``VerifiedTokens``, process-wide and bounded) so a client
sending the same token on every request pays for its signature once; the time claims are
checked again on every use, and under RS256 so is the key that verified it.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import jwt

from commercegraph.config import Settings
from commercegraph.errors import Forbidden, Unauthenticated
from commercegraph.security.jwks import JWKSError, JWKSKeySource, key_source

ALGORITHMS = ["HS256"]  # what issue_token signs with; never taken from the token header
CLOCK_SKEW_SECONDS = 30  # tolerated drift between issuer and gateway clocks
SCOPES = frozenset({"customer", "staff"})
VERIFIED_TOKENS_MAX = 1024  # live tokens kept verified; past this, the least recent re-verify
VERIFIED_TOKEN_MAX_CHARS = 4096  # bounds the cache's memory; longer tokens verify every time


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
    source = _key_source(settings)
    kid = jwt.get_unverified_header(token).get("kid")
    return source.key_for(kid if isinstance(kid, str) else None)


def _key_source(settings: Settings) -> JWKSKeySource:
    if not settings.jwt_jwks_url:
        raise JWKSError("RS256 needs CG_JWT_JWKS_URL")
    return key_source(settings.jwt_jwks_url, settings.jwt_jwks_cache_seconds)


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    caller: Caller
    expires: float  # ``exp``
    not_before: float  # the later of ``nbf`` and ``iat``, or -inf
    key: Any  # what verified the signature
    kid: str | None


class VerifiedTokens:
    """Tokens whose signature and claims were verified, by token and verification settings:
    process-wide, at most ``maxsize``, least recently used out. Failures are never kept."""

    def __init__(self, maxsize: int = VERIFIED_TOKENS_MAX) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[Hashable, VerifiedToken] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> VerifiedToken | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, entry: VerifiedToken) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def discard(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


verified_tokens = VerifiedTokens()


def _cache_key(settings: Settings, token: str) -> Hashable:
    # everything verification depends on: a token verified under other settings is not reused
    secret = settings.jwt_secret if settings.jwt_algorithm == "HS256" else settings.jwt_jwks_url
    return (
        token,
        settings.jwt_algorithm,
        secret,
        settings.jwt_jwks_cache_seconds,
        settings.jwt_issuer,
        settings.jwt_audience,
    )


def _still_valid(settings: Settings, entry: VerifiedToken) -> bool:
    """Refuses as ``jwt.decode`` would once the token's time is up; False when the key that
    verified it is no longer the key set's (rotated out), so it is verified again."""
    now = time.time()
    if entry.expires <= now - CLOCK_SKEW_SECONDS:
        raise Unauthenticated("The token has expired")
    if entry.not_before > now + CLOCK_SKEW_SECONDS:
        raise Unauthenticated("The token is not valid yet")
    if settings.jwt_algorithm == "HS256":
        return True
    try:
        return _key_source(settings).key_for(entry.kid) is entry.key
    except JWKSError:
        return False


def authenticate(settings: Settings, authorization: str | None) -> Caller:
    """The caller for an ``Authorization`` header; no header means anonymous."""
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("Authorization must be 'Bearer <token>'")
    if len(token) > VERIFIED_TOKEN_MAX_CHARS:
        return _verify(settings, token).caller
    key = _cache_key(settings, token)
    entry = verified_tokens.get(key)
    if entry is not None:
        try:
            if _still_valid(settings, entry):
                return entry.caller
        except Unauthenticated:
            verified_tokens.discard(key)
            raise
        verified_tokens.discard(key)
    entry = _verify(settings, token)
    verified_tokens.put(key, entry)
    return entry.caller


def _verify(settings: Settings, token: str) -> VerifiedToken:
    try:
        verification_key = _verification_key(settings, token)
        claims = jwt.decode(
            token,
            verification_key,
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
    starts = [float(claims[name]) for name in ("nbf", "iat") if name in claims]
    kid = None
    if settings.jwt_algorithm != "HS256":
        header_kid = jwt.get_unverified_header(token).get("kid")
        kid = header_kid if isinstance(header_kid, str) else None
    return VerifiedToken(
        caller=Caller(customer_id=customer_id, scopes=scopes, subject=subject),
        expires=float(claims["exp"]),
        not_before=max(starts, default=-math.inf),
        key=verification_key,
        kid=kid,
    )
