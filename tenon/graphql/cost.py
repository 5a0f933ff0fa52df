"""Query cost limit: an estimate of how many objects an operation can produce, refused before it runs.

The model (like Shopify's and GitHub's): every object or list field costs 1 for each time it can
be resolved; scalar fields are free. A field with a ``first`` argument (a connection) multiplies
everything below it by its page size (``first``, or ``[api] default_page_size`` when absent); any
other list field multiplies by :data:`LIST_ESTIMATE`. Lists inside a connection (``nodes``,
``edges``) are already counted by ``first``. An operation costing more than ``[api] max_cost`` is
refused with ``QUERY_TOO_COMPLEX``; ``extensions`` carry ``cost`` and ``maxCost``.

On PostgreSQL every operation also runs under ``SET LOCAL statement_timeout`` (``[api]
statement_timeout_ms``), so no single statement holds a connection for long.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    VariableNode,
    get_named_type,
)
from sqlalchemy import text
from strawberry.extensions import SchemaExtension

LIST_ESTIMATE = 10
"""Assumed length of a list field without ``first`` (order lines, history, nested lists)."""
CONNECTION_LISTS = frozenset({"nodes", "edges"})


def _is_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def _first(node: FieldNode, variables: dict[str, Any], default: int) -> int:
    for arg in node.arguments or ():
        if arg.name.value != "first":
            continue
        if isinstance(arg.value, IntValueNode):
            return max(int(arg.value.value), 0)
        if isinstance(arg.value, VariableNode):
            value = variables.get(arg.value.name.value)
            return max(int(value), 0) if isinstance(value, int) and not isinstance(value, bool) else default
        return default
    return default


class _Estimator:
    def __init__(self, schema: Any, fragments: dict[str, Any], variables: dict[str, Any], page_size: int) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.page_size = page_size

    def selection_set(self, selection_set: Any, parent: Any, multiplier: int, seen: frozenset[str]) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, multiplier, seen)
            elif isinstance(selection, InlineFragmentNode):
                on = self.schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
                total += self.selection_set(selection.selection_set, on, multiplier, seen)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    on = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.selection_set(fragment.selection_set, on, multiplier, seen | {selection.name.value})
        return total

    def field(self, node: FieldNode, parent: Any, multiplier: int, seen: frozenset[str]) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 1 if name != "__typename" else 0  # introspection is small and bounded
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(name)
        if definition is None or node.selection_set is None:
            return 0  # a scalar (or unknown: validation reports it)
        size = 1
        if "first" in definition.args:
            size = _first(node, self.variables, self.page_size)
        elif _is_list(definition.type) and not (name in CONNECTION_LISTS and _is_connection(parent)):
            size = LIST_ESTIMATE
        inner = multiplier * max(size, 1)
        return multiplier + self.selection_set(node.selection_set, get_named_type(definition.type), inner, seen)


def _is_connection(type_: Any) -> bool:
    return isinstance(type_, GraphQLObjectType) and type_.name.endswith("Connection")


def estimate(schema: Any, document: Any, operation_name: str | None, variables: dict[str, Any] | None,
             page_size: int) -> int:
    """The cost of the operation ``operation_name`` of a validated ``document`` (see the module doc)."""
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    operations = [d for d in document.definitions if d.kind == "operation_definition"]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if not operations:
        return 0
    operation = operations[0]
    root = {"query": schema.query_type, "mutation": schema.mutation_type,
            "subscription": schema.subscription_type}[operation.operation.value]
    return _Estimator(schema, fragments, variables or {}, page_size).selection_set(
        operation.selection_set, root, 1, frozenset())


class QueryCost(SchemaExtension):
    """Refuse operations over ``[api] max_cost`` before they execute (and before a session opens)."""

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        document = ec.graphql_document
        site = ec.context.tenon.site if ec.context is not None else None
        if document is not None and site is not None:
            maximum = int(site.setting("api", "max_cost"))
            cost = estimate(ec.schema._schema, document, ec.operation_name, ec.variables,
                            int(site.setting("api", "default_page_size")))
            if cost > maximum:
                ec.result = ExecutionResult(data=None, errors=[GraphQLError(
                    f"the query is too complex: estimated cost {cost} is over the limit of {maximum}; "
                    "ask for smaller pages or fewer nested lists",
                    extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost, "maxCost": maximum})])
        yield


def statement_timeout_ms(session: Any, site: Any) -> int | None:
    """``[api] statement_timeout_ms`` on PostgreSQL (``None`` elsewhere), for :func:`tenon.core.auth.sign_in`."""
    if session.get_bind().dialect.name == "postgresql":
        return int(site.setting("api", "statement_timeout_ms"))
    return None


def apply_statement_timeout(session: Any, site: Any) -> None:
    """``SET LOCAL statement_timeout`` for the (sync) session's current transaction (PostgreSQL only)."""
    if session.get_bind().dialect.name == "postgresql":
        milliseconds = int(site.setting("api", "statement_timeout_ms"))
        session.execute(text(f"SET LOCAL statement_timeout = {milliseconds}"))
