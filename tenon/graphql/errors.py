"""The one place where exceptions become GraphQL errors.

* :class:`tenon.TenonError` -> its message, ``extensions.code`` (stable) and ``extensions.field``;
* optimistic-lock and uniqueness failures -> ``CONFLICT``;
* GraphQL syntax/validation errors stay visible, coded ``GRAPHQL_VALIDATION_FAILED``
  (``BAD_USER_INPUT`` for variables that do not coerce);
* anything else -> ``INTERNAL_ERROR`` with the request id; the traceback is logged,
  never sent.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from strawberry.extensions import SchemaExtension

from tenon.core.errors import Conflict, TenonError

log = logging.getLogger("tenon.graphql")


def domain_error(exc: BaseException) -> TenonError | None:
    if isinstance(exc, TenonError):
        return exc
    if isinstance(exc, StaleDataError):
        return Conflict("the record was changed by someone else; reload and try again")
    if isinstance(exc, IntegrityError):
        return Conflict("the change conflicts with existing data (a duplicate or a missing reference)")
    return None


def to_graphql_error(error: GraphQLError, request_id: str) -> GraphQLError:
    original = error.original_error
    bounded = _bounded_variable_error(error)
    if bounded is not None:
        return bounded
    if original is None or isinstance(original, GraphQLError):
        code = (error.extensions or {}).get("code")
        if code is None:
            msg = error.message
            code = "BAD_USER_INPUT" if msg.startswith("Variable ") else "GRAPHQL_VALIDATION_FAILED"
        return GraphQLError(error.message, nodes=error.nodes, source=error.source, positions=error.positions,
                            path=error.path, extensions={**(error.extensions or {}), "code": code})
    mapped = domain_error(original)
    if mapped is not None:
        ext: dict[str, Any] = {"code": mapped.code}
        if mapped.field:
            ext["field"] = mapped.field
        if mapped.details:
            ext["details"] = mapped.details
        return GraphQLError(mapped.message, nodes=error.nodes, source=error.source,
                            positions=error.positions, path=error.path, extensions=ext)
    log.error("request %s: unexpected error at %s", request_id, error.path, exc_info=original)
    return GraphQLError(
        f"internal error (request {request_id})", nodes=error.nodes, source=error.source,
        positions=error.positions, path=error.path,
        extensions={"code": "INTERNAL_ERROR", "requestId": request_id},
    )


_VARIABLE = re.compile(r"^Variable '\$(\w+)' has invalid value(?: at ([^:]*))?:")


def _bounded_variable_error(error: GraphQLError) -> GraphQLError | None:
    """A variable rejected by a bounded scalar (:mod:`tenon.graphql.scalars`): ``VALIDATION`` with the
    field (the variable, or the path inside it)."""
    inner = error.original_error
    if not isinstance(inner, GraphQLError) or (inner.extensions or {}).get("code") != "VALIDATION":
        return None
    match = _VARIABLE.match(error.message)
    field = ((match.group(2) or "").lstrip(".") or match.group(1)) if match else None
    return GraphQLError(error.message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, extensions={**(inner.extensions or {}), "field": field})


class ErrorMapping(SchemaExtension):
    """Outermost extension: rewrites every error of the result as described above."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not getattr(result, "errors", None):
            return
        self._map(result)

    def on_stream_result(self, result: Any) -> Iterator[None]:  # type: ignore[override]
        # streamed results (subscriptions over websockets) are mapped one by one, before they are sent
        if getattr(result, "errors", None):
            self._map(result)
        yield

    def _map(self, result: Any) -> None:
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "") if context is not None else ""
        result.errors = [to_graphql_error(e, request_id) for e in result.errors]
