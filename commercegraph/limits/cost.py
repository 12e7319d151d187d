"""Refuse operations whose estimated cost exceeds a budget, before any resolver runs.

The estimate follows graphql-armor's weights (an object field costs 2, a leaf 1) with the
list sizes of Apollo's demand control: a list is as long as its ``first``/``last``
argument, the one on its connection field (``orders(first: 5) { edges ... }``), the
argument's default, or else an assumed size. Fragments on abstract types are all counted.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ExecutionResult as GraphQLExecutionResult,
)
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
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

from commercegraph.limits._walk import (
    INTROSPECTION_FIELDS,
    DocumentFacts,
    PerFragment,
    fragments_of,
    limit_error,
)

CODE = "COST_ESTIMATED_TOO_EXPENSIVE"
OBJECT_COST = 2  # graphql-armor costLimit objectCost
SCALAR_COST = 1  # graphql-armor costLimit scalarCost
SLICING_ARGUMENTS = ("first", "last")
MAX_KEYED_VARIABLES = 32  # an estimate with more variables than this is not kept


@dataclass(frozen=True, slots=True)
class Cost:
    """``fixed + per_item * n`` where n is the length of the enclosing connection: a
    fragment's cost in this form holds wherever it is spread, so it is computed once."""

    fixed: int
    per_item: int


FREE = Cost(0, 0)
LEAF = Cost(SCALAR_COST, 0)


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
        self._per_fragment = PerFragment(fragments, self._fragment, cyclic=FREE)
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
        return self._total(self.selection(root, operation.selection_set), None)

    def _total(self, cost: Cost, size: int | None) -> int:
        return cost.fixed + cost.per_item * (self.default_list_size if size is None else size)

    def selection(self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None) -> Cost:
        fixed = per_item = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                cost = self.field(parent, selection)
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = self.schema.get_type(selection.type_condition.name.value) or parent
                cost = self.selection(target, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                cost = self._per_fragment(selection.name.value) or FREE
            else:
                continue
            fixed += cost.fixed
            per_item += cost.per_item
        return Cost(fixed, per_item)

    def _fragment(self, fragment: FragmentDefinitionNode) -> Cost:
        target = self.schema.get_type(fragment.type_condition.name.value)
        if target is None:  # an unknown type condition: validation refuses the document
            return FREE
        return self.selection(target, fragment.selection_set)

    def field(self, parent: GraphQLNamedType, node: FieldNode) -> Cost:
        name = node.name.value
        if name in INTROSPECTION_FIELDS:
            return FREE
        definition = self._definition(parent, name)
        if definition is None:  # __typename, or a field validation already refused
            return LEAF
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return LEAF
        own = self._slice(node, definition)
        inner = self.selection(named, node.selection_set)
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            item = OBJECT_COST + self._total(inner, None)
            # without its own first/last, a list is as long as its connection's
            return Cost(own * item, 0) if own is not None else Cost(0, item)
        return Cost(OBJECT_COST + self._total(inner, own), 0)

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


def estimate_key(
    query: str | None, operation_name: str | None, variables: Mapping[str, Any] | None
) -> Hashable | None:
    """What an estimate depends on besides the schema: the document, the operation, and of
    the variables only which are given and the integers among them (the estimator reads
    nothing else). None when the estimate should not be kept."""
    if query is None or len(variables or ()) > MAX_KEYED_VARIABLES:
        return None
    given = sorted(
        (name, value if type(value) is int else None) for name, value in (variables or {}).items()
    )
    return (query, operation_name, tuple(given))


class MaxCost(SchemaExtension):
    """``extensions=[lambda: MaxCost(5000, default_list_size=10)]``; pass one
    ``DocumentFacts`` to every instance of an app to keep its estimates."""

    def __init__(
        self, limit: int, *, default_list_size: int = 10, estimates: DocumentFacts | None = None
    ) -> None:
        self.limit = limit
        self.default_list_size = default_list_size
        self.estimates = estimates or DocumentFacts(maxsize=0)
        self.cost: int | None = None

    def on_validate(self) -> Iterator[None]:
        # Estimated before validation, so a document too expensive to run is refused without
        # paying for its full validation; one the estimator cannot read yet (it is invalid)
        # is estimated again once validated.
        ctx = self.execution_context
        if ctx.graphql_document is not None and ctx.pre_execution_errors is None:
            try:
                self.cost = self._estimate()
            except Exception:  # an invalid document: validation will say what is wrong
                self.cost = None
            if self.cost is not None and self.cost > self.limit:
                ctx.pre_execution_errors = [self._refusal(self.cost)]
        yield

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None:
            cost = self.cost if self.cost is not None else self._estimate()
            if cost > self.limit:
                # a result set here stops execution before any resolver runs
                ctx.result = GraphQLExecutionResult(data=None, errors=[self._refusal(cost)])
        yield

    def _estimate(self) -> int:
        ctx = self.execution_context
        document = ctx.graphql_document
        assert document is not None
        cost: int = self.estimates.get(
            estimate_key(ctx.query, ctx.operation_name, ctx.variables),
            lambda: estimate_cost(
                ctx.schema._schema,
                document,
                ctx.operation_name,
                ctx.variables,
                self.default_list_size,
            ),
        )
        return cost

    def _refusal(self, cost: int) -> GraphQLError:
        return limit_error(
            CODE,
            f"Estimated cost {cost} exceeds the limit of {self.limit}.",
            estimatedCost=cost,
            maxCost=self.limit,
        )
