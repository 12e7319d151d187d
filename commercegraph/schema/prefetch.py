"""Look ahead from a list field at what each of its items will be asked.

A field that lists many objects can answer some of their fields in one batch for the whole
list, before graphql-core reaches the items; each item's resolver then answers at once
instead of awaiting, and the list completes without an awaitable per item::

    wanted = items_will_be_asked(info, {"price"}, path=("edges", "node"))
    for asked in wanted or []:  # None: resolve each item's fields as usual
        answers = await batch(asked.arguments)
        for item, answer in zip(items, answers):
            remember(item, asked, answer)

Only what this module follows is looked ahead at: fields, inline fragments and named
fragments without directives or fragment arguments, and on the way down to the items
(``path``) fields without aliases. Anything else gives ``None``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
)
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.types import Info
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField
from strawberry.types.unset import UNSET

MISSING: Any = object()  # no answer held for this response key and these arguments
# the attribute an item keeps its answers in (see `Answers`)
ANSWERS_ATTRIBUTE = "_answers"
# a field's metadata saying that its resolver answers what its item holds (see `answer`),
# so that the executor may read a held answer without calling it
ANSWERS_HELD: dict[str, bool] = {"answers_held": True}


class _GiveUp(Exception):
    """The selection holds something the look-ahead does not follow."""


@dataclass(frozen=True, slots=True)
class Asked:
    """One field each item is asked under one response key."""

    field: str  # the field's GraphQL name
    key: str  # its response key: the alias, else the name
    arguments: dict[str, Any]  # as the resolver receives them: Python names, defaults filled
    # as graphql-core coerces them for the resolver (GraphQL names); None: not known
    given: dict[str, Any] | None = dataclasses.field(default=None, compare=False)
    # the names of the fields selected on its answer, fragments spread; None: not known
    # (a leaf, or a selection this module does not follow), so answer everything
    selects: frozenset[str] | None = dataclasses.field(default=None, compare=False)


# response key -> (the arguments it was answered for, the answer or the error to raise,
# those arguments as graphql-core coerced them)
Answers = dict[str, tuple[dict[str, Any], Any, dict[str, Any] | None]]


def items_will_be_asked(
    info: Info[Any, Any], fields: Collection[str], path: Sequence[str] = ()
) -> list[Asked] | None:
    """Which of ``fields`` every item of this list field is asked, under which response keys
    and with which arguments; the items sit at ``path`` below the field's type (a connection's
    ``("edges", "node")``). ``None`` when the selection cannot be followed."""
    raw = info._raw_info
    try:
        return list(_asked(raw, info.schema.schema_converter, info.schema.config, fields, path))
    except (_GiveUp, GraphQLError):
        return None


def answer(answers: Answers | None, info: Info[Any, Any], arguments: dict[str, Any]) -> Any:
    """The answer held for this field's response key if it was got for these arguments
    (an error held is raised), else ``MISSING``."""
    if answers is None:
        return MISSING
    held = answers.get(info._raw_info.path.key)  # type: ignore[arg-type]
    if held is None or held[0] != arguments:
        return MISSING
    found = held[1]
    if isinstance(found, Exception):
        raise found
    return found


def remember(answers: Answers, asked: Asked, found: Any) -> None:
    answers[asked.key] = (asked.arguments, found, asked.given)


def remember_each(held: Sequence[Answers], asked: Asked, found: Sequence[Any]) -> None:
    """``remember(answers, asked, answer)`` for each item's answers and its answer."""
    key, arguments, given = asked.key, asked.arguments, asked.given
    for answers, answer in zip(held, found, strict=True):
        answers[key] = (arguments, answer, given)


def held(item: Any, key: str, given: dict[str, Any]) -> Any:
    """What ``item`` holds for response key ``key`` asked with ``given`` (the arguments as
    graphql-core coerced them): the answer or the error, else ``MISSING``. What a field
    marked ``ANSWERS_HELD`` answers without being called."""
    return held_in(getattr(item, ANSWERS_ATTRIBUTE, None), key, given)


def held_in(answers: Answers | None, key: str, given: dict[str, Any]) -> Any:
    """``held`` of the item whose answers are ``answers``."""
    if answers is None:
        return MISSING
    found = answers.get(key)
    if found is None or found[2] is None or found[2] != given:
        return MISSING
    return found[1]


def _asked(
    raw: GraphQLResolveInfo[Any],
    converter: Any,
    config: Any,
    fields: Collection[str],
    path: Sequence[str],
) -> Iterator[Asked]:
    if any(node.directives for node in raw.field_nodes):
        raise _GiveUp  # a merged node may be skipped, and its selection with it
    parent = _object_type(raw.return_type)
    nodes: list[FieldNode] = list(raw.field_nodes)
    for name in path:
        nodes = [f for f in _fields(raw, parent, nodes) if f.name.value == name]
        if any(f.alias is not None and f.alias.value != name for f in nodes):
            raise _GiveUp  # two response keys would share one item: its answers would clash
        if not nodes:
            return
        parent = _object_type(parent.fields[name].type)
    variables = raw.variable_values
    if not isinstance(variables, VariableValues):  # Strawberry hands resolvers the plain dict
        variables = VariableValues(sources={}, coerced=variables)
    by_key: dict[str, list[FieldNode]] = {}
    for node in _fields(raw, parent, nodes):
        if node.name.value in fields:
            key = node.alias.value if node.alias is not None else node.name.value
            by_key.setdefault(key, []).append(node)
    for key, merged in by_key.items():
        node = merged[0]  # validation made a response key's merged nodes ask alike
        name = node.name.value
        field = parent.fields[name]
        definition = field.extensions.get("strawberry-definition")
        if not isinstance(definition, StrawberryField):
            raise _GiveUp
        coerced = get_argument_values(field, node, variables)
        arguments = convert_arguments(
            coerced, definition.arguments, converter.scalar_registry, config
        )
        for argument in definition.arguments:
            if argument.python_name not in arguments and argument.default is not UNSET:
                arguments[argument.python_name] = argument.default
        yield Asked(name, key, arguments, coerced, _selects(raw, field.type, merged))


def _selects(
    raw: GraphQLResolveInfo[Any], type_: Any, nodes: Sequence[FieldNode]
) -> frozenset[str] | None:
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType):
        return None
    try:
        return frozenset(f.name.value for f in _fields(raw, named, nodes))
    except _GiveUp:
        return None


def _object_type(type_: Any) -> GraphQLObjectType:
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType):
        raise _GiveUp  # an abstract type's items may differ in what they are asked
    return named


def _fields(
    raw: GraphQLResolveInfo[Any], parent: GraphQLObjectType, nodes: Iterable[FieldNode]
) -> Iterator[FieldNode]:
    """The fields selected on ``parent`` by ``nodes``, fragments spread."""
    for node in nodes:
        if node.selection_set is not None:
            yield from _selected(raw, parent, node.selection_set)


def _selected(
    raw: GraphQLResolveInfo[Any], parent: GraphQLObjectType, selection_set: SelectionSetNode
) -> Iterator[FieldNode]:
    for selection in selection_set.selections:
        if selection.directives:
            raise _GiveUp  # @include/@skip and the like: left to the executor
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            if _applies(raw, parent, selection.type_condition):
                yield from _selected(raw, parent, selection.selection_set)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = raw.fragments.get(selection.name.value)
            if (
                fragment is None
                or fragment.directives
                or getattr(fragment, "variable_definitions", None)
                or getattr(selection, "arguments", None)
            ):
                raise _GiveUp
            if _applies(raw, parent, fragment.type_condition):
                yield from _selected(raw, parent, fragment.selection_set)
        else:
            raise _GiveUp


def _applies(raw: GraphQLResolveInfo[Any], parent: GraphQLObjectType, condition: Any) -> bool:
    """Whether a fragment on ``condition`` applies to ``parent``, as graphql-core decides."""
    if condition is None:
        return True
    conditional = raw.schema.get_type(condition.name.value)
    if conditional is parent:
        return True
    if conditional is None:
        raise _GiveUp
    return is_abstract_type(conditional) and raw.schema.is_sub_type(conditional, parent)
