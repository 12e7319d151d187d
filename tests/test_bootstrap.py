"""The composition root: the only place that opens engines, and the one that validates each
adapter's own settings (``CG_<NAME>__*``) before anything starts."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import commercegraph
from commercegraph import bootstrap
from commercegraph.adapters.registry import AdapterConfigError
from commercegraph.cli import main

PACKAGE = Path(commercegraph.__file__).resolve().parent
TESTS = next(p for p in Path(__file__).resolve().parents if p.name == "tests")
STORE_MODULE = "store/db.py"
# the one module of the tests that opens stores: through bootstrap, for every other test
TEST_FACTORY = "factories.py"
# test modules that make a store themselves, each for a reason the factory cannot serve
TESTS_ALLOWED_A_STORE = {
    # a second registry over the first one's engine: two runners race on one pool
    "personalization/test_delivery.py": "p8_store.engine",
    # a second store over one engine gives back the connections it kept
    "integration/test_read_connections.py": "store.engine",
}


def _calls(pattern: str, root: Path = PACKAGE) -> dict[str, int]:
    found: dict[str, int] = {}
    regex = re.compile(pattern)
    for path in sorted(root.rglob("*.py")):
        hits = [
            line for line in path.read_text(encoding="utf-8").splitlines() if regex.search(line)
        ]
        hits = [line for line in hits if not line.lstrip().startswith(("def ", "class ", "#"))]
        if hits:
            found[path.relative_to(root).as_posix()] = len(hits)
    return found


def test_only_the_store_module_calls_create_async_engine() -> None:
    assert set(_calls(r"\bcreate_async_engine\(")) == {STORE_MODULE}


def test_engines_and_stores_are_made_only_by_the_composition_root() -> None:
    # the migration environment opens its own engine for Alembic, inside the store package
    assert set(_calls(r"\bcreate_engine\(")) == {"bootstrap.py", "store/migrations/env.py"}
    assert set(_calls(r"(?<![\w.])Store\(")) == {"bootstrap.py"}
    assert set(_calls(r"\bbuild_adapters\(|\bbuild_registry\(|\bbuild_providers\(")) <= {
        "bootstrap.py",
        "adapters/registry.py",
    }


def test_tests_open_engines_and_stores_only_through_the_factory() -> None:
    assert _calls(r"\bcreate_async_engine\(|\bcreate_engine\(", TESTS) == {}
    stores = _calls(r"(?<![\w.])Store\(", TESTS)
    stores.pop(Path(__file__).relative_to(TESTS).as_posix())  # this module, checking the call
    assert set(stores) == set(TESTS_ALLOWED_A_STORE)
    for module, engine in TESTS_ALLOWED_A_STORE.items():
        assert f"Store({engine})" in (TESTS / module).read_text(encoding="utf-8"), module
    assert "bootstrap." in (TESTS / TEST_FACTORY).read_text(encoding="utf-8")


def test_tests_seed_the_demo_only_through_the_factory() -> None:
    # the demo seed's own tests call it directly; everything else asks the factory
    seeding = set(_calls(r"\bseed_demo\(", TESTS))
    assert seeding <= {
        TEST_FACTORY,
        "demo/test_demo_seed.py",
        "cli/test_commands_use_configured_adapters.py",
    }
    assert TEST_FACTORY in seeding


EXAMPLE_ADAPTER = """
from pydantic import SecretStr
from pydantic_settings import BaseSettings

from commercegraph.adapters.native import create_adapter as native


class ExampleSettings(BaseSettings):
    url: str
    token: SecretStr
    page_size: int = 50


def create_adapter(domain, settings, store, own):
    adapter = native(domain, settings, store)
    adapter.example_settings = own
    return adapter


create_adapter.settings_model = ExampleSettings
"""


@pytest.fixture
def example_adapter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An adapter installed as a distribution of its own, found by its entry point."""
    (tmp_path / "example_cg_adapter.py").write_text(EXAMPLE_ADAPTER, encoding="utf-8")
    info = tmp_path / "example_cg_adapter-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: example-cg-adapter\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[commercegraph.adapters]\nexample = example_cg_adapter:create_adapter\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in list(os.environ):
        if name.startswith("CG_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("CG_ADAPTERS__CONTENT", "example")
    return "example"


def _serve(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["serve", "--port", "0"])
    return code, capsys.readouterr().err


def test_serve_refuses_a_missing_adapter_setting_in_one_line(
    example_adapter: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _serve(capsys)
    assert code == 2
    assert (
        err
        == "refusing to start: CG_EXAMPLE__URL: Field required (settings of the 'example' adapter)\n"
    )


def test_serve_names_the_adapter_setting_that_does_not_parse(
    example_adapter: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CG_EXAMPLE__URL", "https://cms.example")
    monkeypatch.setenv("CG_EXAMPLE__TOKEN", "t0ken")
    monkeypatch.setenv("CG_EXAMPLE__PAGE_SIZE", "many")
    code, err = _serve(capsys)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(
        "refusing to start: CG_EXAMPLE__PAGE_SIZE: Input should be a valid integer"
    )


def test_the_adapter_gets_its_validated_settings(
    example_adapter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CG_EXAMPLE__URL", "https://cms.example")
    monkeypatch.setenv("CG_EXAMPLE__TOKEN", "t0ken")

    async def open_it() -> tuple[str, object]:
        async with bootstrap.open(bootstrap.load_settings()) as container:
            return container.registry.names["content"], container.registry.content.inner

    name, adapter = asyncio.run(open_it())
    own = adapter.example_settings  # type: ignore[attr-defined]
    assert name == "example"
    assert (own.url, own.token.get_secret_value(), own.page_size) == (
        "https://cms.example",
        "t0ken",
        50,
    )


def test_an_unknown_adapter_is_refused_before_a_store_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "never.db"
    settings = bootstrap.load_settings(
        database_url=f"sqlite+aiosqlite:///{path}", adapters={"pricing": "nope"}
    )
    with pytest.raises(AdapterConfigError, match="CG_ADAPTERS__PRICING='nope' names no adapter"):
        bootstrap.check(settings)
    assert not path.exists()


def test_a_root_setting_that_does_not_parse_is_one_line_naming_it(
    cli_env: Callable[[dict[str, str]], tuple[int, str]],
) -> None:
    code, err = cli_env({"CG_DB_POOL_SIZE": "lots"})
    assert code == 2
    assert err.startswith("refusing to start: CG_DB_POOL_SIZE: Input should be a valid integer")
    assert err.count("\n") == 1


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Callable[[dict[str, str]], tuple[int, str]]:
    def run(env: dict[str, str]) -> tuple[int, str]:
        for name in list(os.environ):
            if name.startswith("CG_"):
                monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(tmp_path)
        capsys.readouterr()
        code = main(["export-schema", "--output", str(tmp_path / "schema.graphql")])
        return code, capsys.readouterr().err

    return run
