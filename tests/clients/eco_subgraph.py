"""A second, tiny federation subgraph for the composition test: it adds ``ecoScore`` to
CommerceGraph's Product entity. Run: ``python eco_subgraph.py PORT``."""

from __future__ import annotations

import hashlib
import sys

import strawberry
import uvicorn
from strawberry.asgi import GraphQL


def eco_score(product_id: str) -> int:
    return int(hashlib.sha256(product_id.encode()).hexdigest()[:4], 16) % 101


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def eco_score(self) -> int:
        return eco_score(str(self.id))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Product:
        return cls(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def eco_methodology(self) -> str:
        return "sha256 of the id, modulo 101"


schema = strawberry.federation.Schema(query=Query, types=[Product], federation_version="2.5")

if __name__ == "__main__":
    uvicorn.run(GraphQL(schema), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
