"""Refuse operations whose estimated cost exceeds a budget, before any resolver runs.

The estimate follows graphql-armor's weights (an object field costs 2, a leaf 1) with the
list sizes of Apollo's demand control: a list is as long as its ``first``/``last``
argument, the one on its connection field (``orders(first: 5) { edges ... }``), the
argument's default, or else an assumed size. Fragments on abstract types are all counted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ExecutionResult as GraphQLExecutionResult,
)
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from commercegraph.limits._walk import INTROSPECTION_FIELDS, fragments_of, limit_error

CODE = "COST_ESTIMATED_TOO_EXPENSIVE"
OBJECT_COST = 2  # graphql-armor costLimit objectCost
SCALAR_COST = 1  # graphql-armor costLimit scalarCost
SLICING_ARGUMENTS = ("first", "last")


class CostEstimator:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        operation: OperationDefinitionNode,
        default_list_size: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = dict(variables)
        self.default_list_size = default_list_size
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and definition.default_value is not None:
                value = definition.default_value
                if isinstance(value, IntValueNode):
                    self.variables[name] = int(value.value)

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0
        return self.selection(root, operation.selection_set, None)

    def selection(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None, size: int | None
    ) -> int:
        return sum(self.field(p, f, size) for p, f in self._fields(parent, selection_set, set()))

    def field(self, parent: GraphQLNamedType, node: FieldNode, inherited: int | None) -> int:
        name = node.name.value
        if name in INTROSPECTION_FIELDS:
            return 0
        definition = self._definition(parent, name)
        if definition is None:  # __typename, or a field validation already refused
            return SCALAR_COST
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return SCALAR_COST
        own = self._slice(node, definition)
        is_list = isinstance(get_nullable_type(definition.type), GraphQLList)
        if is_list:
            count = own if own is not None else inherited
            multiplier = self.default_list_size if count is None else count
            return multiplier * (OBJECT_COST + self.selection(named, node.selection_set, None))
        return OBJECT_COST + self.selection(named, node.selection_set, own)

    def _slice(self, node: FieldNode, definition: GraphQLField) -> int | None:
        given = {a.name.value: a.value for a in node.arguments or ()}
        for argument in SLICING_ARGUMENTS:
            value = given.get(argument)
            if isinstance(value, IntValueNode):
                return max(0, int(value.value))
            if isinstance(value, VariableNode):
                found = self.variables.get(value.name.value)
                if isinstance(found, int) and not isinstance(found, bool):
                    return max(0, found)
        for argument in SLICING_ARGUMENTS:
            declared = definition.args.get(argument)
            default = declared.default_value if declared is not None else None
            if isinstance(default, int) and not isinstance(default, bool):
                return max(0, default)
        return None

    @staticmethod
    def _definition(parent: GraphQLNamedType, name: str) -> GraphQLField | None:
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            found: GraphQLField | None = parent.fields.get(name)
            return found
        return None

    def _fields(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None, visited: set[str]
    ) -> Iterator[tuple[GraphQLNamedType, FieldNode]]:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield parent, selection
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = self.schema.get_type(selection.type_condition.name.value) or parent
                yield from self._fields(target, selection.selection_set, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in visited:
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                yield from self._fields(target, fragment.selection_set, visited | {name})


def estimate_cost(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    default_list_size: int,
) -> int:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    estimator = CostEstimator(
        schema, fragments_of(document.definitions), variables or {}, operation, default_list_size
    )
    return estimator.operation(operation)


class MaxCost(SchemaExtension):
    """``extensions=[lambda: MaxCost(5000, default_list_size=10)]``."""

    def __init__(self, limit: int, *, default_list_size: int = 10) -> None:
        self.limit = limit
        self.default_list_size = default_list_size

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None:
            cost = estimate_cost(
                ctx.schema._schema,
                ctx.graphql_document,
                ctx.operation_name,
                ctx.variables,
                self.default_list_size,
            )
            if cost > self.limit:
                # a result set here stops execution before any resolver runs
                ctx.result = GraphQLExecutionResult(
                    data=None,
                    errors=[
                        limit_error(
                            CODE,
                            f"Estimated cost {cost} exceeds the limit of {self.limit}.",
                            estimatedCost=cost,
                            maxCost=self.limit,
                        )
                    ],
                )
        yield
