"""Bounded input values: ids, decimals, dates, datetimes and strings.

Every value a client sends passes these checks before a resolver runs, so out-of-range input is a
``VALIDATION`` error naming the field, never an overflow deep in SQLAlchemy or ``decimal``:

* ``ID``: a decimal integer from 1 to 2^63-1 (the database's ``BIGINT`` range);
* ``Decimal``: finite, at most :data:`DECIMAL_INTEGER_DIGITS` digits before the point and
  :data:`DECIMAL_SCALE` after (the ``Numeric(18, 4)`` of every quantity and amount column);
* ``Date``: from :data:`MIN_DATE` to :data:`MAX_DATE`;
* ``DateTime``: ISO 8601 in the same years; a value without an offset is taken as UTC;
* ``String``: at most :func:`string_limit` characters for its argument or input field name.

``Decimal``, ``Date`` and ``DateTime`` are scalar overrides raising a :class:`graphql.GraphQLError`
coded ``VALIDATION``; :class:`InputLimits` (a schema extension) adds the ``field`` to those for literal
arguments (:func:`tenon.graphql.errors.to_graphql_error` does it for variables) and checks the
built-in ``ID`` and ``String``, which cannot be replaced, in literals and variables.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Iterator
from typing import Any

import dateutil.parser
from graphql import (
    ExecutionResult,
    GraphQLError,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLString,
    ValueNode,
    ValuesOfCorrectTypeRule,
)
from graphql.language import SKIP, Visitor, visit, ArgumentNode, IntValueNode, ObjectFieldNode, StringValueNode, VisitorAction
from graphql.utilities import type_from_ast
from graphql.utilities.validate_input_value import validate_input_literal
from strawberry.extensions import SchemaExtension
from strawberry.types.scalar import ScalarDefinition

from tenon.core.errors import ValidationError
from tenon.core.ids import MAX_ID, decode_id  # the kernel's one id rule

DECIMAL_INTEGER_DIGITS = 14
DECIMAL_SCALE = 4
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2999, 12, 31)
DEFAULT_STRING_LIMIT = 1000
STRING_LIMITS: dict[str, int] = {
    "search": 200,
    "code": 64, "username": 100, "reference": 100, "barcode": 100,
    "name": 200, "description": 500,
    "notes": 2000, "note": 2000, "reason": 2000, "comment": 2000,
    "document": 5 * 1024 * 1024,  # configImport: tenon.core.config.MAX_DOCUMENT_BYTES checks it exactly
}
"""Maximum length of a string argument or input field, by its (GraphQL) name; others get
:data:`DEFAULT_STRING_LIMIT`."""



def _invalid(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "VALIDATION"})


def check_decimal(value: Any) -> decimal.Decimal:
    """A finite decimal with at most 14 integer digits and 4 decimals (``Numeric(18, 4)``)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _invalid("a decimal must be a string or a number")
    text = str(value).strip()
    if len(text) > 64:
        raise _invalid("a decimal has at most 64 characters")
    try:
        number = decimal.Decimal(text)
    except decimal.DecimalException:
        raise _invalid(f"not a decimal number: {text[:40]!r}") from None
    if not number.is_finite():
        raise _invalid("a decimal must be finite")
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    scale = max(0, -exponent)
    integer_digits = len(digits) + exponent if digits != (0,) else 0
    if integer_digits > DECIMAL_INTEGER_DIGITS:
        raise _invalid(f"a decimal has at most {DECIMAL_INTEGER_DIGITS} digits before the point")
    if scale > DECIMAL_SCALE and number != number.quantize(decimal.Decimal(1).scaleb(-DECIMAL_SCALE), context=decimal.Context(prec=60)):
        raise _invalid(f"a decimal has at most {DECIMAL_SCALE} digits after the point")
    return number


def _parse_date(value: Any) -> dt.date:
    if not isinstance(value, str):
        raise _invalid("a date must be a string (YYYY-MM-DD)")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise _invalid(f"not a date (YYYY-MM-DD): {value[:40]!r}") from None
    if not MIN_DATE <= day <= MAX_DATE:
        raise _invalid(f"a date must be from {MIN_DATE} to {MAX_DATE}")
    return day


def _parse_datetime(value: Any) -> dt.datetime:
    if not isinstance(value, str) or len(value) > 64:
        raise _invalid("a datetime must be an ISO 8601 string")
    try:
        moment = dateutil.parser.isoparse(value)
    except (ValueError, OverflowError):
        raise _invalid(f"not an ISO 8601 datetime: {value[:40]!r}") from None
    if not MIN_DATE.year <= moment.year <= MAX_DATE.year:
        raise _invalid(f"a datetime must be in the years {MIN_DATE.year} to {MAX_DATE.year}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    try:
        return moment.astimezone(dt.timezone.utc)
    except OverflowError:
        raise _invalid(f"a datetime must be in the years {MIN_DATE.year} to {MAX_DATE.year}") from None


def scalar_overrides() -> dict[object, ScalarDefinition]:
    """The ``scalar_overrides`` of the Tenon schema: the bounded ``Decimal``, ``Date`` and ``DateTime``
    (``ID`` and ``String`` are built-in and cannot be replaced: :class:`InputLimits` checks them)."""
    return {
        decimal.Decimal: ScalarDefinition(
            name="Decimal", description="Fixed-point decimal: finite, at most 14 digits before the point and 4 after.",
            specified_by_url=None, serialize=str, parse_value=check_decimal, parse_literal=None,
            origin=decimal.Decimal),
        dt.date: ScalarDefinition(
            name="Date", description=f"Date, YYYY-MM-DD, from {MIN_DATE} to {MAX_DATE}.", specified_by_url=None,
            serialize=dt.date.isoformat, parse_value=_parse_date, parse_literal=None, origin=dt.date),
        dt.datetime: ScalarDefinition(
            name="DateTime", description="ISO 8601 date and time; without an offset it is taken as UTC.",
            specified_by_url=None, serialize=dt.datetime.isoformat, parse_value=_parse_datetime,
            parse_literal=None, origin=dt.datetime),
    }


def string_limit(name: str) -> int:
    """Maximum length of a string argument or input field called ``name``."""
    return STRING_LIMITS.get(name, DEFAULT_STRING_LIMIT)


def _field_path(path: list[str | int], root: str | None = None) -> str:
    """``lines[0].productId`` for a path inside an input; a list argument keeps its name (``ids[1]``)."""
    out = (root or "") if not path or isinstance(path[0], int) else ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _check_leaf(type_: Any, value: Any, name: str, field: str) -> GraphQLError | None:
    if type_ is GraphQLID:
        try:
            decode_id(value, field)
        except ValidationError as exc:
            return GraphQLError(exc.message, extensions={"code": "VALIDATION", "field": field})
        return None
    limit = string_limit(name)
    if len(value) > limit:
        return GraphQLError(f"{field} has at most {limit} characters", extensions={
            "code": "VALIDATION", "field": field, "details": {"max": limit}})
    return None


class BoundedValuesRule(ValuesOfCorrectTypeRule):
    """graphql-core's literal check, plus ``field`` on ``VALIDATION`` errors and string lengths."""

    _argument: str | None = None

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self._argument = node.name.value

    def leave_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self._argument = None

    def is_valid_value_node(self, node: ValueNode, input_type: Any) -> VisitorAction:
        if input_type is None:
            return SKIP
        root = self._argument

        def on_error(error: GraphQLError, path: list[str | int]) -> None:
            if (error.extensions or {}).get("code") == "VALIDATION" and "field" not in (error.extensions or {}):
                field = _field_path(path, root)
                error = GraphQLError(error.message, node, extensions={**error.extensions, "field": field})
            self.report_error(error)

        validate_input_literal(node, input_type, on_error, None, None, self.context.hide_suggestions)
        for path, type_, value in _leaves_in_literal(node, input_type, []):
            name = next((k for k in reversed(path) if isinstance(k, str)), root or "")
            problem = _check_leaf(type_, value, name, _field_path(path, root))
            if problem is not None:
                self.report_error(GraphQLError(problem.message, node, extensions=problem.extensions))
        return SKIP


def _unwrap(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


Leaf = tuple[list[str | int], Any, Any]


def _leaves_in_literal(node: Any, type_: Any, path: list[str | int]) -> Iterator[Leaf]:
    """``(path, type, value)`` of every ``String`` and ``ID`` literal inside ``node``."""
    type_ = _unwrap(type_)
    if isinstance(type_, GraphQLList):
        for i, item in enumerate(getattr(node, "values", None) or []):
            yield from _leaves_in_literal(item, type_.of_type, [*path, i])
        if not hasattr(node, "values"):
            yield from _leaves_in_literal(node, type_.of_type, path)
    elif isinstance(type_, GraphQLInputObjectType):
        for field_node in getattr(node, "fields", None) or []:
            if isinstance(field_node, ObjectFieldNode) and field_node.name.value in type_.fields:
                yield from _leaves_in_literal(field_node.value, type_.fields[field_node.name.value].type,
                                               [*path, field_node.name.value])
    elif type_ is GraphQLString and isinstance(node, StringValueNode):
        yield path, type_, node.value
    elif type_ is GraphQLID and isinstance(node, (StringValueNode, IntValueNode)):
        yield path, type_, node.value


def _leaves_in_value(value: Any, type_: Any, path: list[str | int]) -> Iterator[Leaf]:
    """``(path, type, value)`` of every ``String`` and ``ID`` inside a variable's value."""
    type_ = _unwrap(type_)
    if isinstance(type_, GraphQLList) and isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves_in_value(item, type_.of_type, [*path, i])
    elif isinstance(type_, GraphQLList):
        yield from _leaves_in_value(value, type_.of_type, path)
    elif isinstance(type_, GraphQLInputObjectType) and isinstance(value, dict):
        for name, item in value.items():
            if name in type_.fields:
                yield from _leaves_in_value(item, type_.fields[name].type, [*path, name])
    elif type_ is GraphQLString and isinstance(value, str):
        yield path, type_, value
    elif type_ is GraphQLID and isinstance(value, (str, int)) and not isinstance(value, bool):
        yield path, type_, value


class InputLimits(SchemaExtension):
    """Bounded literals (:class:`BoundedValuesRule` instead of graphql-core's rule) and string
    variables within their limits, before anything executes."""

    def on_operation(self) -> Iterator[None]:
        ec = self.execution_context
        ec.validation_rules = tuple(BoundedValuesRule if r is ValuesOfCorrectTypeRule else r
                                    for r in ec.validation_rules)
        yield

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        variables = ec.variables or {}
        operation = _operation(ec)
        if operation is not None and variables:
            schema = ec.schema._schema
            used_as = _variable_usages(operation)
            for definition in operation.variable_definitions or ():
                if definition.variable.name.value not in variables:
                    continue
                value = variables[definition.variable.name.value]
                name = used_as.get(definition.variable.name.value, definition.variable.name.value)
                var_type = type_from_ast(schema, definition.type)
                for path, type_, value in _leaves_in_value(value, var_type, []):
                    last = next((k for k in reversed(path) if isinstance(k, str)), name)
                    problem = _check_leaf(type_, value, last, _field_path(path, name))
                    if problem is not None:
                        ec.result = ExecutionResult(data=None, errors=[problem])
                        break
        yield


class _Usages(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}

    def enter_variable(self, node: Any, _key: Any, parent: Any, _path: Any, ancestors: Any) -> None:
        for holder in (parent, *reversed(ancestors)):
            if isinstance(holder, (ArgumentNode, ObjectFieldNode)):
                self.found.setdefault(node.name.value, holder.name.value)
                return


def _variable_usages(operation: Any) -> dict[str, str]:
    """For each variable, the argument or input field it is passed as (its first use)."""
    usages = _Usages()
    visit(operation.selection_set, usages)
    return usages.found


def _operation(ec: Any) -> Any:
    document = ec.graphql_document
    if document is None:
        return None
    operations = [d for d in document.definitions if d.kind == "operation_definition"]
    if ec.operation_name:
        return next((o for o in operations if o.name and o.name.value == ec.operation_name), None)
    return operations[0] if len(operations) == 1 else None
