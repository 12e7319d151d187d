"""graphql-core's executor with short paths for plain fields and plain subtrees.

Most fields of a response are scalars read off a record (a product's ``sku``, a money's
``amount``). graphql-core resolves each one like any other field: a ``ResolveInfo`` of
fifteen slots, Strawberry's wrapper around ``getattr``, then the general completion. A
field that Strawberry resolves with its default resolver (no resolver function, no
arguments, no permission or field extension) is read here with ``getattr``; a value whose
whole selection is such fields (a product's ``price { base { amount } }``) is completed by a
plan made once per field group and type, the way graphql-jit compiles a query. A plan
completes only values that complete cleanly; any other value is completed again by
graphql-core, whose data and errors are the answer. Every other field takes graphql-core's
path, with its field, nodes and arguments worked out once per field group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from enum import Enum
from types import CoroutineType, GeneratorType
from typing import Any, ClassVar, Literal, TypeVar

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    FieldNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    Undefined,
    is_leaf_type,
)
from graphql.execution.executor import invalid_return_type_error
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, inspect
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from strawberry.schema import Schema
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import CustomGraphQLEnumType
from strawberry.types.arguments import convert_argument
from strawberry.types.base import StrawberryMaybe, StrawberryOptional
from strawberry.types.field import StrawberryField
from strawberry.types.fields.resolver import StrawberryResolver

from commercegraph.schema import prefetch

# where graphql-core's fields keep their Strawberry definition
_DEFINITION = "strawberry-definition"
# the metadata key of a field whose resolver answers what its object holds
(_ANSWERS_HELD_KEY,) = prefetch.ANSWERS_HELD
# Strawberry's resolver for a field it reads with ``default_resolver`` and nothing else
_BASIC_RESOLVER = "_get_basic_result"

LeafPlan = tuple[str, GraphQLLeafType, bool]  # attribute, type, non-null
LeafPlans = dict[GraphQLObjectType, dict[str, LeafPlan]]
# the fields of each object type read with ``getattr`` alone: GraphQL name -> attribute
BasicFields = dict[GraphQLObjectType, dict[str, str]]

# what a plain completion may meet on a field node: both are decided while collecting fields
_COLLECTION_DIRECTIVES = frozenset({"include", "skip"})
# values that are never awaitable: no check needed before completing them
_PLAIN_VALUES = frozenset({str, int, float, bool})
# graphql-core's scalars that serialize a value of exactly this class to itself (an Int
# only within 32 bits)
_SERIALIZED_AS_IS: dict[GraphQLLeafType, type] = {
    GraphQLString: str,
    GraphQLBoolean: bool,
    GraphQLInt: int,
}
# values of an object type's field that graphql-core completes itself (null, or no object)
_NOT_OBJECTS = frozenset({*_PLAIN_VALUES, type(None), dict, list, tuple})
# classes no instance of which is awaitable or an exception (see `_awaitable`)
_SYNC_CLASSES: set[type] = {*_PLAIN_VALUES, type(None), dict, list, tuple}


def basic_fields(schema: GraphQLSchema) -> BasicFields:
    """The fields Strawberry reads with ``getattr`` and nothing else (no resolver function,
    no arguments, no permission or field extension), by object type and GraphQL name."""
    found: BasicFields = {}
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        fields: dict[str, str] = {}
        for name, field in named.fields.items():
            definition = field.extensions.get("strawberry-definition")
            if (
                isinstance(definition, StrawberryField)
                and not field.args
                and definition.is_basic_field
                and definition.default_resolver is getattr
                and getattr(field.resolve, "__name__", None) == _BASIC_RESOLVER
            ):
                fields[name] = definition.python_name
        if fields:
            found[named] = fields
    return found


def leaf_plans(schema: GraphQLSchema) -> LeafPlans:
    """The plain leaves of each object type, by GraphQL field name."""
    plans: LeafPlans = {}
    for named, fields in basic_fields(schema).items():
        leaves: dict[str, LeafPlan] = {}
        for name, attribute in fields.items():
            type_ = named.fields[name].type
            non_null = isinstance(type_, GraphQLNonNull)
            inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
            if is_leaf_type(inner):
                leaves[name] = (attribute, inner, non_null)
        if leaves:
            plans[named] = leaves
    return plans


class _NotPlain(Exception):
    """A value a plain completion does not complete itself: graphql-core completes it."""


_NOT_PLAIN = _NotPlain()

T = TypeVar("T")
Complete = Callable[[Any], Any]  # a value as read -> its completed result; raises when not plain
# per type and field group: the completion, or None when graphql-core's path is needed;
# the field group is held so that its id is not reused while the executor lives
_Plans = dict[tuple[GraphQLOutputType, int], tuple[Any, Complete | None]]
# an object type and its type check (None: none)
_ObjectKind = tuple[GraphQLObjectType, Callable[[Any, Any], Any] | None]
# where Strawberry's type checks of objects with interfaces (answering with a bool) come from
_STRAWBERRY_TYPE_CHECKS = "strawberry.schema.schema_converter"
# per field group: the group (held), its field (None: unknown), its nodes, its
# arguments (None: worked out on each call) and whether its resolver answers what its
# object holds (`prefetch.ANSWERS_HELD`)
_Resolution = tuple[Any, GraphQLField | None, list[FieldNode], dict[str, Any] | None, bool]
# per response key of a grouped field set: its field group, the attribute a plain field
# is read from ("" for ``__typename``), its completion (None: not plain) and, for a basic
# field of an object type whose selection is not plain, that object type and its check
_FieldPlan = list[tuple[str, Any, str, Complete | None, "_BasicObject | None"]]
# a basic field of an object type: its declared type and the object type it completes as
_BasicObject = tuple[GraphQLOutputType, _ObjectKind]


def execution_context_class(
    schema: GraphQLSchema,
) -> type[StrawberryGraphQLCoreExecutionContext]:
    """An executor class that knows `schema`'s plain fields."""
    plans = leaf_plans(schema)
    basics = basic_fields(schema)

    class PlainFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
        """graphql-core's executor that completes plain subtrees itself.

        A value whose type's selection reads only basic fields (through any depth of
        objects, lists, scalars and enums, ``__typename`` included) is completed with a
        plan made once per field group and type: attributes read and serialized straight
        into the result. The plan completes only values that complete without an error;
        on anything else (a null in a non-null position, a failed serialization, an
        awaitable, an exception) the value is completed again by graphql-core's path,
        which reports it as it always does. Basic fields are attribute reads, so reading
        one twice changes nothing.
        """

        # off: every value takes graphql-core's path (the results must be the same)
        complete_plain = True
        # the object types a plain completion was planned for, by name: how often
        planned: ClassVar[Counter[str]] = Counter()

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            manager = self.middleware_manager
            self._plain = self.complete_plain and not (manager is not None and manager.middlewares)
            self._plans: _Plans = {}
            self._field_plans: dict[tuple[GraphQLObjectType, int], tuple[Any, _FieldPlan]] = {}
            self._resolutions: dict[tuple[GraphQLObjectType, int], _Resolution] = {}
            # a held answer's completion by the same key as its resolution, which keeps the
            # field group alive
            self._held_plans: dict[tuple[GraphQLObjectType, int], Complete | None] = {}
            self._objects: dict[GraphQLOutputType, _ObjectKind | Literal[False]] = {}

        def _execute_resolved(
            self,
            parent_type: GraphQLObjectType,
            source: Any,
            field_details_list: Any,
            path: Path,
            position_context: Any,
        ) -> Any:
            """graphql-core's `execute_field` (without middleware) with what does not
            change from one item of a list to the next worked out once per field group:
            the field, its nodes and, when they hold only immutable values, its arguments."""
            key = (parent_type, id(field_details_list))
            resolution = self._resolutions.get(key)
            if resolution is None:
                resolution = self._resolutions[key] = self._resolution(
                    parent_type, field_details_list
                )
            _held, field_def, nodes, arguments, answers_held = resolution
            if field_def is None:
                return Undefined
            return_type = field_def.type
            if answers_held and arguments is not None:
                found = prefetch.held(source, path.key, arguments)  # type: ignore[arg-type]
                if found is not prefetch.MISSING:
                    completed = self._complete_held(
                        key, return_type, field_details_list, path, found
                    )
                    if completed is not Undefined:
                        return completed
            info = self.build_resolve_info(field_def, nodes, parent_type, path)
            try:
                if arguments is None:
                    first = field_details_list[0]
                    arguments = get_argument_values(
                        field_def,
                        first.node,
                        self.variable_values,
                        first.fragment_variable_values,
                        self.hide_suggestions,
                    )
                result = (field_def.resolve or self.field_resolver)(source, info, **arguments)
                if result.__class__ not in _SYNC_CLASSES and _awaitable(result, self.is_awaitable):
                    return self.complete_awaitable_value(
                        return_type, field_details_list, info, path, result, position_context
                    )
                completed = self.complete_value(
                    return_type, field_details_list, info, path, result, position_context
                )
                if completed.__class__ not in _SYNC_CLASSES and self.is_awaitable(completed):
                    return _await_completed(self, completed, return_type, field_details_list, path)
            except Exception as raw_error:
                self.handle_field_error(raw_error, return_type, field_details_list, path)
                return None
            return completed

        def _resolution(
            self, parent_type: GraphQLObjectType, field_details_list: Any
        ) -> _Resolution:
            first = field_details_list[0]
            field_def = self.schema.get_field(parent_type, first.node.name.value)
            nodes = [details.node for details in field_details_list]
            arguments: dict[str, Any] | None = None
            if field_def is not None and not (field_def.args or first.node.arguments):
                arguments = {}
            elif field_def is not None and first.fragment_variable_values is None:
                try:
                    found = get_argument_values(
                        field_def, first.node, self.variable_values, None, self.hide_suggestions
                    )
                except Exception:  # raised again, and reported, on each call
                    found = None
                if found is not None and all(_immutable(v) for v in found.values()):
                    arguments = found  # each call unpacks it: the resolver gets its own dict
            definition = field_def.extensions.get(_DEFINITION) if field_def is not None else None
            answers_held = isinstance(definition, StrawberryField) and bool(
                definition.metadata.get(_ANSWERS_HELD_KEY)
            )
            return field_details_list, field_def, nodes, arguments, answers_held

        def _complete_held(
            self,
            key: tuple[GraphQLObjectType, int],
            return_type: GraphQLOutputType,
            field_details_list: Any,
            path: Path,
            found: Any,
        ) -> Any:
            """The answer a field's object holds, completed as the resolver's would be when
            its plan completes it cleanly; an error held is reported as the resolver raising
            it would be. ``Undefined``: the resolver is called (and answers the same)."""
            if isinstance(found, Exception):
                self.handle_field_error(found, return_type, field_details_list, path)
                return None
            plans = self._held_plans
            if key in plans:
                complete = plans[key]
            else:
                complete = plans[key] = self._completion(return_type, field_details_list)
            if complete is None:
                return Undefined
            try:
                return complete(found)
            except Exception:  # completed by graphql-core, as the resolver's answer would be
                return Undefined

        def execute_field(
            self,
            parent_type: GraphQLObjectType,
            source: Any,
            field_details_list: Any,
            path: Path,
            position_context: Any,
        ) -> Any:
            node = field_details_list[0].node
            leaves = plans.get(parent_type)
            plan = leaves.get(node.name.value) if leaves is not None else None
            manager = self.middleware_manager
            if plan is None or (manager is not None and manager.middlewares):
                if self._plain:
                    return self._execute_resolved(
                        parent_type, source, field_details_list, path, position_context
                    )
                return super().execute_field(
                    parent_type, source, field_details_list, path, position_context
                )
            attribute, leaf_type, non_null = plan
            try:
                result = getattr(source, attribute)
                if isinstance(result, Exception):
                    raise result
                if result is None or result is Undefined:
                    if non_null:
                        msg = (
                            "Cannot return null for non-nullable field"
                            f" {parent_type}.{node.name.value}."
                        )
                        raise TypeError(msg)
                    return None
                coerced = leaf_type.coerce_output_value(result)
                if coerced is Undefined or coerced is None:
                    msg = (
                        f"Expected `{inspect(leaf_type)}.coerce_output_value("
                        f"{inspect(result)})` to return non-nullable value, returned:"
                        f" {inspect(coerced)}"
                    )
                    raise TypeError(msg)
                return coerced
            except Exception as raw_error:
                return_type = parent_type.fields[node.name.value].type
                self.handle_field_error(raw_error, return_type, field_details_list, path)
                return None

        def execute_fields(
            self,
            parent_type: GraphQLObjectType,
            source_value: Any,
            path: Path | None,
            grouped_field_set: Any,
            position_context: Any,
        ) -> Any:
            """graphql-core's `execute_fields`, reading plain fields without a path or a
            call of `execute_field` each."""
            if not self._plain or position_context is not None:
                return super().execute_fields(
                    parent_type, source_value, path, grouped_field_set, position_context
                )
            plan = self._field_plan(parent_type, grouped_field_set)
            results: dict[str, Any] = {}
            is_awaitable = self.is_awaitable
            awaitable_fields: list[str] = []
            try:
                for response_name, field_details_list, attribute, complete, kind in plan:
                    if complete is not None:
                        try:
                            results[response_name] = complete(
                                getattr(source_value, attribute) if attribute else None
                            )
                            continue
                        except Exception:  # completed below, as graphql-core does
                            pass
                    field_path = Path(path, response_name, parent_type.name)
                    result = Undefined
                    if kind is not None:
                        result = self._basic_object(
                            kind, source_value, attribute, field_details_list, field_path
                        )
                    if result is Undefined:
                        result = self.execute_field(
                            parent_type,
                            source_value,
                            field_details_list,
                            field_path,
                            position_context,
                        )
                    if result is not Undefined:
                        results[response_name] = result
                        if result.__class__ not in _SYNC_CLASSES and is_awaitable(result):
                            awaitable_fields.append(response_name)
            except Exception:
                if awaitable_fields:
                    self.settle_in_background([results[f] for f in awaitable_fields])
                raise
            if not awaitable_fields:
                return results

            async def get_results() -> dict[str, Any]:
                if len(awaitable_fields) == 1:
                    field = awaitable_fields[0]
                    results[field] = await results[field]
                else:
                    awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
                    results.update(zip(awaitable_fields, awaited, strict=True))
                return results

            return get_results()

        def _basic_object(
            self,
            kind: _BasicObject,
            source: Any,
            attribute: str,
            field_details_list: Any,
            path: Path,
        ) -> Any:
            """A basic field of an object type (an edge's ``node``) read and its object's
            fields executed, as graphql-core would, without a ``ResolveInfo``: Strawberry's
            type check does not read it. ``Undefined`` for a value graphql-core completes
            itself (a null, an exception, an awaitable, a failing type check)."""
            try:
                value = getattr(source, attribute)
            except Exception:  # read again, and reported, by graphql-core
                return Undefined
            if value.__class__ in _NOT_OBJECTS or (
                value.__class__ not in _SYNC_CLASSES
                and (isinstance(value, Exception) or _awaitable(value, self.is_awaitable))
            ):
                return Undefined
            return_type, (object_type, is_type_of) = kind
            if is_type_of is not None and not is_type_of(value, None):
                return Undefined
            try:
                completed = self.collect_and_execute_subfields(
                    object_type, field_details_list, path, value, None
                )
                if completed.__class__ not in _SYNC_CLASSES and self.is_awaitable(completed):
                    return _await_completed(self, completed, return_type, field_details_list, path)
            except Exception as raw_error:
                self.handle_field_error(raw_error, return_type, field_details_list, path)
                return None
            return completed

        def complete_value(
            self,
            return_type: GraphQLOutputType,
            field_details_list: Any,
            info: Any,
            path: Path,
            result: Any,
            position_context: Any,
        ) -> Any:
            if self._plain and position_context is None:
                complete = self._completion(return_type, field_details_list)
                if complete is not None:
                    try:
                        return complete(result)
                    except Exception:  # completed below, as graphql-core does
                        pass
                elif result is not None and result is not Undefined:
                    found = self._objects.get(return_type)
                    if found is None:
                        found = self._objects[return_type] = _object_kind(return_type)
                    if found and not isinstance(result, Exception):
                        # graphql-core's completion of an object, without the calls that
                        # unwrap its type: a null or an exception is left to it
                        object_type, is_type_of = found
                        if is_type_of is not None and not is_type_of(result, info):
                            raise invalid_return_type_error(object_type, result, field_details_list)
                        return self.collect_and_execute_subfields(
                            object_type, field_details_list, path, result, position_context
                        )
            return super().complete_value(
                return_type, field_details_list, info, path, result, position_context
            )

        def _field_plan(self, parent_type: GraphQLObjectType, grouped: Any) -> _FieldPlan:
            return _memo(
                self._field_plans,
                (parent_type, id(grouped)),
                grouped,
                lambda: self._new_field_plan(parent_type, grouped),
            )

        def _new_field_plan(self, parent_type: GraphQLObjectType, grouped: Any) -> _FieldPlan:
            """Each response key's field group, with the attribute to read and how to
            complete it when the field is plain (no attribute: ``__typename``)."""
            basic = basics.get(parent_type, {})
            plan: _FieldPlan = []
            for response_name, field_details_list in grouped.items():
                name = field_details_list[0].node.name.value
                attribute, complete, kind = "", None, None
                if _collected_only(field_details_list):
                    if name == "__typename":
                        complete = _constant(parent_type.name)
                    elif name in basic:
                        attribute = basic[name]
                        field_type = parent_type.fields[name].type
                        complete = self._completion(field_type, field_details_list)
                        found = _object_kind(field_type) if complete is None else False
                        kind = (field_type, found) if found else None
                    else:
                        complete = self._held_completion(
                            parent_type, response_name, field_details_list
                        )
                        if complete is not None:
                            attribute = prefetch.ANSWERS_ATTRIBUTE
                plan.append((response_name, field_details_list, attribute, complete, kind))
            return plan

        def _held_completion(
            self, parent_type: GraphQLObjectType, response_name: str, field_details_list: Any
        ) -> Complete | None:
            """How to complete the answer a field marked ``prefetch.ANSWERS_HELD`` finds held
            by its object, read off the object's answers (see `_held`), when its arguments
            are known once for every object and its selection is plain."""
            key = (parent_type, id(field_details_list))
            resolution = self._resolutions.get(key)
            if resolution is None:
                resolution = self._resolutions[key] = self._resolution(
                    parent_type, field_details_list
                )
            _group, field_def, _nodes, arguments, answers_held = resolution
            if field_def is None or not answers_held or arguments is None:
                return None
            complete = self._completion(field_def.type, field_details_list)
            return _held(response_name, arguments, complete) if complete is not None else None

        def _completion(self, type_: GraphQLOutputType, field_details_list: Any) -> Complete | None:
            return _memo(
                self._plans,
                (type_, id(field_details_list)),
                field_details_list,
                lambda: self._plan(type_, field_details_list),
            )

        def _plan(self, type_: GraphQLOutputType, field_details_list: Any) -> Complete | None:
            """How to complete a value of `type_` for this field group, when every part
            of its selection is plain."""
            non_null = isinstance(type_, GraphQLNonNull)
            inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
            if isinstance(inner, GraphQLList):
                item = self._completion(inner.of_type, field_details_list)
                return _list(item, non_null) if item is not None else None
            if is_leaf_type(inner):
                return _leaf(inner, non_null, self.is_awaitable)
            if not isinstance(inner, GraphQLObjectType):
                return None  # abstract types: graphql-core decides
            found = _object_kind(inner)
            if not found:
                return None  # a type check that may answer with an awaitable
            check = found[1]
            grouped, new_defer_usages, forbidden = self.collect_subfields(inner, field_details_list)
            if new_defer_usages or forbidden:
                return None
            entries: list[tuple[str, str, Complete]] = []
            for response_name, _group, attribute, complete, _kind in self._field_plan(
                inner, grouped
            ):
                if complete is None:
                    return None
                entries.append((response_name, attribute, complete))
            self.planned[inner.name] += 1
            answered = any(a == prefetch.ANSWERS_ATTRIBUTE for _, a, _ in entries)
            return _object(entries, non_null, self.is_awaitable, check, answered)

    return PlainFieldsExecutionContext


def _awaitable(value: Any, is_awaitable: Callable[[Any], bool]) -> bool:
    """Whether `value` is awaitable. Awaitability is its class's (a coroutine, an
    ``__await__``), but for generators, which a flag makes awaitable, and for classes that
    compute attributes: the class of any other value found not awaitable is remembered so
    that its next instances are not checked again. Exceptions are never remembered: a plain
    completion must still see them."""
    if is_awaitable(value):
        return True
    cls = value.__class__
    if (
        not issubclass(cls, (Exception, GeneratorType, CoroutineType))
        and cls.__getattribute__ is object.__getattribute__
        # an instance's own ``__getattr__`` (an enum class's metaclass has one: not theirs)
        and not any("__getattr__" in vars(klass) for klass in cls.__mro__)
    ):
        _SYNC_CLASSES.add(cls)
    return False


def _object_kind(type_: GraphQLOutputType) -> _ObjectKind | Literal[False]:
    """The object type a value of `type_` completes as, with its type check, when that
    check answers at once: none, or the one Strawberry makes for a type with interfaces."""
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if not isinstance(inner, GraphQLObjectType):
        return False
    check = inner.is_type_of
    if check is not None and (
        getattr(check, "__module__", None) != _STRAWBERRY_TYPE_CHECKS
        or not getattr(check, "__qualname__", "").endswith("<locals>.is_type_of")
    ):
        return False  # it may answer with an awaitable: graphql-core's path
    return inner, check


def _immutable(value: Any) -> bool:
    """Whether an argument value can be handed to every call: none can change it."""
    return value is None or value.__class__ in _PLAIN_VALUES or isinstance(value, Enum)


async def _await_completed(
    executor: Any,
    completed: Any,
    return_type: GraphQLOutputType,
    field_details_list: Any,
    path: Path,
) -> Any:
    try:
        return await completed
    except Exception as raw_error:
        executor.handle_field_error(raw_error, return_type, field_details_list, path)
        return None


def _collected_only(field_details_list: Any) -> bool:
    """Whether the field's nodes carry no directive but those collecting fields decides."""
    return all(
        directive.name.value in _COLLECTION_DIRECTIVES
        for details in field_details_list
        for directive in details.node.directives or ()
    )


def _memo(cache: dict[Any, tuple[Any, T]], key: Any, keep: Any, build: Callable[[], T]) -> T:
    """``build()`` once per key. The key holds an ``id()``, so the entry keeps the object
    it names alive (``keep``) for as long as the entry lives: the id cannot be reused."""
    held = cache.get(key)
    if held is None:
        held = cache[key] = (keep, build())
    return held[1]


def _constant(value: str) -> Complete:
    return lambda _source: value


def _leaf(
    leaf_type: GraphQLLeafType, non_null: bool, is_awaitable: Callable[[Any], bool]
) -> Complete:
    coerce = leaf_type.coerce_output_value
    # the value graphql-core's built-in scalar serializes to itself: handed on as it is
    same: Any = _SERIALIZED_AS_IS.get(leaf_type)

    def complete(value: Any) -> Any:
        if value.__class__ is same and (
            same is not int or GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT
        ):
            return value
        if value is None or value is Undefined:
            if non_null:
                raise _NOT_PLAIN
            return None
        if value.__class__ not in _SYNC_CLASSES and (
            isinstance(value, Exception) or _awaitable(value, is_awaitable)
        ):
            raise _NOT_PLAIN
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise _NOT_PLAIN
        return coerced

    if not isinstance(leaf_type, CustomGraphQLEnumType):
        return complete
    names, members = _enum_names(leaf_type), leaf_type.wrapped_cls

    def complete_enum(value: Any) -> Any:
        if value.__class__ is members:  # a member: by its name, a plain attribute
            name = names.get(value._name_)
            if name is not None:
                return name
        return complete(value)

    return complete_enum


def _enum_names(leaf_type: CustomGraphQLEnumType) -> dict[str, str]:
    """The names a Strawberry enum type serializes its members to, by each member's own
    name: what its ``coerce_output_value`` finds by scanning its values for an equal value,
    found once for each member."""
    names: dict[str, str] = {}
    member: Enum
    for member in leaf_type.wrapped_cls:
        for name, value in leaf_type.values.items():
            if member.value == value.value:
                names[member._name_] = name
                break
    return names


def _list(item: Complete, non_null: bool) -> Complete:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            if non_null:
                raise _NOT_PLAIN
            return None
        if value.__class__ is not list and value.__class__ is not tuple:
            raise _NOT_PLAIN  # other iterables, async ones included: graphql-core's path
        return [item(v) for v in value]

    return complete


def _held(response_name: str, given: dict[str, Any], complete: Complete) -> Complete:
    """The completion of what an object's answers (``prefetch.Answers``) hold for this
    response key and these arguments (as graphql-core coerced them): what the field's
    resolver would answer. Nothing held, or an error held, is not plain: the resolver is
    called, or the error reported, by the executor's path."""

    def complete_held(answers: Any) -> Any:
        # prefetch.held_in, inline: this runs for every field held of every item of a list
        found = answers.get(response_name) if answers is not None else None
        if found is None or found[2] is None or found[2] != given:
            raise _NOT_PLAIN
        value = found[1]
        # a class known to be synchronous has no exception instances (see `_awaitable`)
        if value.__class__ not in _SYNC_CLASSES and isinstance(value, Exception):
            raise _NOT_PLAIN
        return complete(value)

    return complete_held


def _object(
    entries: list[tuple[str, str, Complete]],
    non_null: bool,
    is_awaitable: Callable[[Any], bool],
    is_type_of: Callable[[Any, Any], Any] | None = None,
    answered: bool = False,
) -> Complete:
    """``is_type_of``: Strawberry's type check (it reads no ``info``); ``answered``: some
    entry reads the object's held answers, so an object holding none is not plain."""
    answers = prefetch.ANSWERS_ATTRIBUTE

    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            if non_null:
                raise _NOT_PLAIN
            return None
        if value.__class__ not in _SYNC_CLASSES and (
            isinstance(value, Exception) or _awaitable(value, is_awaitable)
        ):
            raise _NOT_PLAIN
        if is_type_of is not None and not is_type_of(value, None):
            raise _NOT_PLAIN
        if answered and getattr(value, answers, None) is None:
            raise _NOT_PLAIN  # before any entry is read: what holds no answers fails at once
        found = {}  # a loop, not a comprehension: no frame of its own for each object
        for response_name, attribute, complete_entry in entries:
            found[response_name] = complete_entry(getattr(value, attribute) if attribute else None)
        return found

    return complete


# argument types whose values (of exactly that class) Strawberry hands to resolvers as given
_AS_IS_SCALARS: frozenset[object] = frozenset({str, int, float, bool})
# Strawberry's wrappers around a resolver function: what `lean_resolvers` replaces
_RESOLVER_WRAPPERS = frozenset({"_resolver", "_async_resolver"})


def _none_is_none(type_: object) -> bool:
    """Whether Strawberry converts a null of `type_` to ``None`` (``Maybe`` wraps it)."""
    return isinstance(type_, StrawberryOptional) and not isinstance(type_, StrawberryMaybe)


def _lean(field: StrawberryField, schema: Schema) -> Callable[..., Any]:
    """`field`'s resolver called as Strawberry calls it (arguments converted, the source as
    ``self``/``root``/``parent``, ``info`` when asked for), without the chain Strawberry
    builds for field extensions and exception handlers on every call."""
    resolver = field.base_resolver
    assert resolver is not None
    call = _direct_call(field, resolver)
    wants_self = resolver.self_parameter is not None
    source_names = [
        p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None
    ]
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    info_class = schema.config.info_class
    converter = schema.config.name_converter
    arguments = [
        (
            converter.from_argument(a),
            a.python_name,
            a.type,
            _none_is_none(a.type),
            _as_is_type(a.type),
        )
        for a in field.arguments
    ]
    registry = schema.schema_converter.scalar_registry
    config = schema.config

    def lean_resolver(source: Any, info: Any, **raw: Any) -> Any:
        kwargs: dict[str, Any] = {}
        strawberry_info = None
        if raw:
            for graphql_name, python_name, type_, none_is_none, as_is in arguments:
                if graphql_name in raw:
                    value = raw[graphql_name]
                    if value is None and none_is_none:
                        kwargs[python_name] = None
                    elif value.__class__ is as_is:
                        kwargs[python_name] = value  # what `convert_argument` returns for it
                    else:
                        if strawberry_info is None:
                            strawberry_info = info_class(_raw_info=info, _field=field)
                        kwargs[python_name] = convert_argument(
                            value, type_, registry, config, strawberry_info, path=(graphql_name,)
                        )
        if info_name is not None:
            kwargs[info_name] = strawberry_info or info_class(_raw_info=info, _field=field)
        for name in source_names:
            kwargs[name] = source
        if call is not None:
            return call(source, **kwargs) if wants_self else call(**kwargs)
        return field.get_result(source, None, [source] if wants_self else [], kwargs)

    return lean_resolver


def _direct_call(field: StrawberryField, resolver: StrawberryResolver[Any]) -> Any:
    """The function `field.get_result` ends up calling, when nothing on the way does more
    than pass the arguments on (Strawberry's own `get_result` and resolver); else None."""
    wrapped = resolver.wrapped_func
    if (
        type(field).get_result is StrawberryField.get_result
        and type(resolver).__call__ is StrawberryResolver.__call__
        and callable(wrapped)
    ):
        return wrapped
    return None


def _as_is_type(type_: object) -> type | None:
    """The built-in scalar class whose values `convert_argument` returns unchanged for an
    argument of `type_` (``Maybe`` arguments excepted: they are wrapped)."""
    if isinstance(type_, StrawberryMaybe):
        return None
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    return type_ if isinstance(type_, type) and type_ in _AS_IS_SCALARS else None


def lean_resolvers(schema: Schema) -> int:
    """Give each resolver function without field extensions (permissions included) a direct
    call; returns how many fields got one. With exception handlers configured, none does."""
    if getattr(schema.schema_converter, "_exception_handler_specs", None):
        return 0
    replaced = 0
    for named in schema._schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for field in named.fields.values():
            definition = field.extensions.get("strawberry-definition")
            if (
                isinstance(definition, StrawberryField)
                and definition.base_resolver is not None
                and not definition.extensions
                and not definition.is_subscription
                and field.subscribe is None
                and getattr(field.resolve, "__name__", None) in _RESOLVER_WRAPPERS
            ):
                field.resolve = _lean(definition, schema)
                replaced += 1
    return replaced
