"""GraphQL Code Generator's client preset over schema.graphql and the README's documents,
then ``tsc --strict`` over a small client using the generated types (examples/codegen)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import IN_CI

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
README_DOCUMENTS = ("DeviJourney", "ProductsWithFacets")
TOOL_TIMEOUT_S = 300  # a cold npm ci on a shared machine; a warm run takes seconds


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def readme_document(readme: str, name: str) -> str:
    for block in re.findall(r"```graphql\n(.*?)```", readme, flags=re.S):
        if re.match(rf"(query|mutation) {name}\b", block):
            return str(block)
    raise AssertionError(f"README.md has no ```graphql block for operation {name}")


@pytest.fixture(scope="module")
def tools() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        _unavailable("Node.js (node and npm) is not installed; needed for GraphQL Code Generator")
    script = REPO / "scripts" / "test-tools" / "codegen.sh"
    run = subprocess.run(
        ["bash", str(script)], capture_output=True, text=True, timeout=TOOL_TIMEOUT_S
    )
    lines = run.stdout.strip().splitlines()
    if run.returncode != 0 or not lines:
        _unavailable(f"codegen.sh could not install the tools: {run.stderr[-2000:]}")
    return Path(lines[-1])


class Client:
    """A copy of examples/codegen with the README's documents, run with the cached tools."""

    def __init__(self, tools: Path, where: Path) -> None:
        self.project = where / "client"
        shutil.copytree(REPO / "examples" / "codegen", self.project)
        (self.project / "node_modules").symlink_to(tools / "node_modules")
        readme = (REPO / "README.md").read_text(encoding="utf-8")
        for name in README_DOCUMENTS:
            document = readme_document(readme, name)
            (self.project / "src" / f"{name}.graphql").write_text(document, encoding="utf-8")
        self.env = {
            "PATH": f"{tools / 'node_modules' / '.bin'}:/usr/local/bin:/usr/bin:/bin",
            "CG_SCHEMA": str(REPO / "schema.graphql"),
        }

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_S,
        )

    def generate(self) -> str:
        done = self.run("graphql-codegen", "--config", "codegen.ts")
        assert done.returncode == 0, done.stdout + done.stderr
        return (self.project / "src" / "gql" / "graphql.ts").read_text(encoding="utf-8")

    def compile(self) -> subprocess.CompletedProcess[str]:
        return self.run("tsc", "-p", "tsconfig.json", "--strict", "--noEmit")


def test_generated_types_compile_under_tsc_strict(tools: Path, tmp_path: Path) -> None:
    client = Client(tools, tmp_path)
    generated = client.generate()
    assert "export type LoyaltyTier =" in generated and "'PLATINUM'" in generated
    assert "DeviJourneyDocument" in generated and "ProductsWithFacetsDocument" in generated
    compiled = client.compile()
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr


def test_a_misused_enum_fails_the_compile(tools: Path, tmp_path: Path) -> None:
    """Types too loose to catch anything would pass the test above; not this one."""
    client = Client(tools, tmp_path)
    app = client.project / "src" / "app.ts"
    source = app.read_text(encoding="utf-8")
    app.write_text(source.replace('  GOLD: "PLATINUM",\n', '  GOLD: "DIAMOND",\n'))
    client.generate()
    compiled = client.compile()
    assert compiled.returncode != 0 and "DIAMOND" in compiled.stdout, compiled.stdout
