"""JWT hardening: nbf, pinned algorithms, RS256 with keys from a JWKS URL served on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from commercegraph.auth import CLOCK_SKEW_SECONDS, authenticate, issue_token
from commercegraph.cli import main
from commercegraph.config import Settings
from commercegraph.errors import Unauthenticated

HS = Settings(jwt_secret="h" * 64)


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": "cus_1",
        "scope": "customer",
        "iss": HS.jwt_issuer,
        "aud": HS.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + 300,
    }
    base.update(overrides)
    return base


def test_nbf_in_the_future_is_refused_within_skew_accepted() -> None:
    now = int(time.time())
    early = jwt.encode(claims(nbf=now + CLOCK_SKEW_SECONDS + 60), HS.jwt_secret, "HS256")
    with pytest.raises(Unauthenticated, match="not valid yet"):
        authenticate(HS, f"Bearer {early}")
    within = jwt.encode(claims(nbf=now + CLOCK_SKEW_SECONDS - 10), HS.jwt_secret, "HS256")
    assert authenticate(HS, f"Bearer {within}").customer_id == "cus_1"
    late = jwt.encode(claims(exp=now - CLOCK_SKEW_SECONDS - 5), HS.jwt_secret, "HS256")
    with pytest.raises(Unauthenticated, match="expired"):
        authenticate(HS, f"Bearer {late}")
    skewed = jwt.encode(claims(exp=now - CLOCK_SKEW_SECONDS + 10), HS.jwt_secret, "HS256")
    assert authenticate(HS, f"Bearer {skewed}").customer_id == "cus_1"


def _private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


class JWKSServer:
    """A key set on 127.0.0.1 that counts how often it is fetched."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.fetches += 1
                body = json.dumps({"keys": outer.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> JWKSServer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def jwks() -> Iterator[JWKSServer]:
    with JWKSServer() as server:
        yield server


def test_rs256_tokens_verify_against_the_jwks_and_keys_are_cached(jwks: JWKSServer) -> None:
    key, other = _private_key(), _private_key()
    jwks.keys = [_jwk(key, "k1")]
    settings = Settings(jwt_algorithm="RS256", jwt_jwks_url=jwks.url, jwt_jwks_cache_seconds=300)
    token = jwt.encode(claims(), key, algorithm="RS256", headers={"kid": "k1"})
    for _ in range(3):
        assert authenticate(settings, f"Bearer {token}").customer_id == "cus_1"
    assert jwks.fetches == 1, "the key set is fetched once and cached"

    forged = jwt.encode(claims(), other, algorithm="RS256", headers={"kid": "k1"})
    with pytest.raises(Unauthenticated):
        authenticate(settings, f"Bearer {forged}")
    unknown_kid = jwt.encode(claims(), other, algorithm="RS256", headers={"kid": "nope"})
    with pytest.raises(Unauthenticated, match="no signing key"):
        authenticate(settings, f"Bearer {unknown_kid}")
    # an HS256 token signed with the public key as secret (algorithm confusion) is refused
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "kid": "k1", "typ": "JWT"}
    payload = json.dumps(claims()).encode()
    segments = [
        jwt.utils.base64url_encode(json.dumps(header).encode()),
        jwt.utils.base64url_encode(payload),
    ]
    signing_input = b".".join(segments)
    signature = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    token_confused = (signing_input + b"." + jwt.utils.base64url_encode(signature)).decode()
    with pytest.raises(Unauthenticated):
        authenticate(settings, f"Bearer {token_confused}")
    with pytest.raises(Unauthenticated):  # HS256 tokens are not accepted when RS256 is pinned
        authenticate(settings, "Bearer " + issue_token(HS, subject="cus_1", scope="customer"))
    alg_none = (
        jwt.utils.base64url_encode(b'{"alg":"none","kid":"k1"}').decode()
        + "."
        + jwt.utils.base64url_encode(json.dumps(claims()).encode()).decode()
        + "."
    )
    with pytest.raises(Unauthenticated):
        authenticate(settings, f"Bearer {alg_none}")


def test_key_rotation_is_picked_up_for_a_new_kid(jwks: JWKSServer) -> None:
    old, new = _private_key(), _private_key()
    jwks.keys = [_jwk(old, "old")]
    settings = Settings(jwt_algorithm="RS256", jwt_jwks_url=jwks.url, jwt_jwks_cache_seconds=1)
    token = jwt.encode(claims(), old, algorithm="RS256", headers={"kid": "old"})
    assert authenticate(settings, f"Bearer {token}").customer_id == "cus_1"
    jwks.keys = [_jwk(new, "new")]
    time.sleep(1.1)  # past the cache lifetime: a known kid is answered from the cache
    assert authenticate(settings, f"Bearer {token}").customer_id == "cus_1"
    rotated = jwt.encode(claims(), new, algorithm="RS256", headers={"kid": "new"})
    for _ in range(50):  # the background refresh brings in the new key
        try:
            assert authenticate(settings, f"Bearer {rotated}").customer_id == "cus_1"
            break
        except Unauthenticated:
            time.sleep(0.05)
    else:
        pytest.fail("the rotated key was never picked up")
    assert jwks.fetches == 2


def test_a_kept_token_is_refused_once_its_key_leaves_the_key_set(jwks: JWKSServer) -> None:
    old, new = _private_key(), _private_key()
    jwks.keys = [_jwk(old, "old")]
    settings = Settings(jwt_algorithm="RS256", jwt_jwks_url=jwks.url, jwt_jwks_cache_seconds=1)
    token = jwt.encode(claims(), old, algorithm="RS256", headers={"kid": "old"})
    assert authenticate(settings, f"Bearer {token}").customer_id == "cus_1"
    jwks.keys = [_jwk(new, "new")]
    time.sleep(1.1)
    authenticate(settings, f"Bearer {token}")  # stale: answered, and a refresh starts
    for _ in range(50):
        if jwks.fetches == 2:
            break
        time.sleep(0.05)
    time.sleep(0.1)  # the refresh has swapped the keys in
    with pytest.raises(Unauthenticated, match="no signing key"):
        authenticate(settings, f"Bearer {token}")


def test_an_unreachable_jwks_refuses_tokens_with_401_not_500() -> None:
    settings = Settings(
        jwt_algorithm="RS256", jwt_jwks_url="http://127.0.0.1:9/jwks.json", jwt_jwks_cache_seconds=7
    )
    token = jwt.encode(claims(), _private_key(), algorithm="RS256", headers={"kid": "k"})
    with pytest.raises(Unauthenticated, match="cannot read the key set"):
        authenticate(settings, f"Bearer {token}")


def test_dev_token_command_is_refused_in_production(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CG_ENV", "production")
    assert main(["token", "--staff"]) == 2
    assert "refused" in capsys.readouterr().err
    monkeypatch.setenv("CG_ENV", "dev")
    assert main(["token", "--staff"]) == 0
    printed = capsys.readouterr().out.strip()
    assert authenticate(Settings(), f"Bearer {printed}").is_staff
