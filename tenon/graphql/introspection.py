"""Introspection only for signed-in users (``[api] introspection = "authenticated"``, the default).

``true`` lets anyone introspect, ``false`` nobody (``DisableIntrospection``). With
``"authenticated"``, an operation selecting ``__schema`` or ``__type`` from a request without a
valid token is refused with ``UNAUTHENTICATED`` before it executes (``__typename`` stays free).
Runs after :class:`tenon.graphql.execution.Transaction` has resolved the token.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError
from graphql.language import FieldNode, Visitor, visit
from strawberry.extensions import SchemaExtension

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


class _Finder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if node.name.value in INTROSPECTION_FIELDS:
            self.found = True


def introspects(document: Any) -> bool:
    """Whether a parsed document selects ``__schema`` or ``__type`` anywhere (fragments included)."""
    if document is None:
        return False
    finder = _Finder()
    visit(document, finder)
    return finder.found


class SignedInIntrospection(SchemaExtension):
    """Refuse introspection to requests without a signed-in user."""

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        if getattr(ec.context, "actor", None) is None and introspects(ec.graphql_document):
            ec.result = ExecutionResult(data=None, errors=[GraphQLError(
                "sign in to introspect the schema: send 'Authorization: Bearer <token>'",
                extensions={"code": "UNAUTHENTICATED"})])
        yield
