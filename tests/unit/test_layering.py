"""The layers import downwards only: use cases never import the GraphQL layer, and the
resolver modules form no import cycle nor reach into each other's private names.

Read from the source with ``ast`` (imports inside functions count too), so a lazy import
cannot hide a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import commercegraph

PACKAGE = Path(commercegraph.__file__).parent
GRAPHQL_LAYER = ("commercegraph.resolvers", "commercegraph.schema")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """Every module ``path`` imports, with the names taken from it (``from m import a``)."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [alias.name for alias in node.names]
            found.append((node.module, names))
            # ``from commercegraph.resolvers import cart`` imports the module ``cart``
            found.extend((f"{node.module}.{name}", []) for name in names)
    return found


def in_layer(module: str, layer: str) -> bool:
    return module == layer or module.startswith(layer + ".")


def resolver_modules() -> dict[str, Path]:
    folder = PACKAGE / "resolvers"
    return {module_name(p): p for p in sorted(folder.glob("*.py")) if p.stem != "__init__"}


def resolver_graph() -> dict[str, set[str]]:
    modules = resolver_modules()
    return {
        name: {m for m, _ in imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One path for each cycle found by a depth-first walk (empty when there is none)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


@pytest.mark.parametrize("path", sorted((PACKAGE / "usecases").glob("*.py")), ids=lambda p: p.name)
def test_a_use_case_imports_neither_resolvers_nor_schema(path: Path) -> None:
    wrong = sorted(
        {m for m, _ in imports(path) if any(in_layer(m, layer) for layer in GRAPHQL_LAYER)}
    )
    assert wrong == [], f"{path.name} imports the GraphQL layer: {wrong}"


def test_the_resolver_modules_import_each_other_without_a_cycle() -> None:
    assert cycles(resolver_graph()) == []


def test_no_resolver_takes_another_resolvers_private_names() -> None:
    modules = resolver_modules()
    taken = sorted(
        f"{name} takes {source}.{item}"
        for name, path in modules.items()
        for source, items in imports(path)
        if source in modules and source != name
        for item in items
        if item.startswith("_")
    )
    assert taken == []


def test_the_cycle_check_sees_a_cycle_and_a_lazy_import(tmp_path: Path) -> None:
    """The checks above would pass on a blind walker; this proves they can fail."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    source = tmp_path / "lazy.py"
    source.write_text(
        "def f():\n    from commercegraph.resolvers.quote import quote_cart\n"
        "    import commercegraph.schema.cart\n"
    )
    found = {m for m, _ in imports(source)}
    assert {"commercegraph.resolvers.quote", "commercegraph.schema.cart"} <= found
