"""GraphQL enums whose values carry descriptions, keeping plain ``str`` member values."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=type[Enum])


def described_enum(description: str, **values: str) -> Callable[[E], E]:
    """``strawberry.enum`` with a description for the type and one for every member.

    ``strawberry.enum_value`` would describe members too, but types each member's value as
    its definition object; this keeps ``Member.value`` a ``str`` for the type checker.

        @described_enum("Which way.", ASC="Smallest first.", DESC="Largest first.")
        class SortDirection(Enum):
            ASC = "ASC"
            DESC = "DESC"
    """

    def wrap(cls: E) -> E:
        wrapped = strawberry.enum(cls, description=description)
        definition = wrapped.__strawberry_definition__  # type: ignore[attr-defined]
        names = {v.name for v in definition.values}
        if names != set(values):
            raise TypeError(f"{cls.__name__}: describe exactly {sorted(names)}")
        for value in definition.values:
            value.description = values[value.name]
        return wrapped

    return wrap
