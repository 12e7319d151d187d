"""The GraphQL examples the README and the documentation site show, as operations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from graphql import OperationDefinitionNode, OperationType, parse, print_ast
from graphql.language import DocumentNode

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```graphql\n(.*?)```", re.S)


@dataclass(frozen=True)
class Example:
    page: str
    operation: str
    kind: OperationType

    @property
    def placeholder(self) -> bool:
        """The example leaves a value to the reader ("…")."""
        return "…" in self.operation or "..." in self.operation.replace("... on", "")


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def examples() -> list[Example]:
    """Every operation of every ```graphql block, one each (a block may hold several)."""
    found = []
    for page in pages():
        for block in BLOCK.findall(page.read_text(encoding="utf-8")):
            document: DocumentNode = parse(block)
            for node in document.definitions:
                assert isinstance(node, OperationDefinitionNode), (page, block)
                found.append(Example(str(page.relative_to(ROOT)), print_ast(node), node.operation))
    return found
