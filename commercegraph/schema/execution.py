"""graphql-core's executor with a short path for plain leaves.

Most fields of a response are scalars read off a record (a product's ``sku``, a money's
``amount``). graphql-core resolves each one like any other field: a ``ResolveInfo`` of
fifteen slots, Strawberry's wrapper around ``getattr``, then the general completion. A
leaf that Strawberry resolves with its default resolver (no resolver function, no
arguments, no permission or field extension) is read here with ``getattr`` and coerced
straight away; errors are located and collected as graphql-core does, with the same
messages. Every other field takes graphql-core's path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import Path, inspect
from strawberry.schema import Schema
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.arguments import convert_argument
from strawberry.types.base import StrawberryMaybe, StrawberryOptional
from strawberry.types.field import StrawberryField

# Strawberry's resolver for a field it reads with ``default_resolver`` and nothing else
_BASIC_RESOLVER = "_get_basic_result"

LeafPlan = tuple[str, GraphQLLeafType, bool]  # attribute, type, non-null
LeafPlans = dict[GraphQLObjectType, dict[str, LeafPlan]]


def leaf_plans(schema: GraphQLSchema) -> LeafPlans:
    """The plain leaves of each object type, by GraphQL field name."""
    plans: LeafPlans = {}
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        fields: dict[str, LeafPlan] = {}
        for name, field in named.fields.items():
            definition = field.extensions.get("strawberry-definition")
            if (
                not isinstance(definition, StrawberryField)
                or field.args
                or not definition.is_basic_field
                or definition.default_resolver is not getattr
                or getattr(field.resolve, "__name__", None) != _BASIC_RESOLVER
            ):
                continue
            non_null = isinstance(field.type, GraphQLNonNull)
            inner = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if is_leaf_type(inner):
                fields[name] = (definition.python_name, inner, non_null)
        if fields:
            plans[named] = fields
    return plans


def execution_context_class(
    schema: GraphQLSchema,
) -> type[StrawberryGraphQLCoreExecutionContext]:
    """An executor class that knows `schema`'s plain leaves."""
    plans = leaf_plans(schema)

    class LeafShortcutExecutionContext(StrawberryGraphQLCoreExecutionContext):
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

    return LeafShortcutExecutionContext


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
    get_result = field.get_result
    wants_self = resolver.self_parameter is not None
    source_names = [
        p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None
    ]
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    info_class = schema.config.info_class
    converter = schema.config.name_converter
    arguments = [
        (converter.from_argument(a), a.python_name, a.type, _none_is_none(a.type))
        for a in field.arguments
    ]
    registry = schema.schema_converter.scalar_registry
    config = schema.config

    def lean_resolver(source: Any, info: Any, **raw: Any) -> Any:
        kwargs: dict[str, Any] = {}
        if raw:
            strawberry_info = info_class(_raw_info=info, _field=field)
            for graphql_name, python_name, type_, none_is_none in arguments:
                if graphql_name in raw:
                    value = raw[graphql_name]
                    kwargs[python_name] = (
                        None
                        if value is None and none_is_none
                        else convert_argument(
                            value, type_, registry, config, strawberry_info, path=(graphql_name,)
                        )
                    )
            if info_name is not None:
                kwargs[info_name] = strawberry_info
        elif info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=field)
        for name in source_names:
            kwargs[name] = source
        return get_result(source, None, [source] if wants_self else [], kwargs)

    return lean_resolver


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
