"""RS256 verification keys from a JWKS URL, fetched with httpx and cached."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import jwt

JWKS_TIMEOUT_SECONDS = 2.0  # a slow identity provider must not hold requests for long
UNKNOWN_KID_REFETCH_SECONDS = 30.0  # key rotation is picked up; random kids cannot flood it


class JWKSError(Exception):
    pass


class JWKSKeySource:
    """Keys by ``kid``; refreshed after ``ttl_seconds``, or early for an unseen ``kid``."""

    def __init__(self, url: str, ttl_seconds: float) -> None:
        self.url = url
        self.ttl_seconds = ttl_seconds
        self._keys: dict[str | None, Any] = {}
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()
        self._refreshing = False

    def key_for(self, kid: str | None) -> Any:
        """The key for ``kid``. Only a cold cache or an unseen ``kid`` waits for the network:
        a stale cache still answers while a background thread refreshes it."""
        now = time.monotonic()
        with self._lock:
            known = kid in self._keys or (kid is None and len(self._keys) == 1)
            if not known and now - self._fetched_at > UNKNOWN_KID_REFETCH_SECONDS:
                self._refresh(now)
            elif known and now - self._fetched_at > self.ttl_seconds:
                self._refresh_in_background()
            if kid is None and len(self._keys) == 1:
                return next(iter(self._keys.values()))
            if kid not in self._keys:
                raise JWKSError(f"no signing key {kid!r} in the key set")
            return self._keys[kid]

    def _refresh_in_background(self) -> None:
        if self._refreshing:
            return
        self._refreshing = True

        def refresh() -> None:
            try:
                with self._lock:
                    self._refresh(time.monotonic())
            except JWKSError:
                pass  # keep the keys we have; the next stale read tries again
            finally:
                self._refreshing = False

        threading.Thread(target=refresh, name="jwks-refresh", daemon=True).start()

    def _refresh(self, now: float) -> None:
        try:
            response = httpx.get(self.url, timeout=JWKS_TIMEOUT_SECONDS)
            response.raise_for_status()
            key_set = jwt.PyJWKSet.from_dict(response.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            if self._keys:  # keep serving the keys we have while the provider is down
                return
            raise JWKSError(f"cannot read the key set at {self.url}: {exc}") from exc
        self._keys = {
            k.key_id: k.key
            for k in key_set.keys
            if k.key_type == "RSA"
            and k.public_key_use in (None, "sig")
            and k.algorithm_name == "RS256"
        }
        self._fetched_at = now


_sources: dict[tuple[str, float], JWKSKeySource] = {}


def key_source(url: str, ttl_seconds: float) -> JWKSKeySource:
    """One cache per URL and lifetime, shared by every request of the process."""
    source = _sources.get((url, ttl_seconds))
    if source is None:
        source = _sources[(url, ttl_seconds)] = JWKSKeySource(url, ttl_seconds)
    return source
