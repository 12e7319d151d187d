"""Production refuses to start on a secret anyone can know: unset, published, or short."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from typing import Any

import httpx
import pytest

from commercegraph.app import create_app
from commercegraph.auth import issue_token
from commercegraph.cli import main
from commercegraph.config import Settings
from commercegraph.demo import DEVI_ID
from commercegraph.ids import to_global_id
from commercegraph.security.production import InsecureConfiguration, require_secrets
from tests.conftest import SeededDatabase, settings_for

STRONG = secrets.token_urlsafe(48)
MEMORY = "sqlite+aiosqlite:///:memory:"
DEFAULT_JWT = str(Settings.model_fields["jwt_secret"].default)
DEFAULT_WEBHOOK = str(Settings.model_fields["webhook_secret"].default)
UNSAFE = {
    "unset": "",
    "the published default": DEFAULT_JWT,
    "the other published default": DEFAULT_WEBHOOK,
    "31 bytes": "x" * 31,
    "31 bytes of multibyte text": "é" * 15 + "x",
}


def production(**overrides: Any) -> Settings:
    return Settings(**{"database_url": MEMORY, "env": "production", **overrides})


@pytest.mark.parametrize("value", UNSAFE.values(), ids=UNSAFE.keys())
def test_app_refuses_an_unsafe_jwt_secret_in_one_line(value: str) -> None:
    with pytest.raises(InsecureConfiguration) as refused:
        create_app(production(jwt_secret=value))
    message = str(refused.value)
    assert message.startswith("CG_JWT_SECRET ") and "\n" not in message
    if value:
        assert value not in message, "the secret itself is never printed"


def test_dev_keeps_its_defaults_and_production_accepts_a_strong_secret() -> None:
    require_secrets(Settings(database_url=MEMORY))
    require_secrets(production(jwt_secret="é" * 16))  # 32 bytes
    hooks = {"webhook_url": "https://hooks.example", "webhook_secret": STRONG[::-1]}
    require_secrets(production(jwt_secret=STRONG, **hooks))


def test_webhook_secret_counts_once_webhooks_are_configured() -> None:
    require_secrets(production(jwt_secret=STRONG))  # no webhook URL: the default is unused
    hooked = production(jwt_secret=STRONG, webhook_url="https://hooks.example")
    with pytest.raises(InsecureConfiguration, match=r"^CG_WEBHOOK_SECRET is a published"):
        create_app(hooked)
    short = production(jwt_secret=STRONG, webhook_url="https://h.example", webhook_secret="s" * 8)
    with pytest.raises(InsecureConfiguration, match=r"^CG_WEBHOOK_SECRET is shorter"):
        require_secrets(short)


def test_jwt_secret_counts_for_rs256_only_when_it_signs_the_shared_cache() -> None:
    rs256 = {"jwt_algorithm": "RS256", "jwt_jwks_url": "https://idp.example/jwks.json"}
    require_secrets(production(**rs256))  # tokens are verified with the IdP's keys
    with pytest.raises(InsecureConfiguration, match=r"^CG_JWT_SECRET "):
        require_secrets(production(**rs256, redis_url="redis://127.0.0.1:6379/0"))
    require_secrets(production(**rs256, redis_url="redis://127.0.0.1:6379/0", cache_ttl_seconds=0))


def test_deliver_webhooks_refuses_the_published_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CG_ENV", "production")
    monkeypatch.setenv("CG_DATABASE_URL", MEMORY)
    monkeypatch.setenv("CG_WEBHOOK_URL", "http://127.0.0.1:9/hooks")
    assert main(["deliver-webhooks", "--once"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("refusing to start: CG_WEBHOOK_SECRET") and "\n" not in err


def test_serve_exits_with_one_line_naming_the_variable() -> None:
    env = {**os.environ, "CG_ENV": "production", "CG_DATABASE_URL": MEMORY}
    env.pop("CG_JWT_SECRET", None)
    result = subprocess.run(
        [sys.executable, "-m", "commercegraph", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == ["refusing to start: CG_JWT_SECRET is a published default; set a random secret"]


async def test_a_staff_token_forged_with_the_default_secret_reads_nothing(
    seeded_db: SeededDatabase,
) -> None:
    forged = issue_token(Settings(), subject="attacker", scope="staff")
    query = '{ customer(id: "%s") { wallet { balance { amount } } } }' % to_global_id(
        "Customer", DEVI_ID
    )
    with pytest.raises(InsecureConfiguration, match=r"^CG_JWT_SECRET"):
        create_app(settings_for(seeded_db.url, env="production"))
    app = create_app(settings_for(seeded_db.url, env="production", jwt_secret=STRONG))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        answer = await http.post(
            "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {forged}"}
        )
    await app.state.store.dispose()
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "balance" not in answer.text
