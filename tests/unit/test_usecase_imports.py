"""The use-case layer stands below the GraphQL layer: no use case imports a resolver, a
schema type, Strawberry or the request context, so jobs and the events endpoint call the
same code a resolver does."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import commercegraph.usecases

USECASES = Path(commercegraph.usecases.__file__).parent
ABOVE = ("commercegraph.resolvers", "commercegraph.schema", "commercegraph.context", "strawberry")


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", sorted(USECASES.glob("*.py")), ids=lambda p: p.name)
def test_a_use_case_imports_nothing_above_it(path: Path) -> None:
    above = sorted(
        name
        for name in _imported(path)
        if any(name.split(".")[: len(a.split("."))] == a.split(".") for a in ABOVE)
    )
    assert above == [], f"{path.name} imports {above}"


def test_the_check_sees_an_import_from_above(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from commercegraph import resolvers\nimport strawberry.types\n")
    assert {"commercegraph.resolvers", "strawberry.types"} <= _imported(module)
