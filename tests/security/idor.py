"""A schema walker for the IDOR test: every path from Query, built from introspection.

A path is a chain of (field, arguments, concrete type) steps from the root. Each path is
run as one query that selects the path and the leaves (scalars) of every object on it.
A path is extended only where its end resolved to something: a resolver does not read
its sub-selection, so a refused object cannot yield data further down.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
    get_named_type,
    is_leaf_type,
)

MAX_STEPS = 8  # deep enough for me → orders → edges → node → lines → product → ...
MAX_ARGUMENT_COMBINATIONS = 40


@dataclass(frozen=True)
class Step:
    field: str
    arguments: tuple[tuple[str, str], ...]  # name → GraphQL literal
    type_name: str  # the concrete object type the step lands on
    abstract: bool  # the field returns an interface or union: select through a fragment


Path = tuple[Step, ...]


@dataclass
class Candidates:
    """Values to try for arguments: the victim's identifiers and ids."""

    ids: list[str] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)


def concrete_types(schema: GraphQLSchema, named: GraphQLNamedType) -> list[GraphQLObjectType]:
    if isinstance(named, GraphQLObjectType):
        return [named]
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        return list(schema.get_possible_types(named))
    return []


def leaves(object_type: GraphQLObjectType) -> list[str]:
    """Scalar and enum fields that need no argument."""
    return [
        name
        for name, f in object_type.fields.items()
        if is_leaf_type(get_named_type(f.type))
        and not any(isinstance(a.type, GraphQLNonNull) for a in f.args.values())
    ]


def literal(schema: GraphQLSchema, arg_type: Any, value: Any) -> str:
    named = get_named_type(arg_type)
    if isinstance(named, GraphQLEnumType):
        return str(value)
    if isinstance(named, GraphQLInputObjectType):
        parts = [f"{k}: {literal(schema, named.fields[k].type, v)}" for k, v in value.items()]
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def argument_values(
    schema: GraphQLSchema, name: str, argument: GraphQLArgument, c: Candidates
) -> list[Any]:
    """Values to try; ``None`` means leave the argument out."""
    required = isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined
    named = get_named_type(argument.type)
    values: list[Any]
    if isinstance(named, GraphQLEnumType):
        values = list(named.values) if required else []
    elif isinstance(named, GraphQLInputObjectType):
        sample: dict[str, Any] = {}
        for field_name, f in named.fields.items():
            if isinstance(f.type, GraphQLNonNull):
                options = argument_values(schema, field_name, GraphQLArgument(f.type), c)
                # an input field nothing of Devi's fits (a sku, a currency) gets a dummy value
                sample[field_name] = options[0] if options else "x"
        values = [sample] if required else []
    elif isinstance(named, GraphQLScalarType) and named.name == "ID":
        values = list(c.ids)
    elif isinstance(named, GraphQLScalarType) and named.name == "String":
        values = list(c.strings) if required else []
    elif isinstance(named, GraphQLScalarType) and named.name == "Int":
        values = [1] if required else []
    elif isinstance(named, GraphQLScalarType) and named.name == "Float":
        values = [0.0] if required else []
    elif isinstance(named, GraphQLScalarType) and named.name == "Boolean":
        values = [True] if required else []
    else:
        values = []
    if not required:
        values = [None, *values]
    return values


def argument_sets(
    schema: GraphQLSchema, f: GraphQLField, c: Candidates
) -> Iterator[tuple[tuple[str, str], ...]]:
    names = list(f.args)
    options = [argument_values(schema, n, f.args[n], c) for n in names]
    for combo in itertools.islice(itertools.product(*options), MAX_ARGUMENT_COMBINATIONS):
        yield tuple(
            (n, literal(schema, f.args[n].type, v))
            for n, v in zip(names, combo, strict=True)
            if v is not None
        )


def extensions_of(
    schema: GraphQLSchema, parent: GraphQLObjectType, path: Path, c: Candidates
) -> Iterator[Step]:
    """Every step from ``parent`` to a composite type not yet on the path."""
    seen = {s.type_name for s in path} | {parent.name}
    for name, f in parent.fields.items():
        named = get_named_type(f.type)
        if is_leaf_type(named):
            continue
        abstract = isinstance(named, GraphQLInterfaceType | GraphQLUnionType)
        for target in concrete_types(schema, named):
            if target.name in seen:
                continue
            for arguments in argument_sets(schema, f, c):
                yield Step(name, arguments, target.name, abstract)


def render(schema: GraphQLSchema, path: Sequence[Step]) -> str:
    body = ""
    for step in reversed(path):
        object_type = schema.get_type(step.type_name)
        assert isinstance(object_type, GraphQLObjectType)
        inner = " ".join(["__typename", *leaves(object_type)]) + (f" {body}" if body else "")
        if step.abstract:
            inner = f"__typename ... on {step.type_name} {{ {inner} }}"
        arguments = ", ".join(f"{k}: {v}" for k, v in step.arguments)
        body = f"{step.field}{f'({arguments})' if arguments else ''} {{ {inner} }}"
    return "{ " + body + " }"


def values_at(data: Any, path: Sequence[Step]) -> list[Any]:
    """Every value the path reaches (lists flattened), each for its concrete type."""
    current = [data]
    for step in path:
        found: list[Any] = []
        for value in current:
            if not isinstance(value, dict):
                continue
            child = value.get(step.field)
            items = child if isinstance(child, list) else [child]
            found.extend(
                item
                for item in items
                if isinstance(item, dict) and item.get("__typename") == step.type_name
            )
        current = found
    return current


def objects_on(data: Any, path: Sequence[Step]) -> Iterator[tuple[str, dict[str, Any]]]:
    for depth in range(1, len(path) + 1):
        for value in values_at(data, path[:depth]):
            yield path[depth - 1].type_name, value


def scalar_fields(object_type: GraphQLObjectType, *names: str) -> list[str]:
    """Fields whose named type is one of the scalars ``names`` (e.g. ``"ID"``)."""
    return [
        n
        for n, f in object_type.fields.items()
        if isinstance(get_named_type(f.type), GraphQLScalarType)
        and get_named_type(f.type).name in names
    ]
