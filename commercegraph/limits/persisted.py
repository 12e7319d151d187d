"""An allow-list of persisted operations: only documents registered by sha256 run.

The list is a JSON file ``{"<sha256 of the document>": "<document>", ...}``. A client
sends either the document (its hash must be listed) or only
``extensions.persistedQuery.sha256Hash`` (the document is taken from the list).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from strawberry.extensions import SchemaExtension

from commercegraph.limits._walk import limit_error

CODE = "PERSISTED_QUERY_NOT_IN_LIST"


def operation_hash(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def load_allow_list(path: str | Path) -> dict[str, str]:
    """Read and check the file: every key must be the hash of its document."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a JSON object of sha256 → document")
    operations: dict[str, str] = {}
    for key, document in raw.items():
        if not isinstance(document, str) or operation_hash(document) != key.lower():
            raise ValueError(f"{path}: entry {key!r} is not the sha256 of its document")
        operations[key.lower()] = document
    return operations


def _requested_hash(extensions: Mapping[str, Any] | None) -> str | None:
    persisted = (extensions or {}).get("persistedQuery")
    if isinstance(persisted, Mapping) and isinstance(persisted.get("sha256Hash"), str):
        return str(persisted["sha256Hash"]).lower()
    return None


# Stands in for a refused document so the refusal is reported at parse time, coded.
REFUSED_PLACEHOLDER = "query PersistedQueryNotInList { __typename }"


class PersistedOperations(SchemaExtension):
    """``extensions=[lambda: PersistedOperations(load_allow_list("ops.json"))]``."""

    def __init__(self, allowed: Mapping[str, str]) -> None:
        self.allowed = allowed
        self.refused: str | None = None

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        requested = _requested_hash(ctx.operation_extensions)
        if ctx.query:
            found = operation_hash(ctx.query)
            if found not in self.allowed or requested not in (None, found):
                self.refused = found
        elif requested is not None and requested in self.allowed:
            ctx.query = self.allowed[requested]
        else:
            self.refused = requested or ""
        if self.refused is not None:
            ctx.query = REFUSED_PLACEHOLDER
        yield

    def on_parse(self) -> Iterator[None]:
        if self.refused is not None:
            raise limit_error(
                CODE, "This operation is not in the persisted list.", sha256Hash=self.refused
            )
        yield


def build_allow_list(documents: list[Path]) -> dict[str, str]:
    """The allow-list for ``.graphql`` files, one operation document per file."""
    return {
        operation_hash(text): text
        for text in (p.read_text(encoding="utf-8").strip() for p in documents)
    }
