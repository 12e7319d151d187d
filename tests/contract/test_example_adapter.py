"""The example third-party adapter (``examples/adapter-content``) passes the contract kit
from outside the source tree: its package and its entry point go on a fresh interpreter's
path, and ``pytest --commercegraph-adapter=acme-cms`` runs in a directory of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[2] / "examples" / "adapter-content"
RUN_TIMEOUT_S = 120  # the run takes a few seconds; this only bounds a hang


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site directory holding the example's distribution metadata, entry points included."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    site = tmp_path_factory.mktemp("site")
    name = project["name"].replace("-", "_")
    info = site / f"{name}-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
    )
    groups = project["entry-points"]
    (info / "entry_points.txt").write_text(
        "".join(
            f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in points.items())
            for group, points in groups.items()
        )
    )
    return site


@pytest.fixture(scope="module")
def acme_url() -> Iterator[str]:
    sys.path.insert(0, str(EXAMPLE))
    try:
        from acme_cms.server import serve
    finally:
        sys.path.remove(str(EXAMPLE))
    server = serve()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run_kit(
    site: Path, cwd: Path, env: dict[str, str], adapter: str = "acme-cms"
) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(EXAMPLE), str(site)])
    return subprocess.run(
        [sys.executable, "-m", "pytest", f"--commercegraph-adapter={adapter}", "-p",
         "no:cacheprovider", "-v", "-W", "ignore::DeprecationWarning"],
        cwd=cwd, env={**os.environ, "PYTHONPATH": path, **env}, capture_output=True, text=True,
        timeout=RUN_TIMEOUT_S, check=False,
    )  # fmt: skip


def test_the_example_adapter_passes_the_kit_from_its_own_package(
    installed: Path, acme_url: str, tmp_path: Path
) -> None:
    env = {"CG_ADAPTERS__CONTENT": "acme-cms", "CG_ACME_CMS__URL": acme_url}
    result = run_kit(installed, tmp_path, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[acme-cms-content-content.entries:reads] PASSED" in result.stdout
    assert "[acme-cms-content-content.entries:errors] PASSED" in result.stdout
    assert "2 passed" in result.stdout


def test_the_plugin_names_an_unknown_adapter(installed: Path, tmp_path: Path) -> None:
    result = run_kit(installed, tmp_path, {}, adapter="nosuch")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert "--commercegraph-adapter=nosuch: no such adapter (known: " in result.stderr
    known = result.stderr.split("(known: ", 1)[1].split(")", 1)[0].split(", ")
    assert {"acme-cms", "native", "rest"} <= set(known) and known == sorted(known)
