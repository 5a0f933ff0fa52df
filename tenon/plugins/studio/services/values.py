"""Custom field values: validation, storage in ``studio_value``, reads and SQL filters.

:data:`STORE` is what studio returns from ``tenon_custom_field_store``: the kernel calls it in the
entity's own mutations (same transaction) and lists. Values are stored normalised (decimals as
text at the field's scale, dates as ISO text, references as integer ids) so equality is a JSON
containment (``@>``, GIN-indexed on PostgreSQL) and ranges compare the cast value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Numeric,
    String,
    and_,
    cast,
    false,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from tenon.core.custom import CustomEntity, CustomFieldSpec
from tenon.core.errors import NotFound, ValidationError
from tenon.core.events import publish
from tenon.core.ids import decode_id

from ..events import CustomValueChanged
from ..models import FieldDefinition, FieldValue

#: the most characters a text value may have when its definition sets no ``max_length``
DEFAULT_TEXT_LENGTH = 200


def camel(code: str) -> str:
    """The GraphQL name of a field code (``surface_roughness_ra`` → ``surfaceRoughnessRa``)."""
    head, *rest = code.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def field_path(code: str) -> str:
    return f"customFields.{camel(code)}"


def active_definitions(session: Session, entity: str) -> list[FieldDefinition]:
    return list(session.scalars(select(FieldDefinition).where(FieldDefinition.entity == entity,
                                                              FieldDefinition.active.is_(True))
                                .order_by(FieldDefinition.code)))


def category_chain(session: Session, entity: CustomEntity, record: Any) -> set[int]:
    """The record's category and all its ancestors (empty without a category binding)."""
    binding = entity.category
    if binding is None:
        return set()
    current = getattr(record, binding.column, None)
    seen: set[int] = set()
    while current is not None and current not in seen and len(seen) < 64:
        seen.add(current)
        row = session.get(binding.model, current)
        current = getattr(row, binding.parent, None) if row is not None else None
    return seen


def applies(definition: FieldDefinition, chain: set[int]) -> bool:
    return definition.category_id is None or definition.category_id in chain


def normalise(session: Session, d: FieldDefinition, value: Any, path: str | None = None) -> Any:
    """The stored form of ``value`` for definition ``d``; ``VALIDATION`` naming the field when wrong."""
    path = path or field_path(d.code)
    label = d.label_en or d.code
    if value is None:
        return None
    kind = d.kind
    if kind in ("text", "choice"):
        if not isinstance(value, str):
            raise ValidationError(f"{label} must be text", field=path)
        if kind == "choice":
            if value not in (d.choices or []):
                raise ValidationError(f"{label} must be one of {', '.join(d.choices or [])}", field=path)
            return value
        limit = d.max_length or DEFAULT_TEXT_LENGTH
        if len(value) > limit:
            raise ValidationError(f"{label} must be at most {limit} characters", field=path, details={"max": limit})
        if d.pattern and re.fullmatch(d.pattern, value) is None:
            raise ValidationError(f"{label} does not match the pattern {d.pattern}", field=path)
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValidationError(f"{label} must be true or false", field=path)
        return value
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"{label} must be an integer", field=path)
        _check_range(d, Decimal(value), label, path)
        return value
    if kind == "decimal":
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(f"{label} must be a decimal number", field=path) from None
        if not number.is_finite():
            raise ValidationError(f"{label} must be a decimal number", field=path)
        scale = d.scale if d.scale is not None else 2
        quantum = Decimal(1).scaleb(-scale)
        if number != number.quantize(quantum):
            raise ValidationError(f"{label} has at most {scale} decimal place(s)", field=path)
        _check_range(d, number, label, path)
        return str(number.quantize(quantum))
    if kind == "date":
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                raise ValidationError(f"{label} must be a date (YYYY-MM-DD)", field=path) from None
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ValidationError(f"{label} must be a date", field=path)
        if d.min_value and value.isoformat() < d.min_value or d.max_value and value.isoformat() > d.max_value:
            raise ValidationError(f"{label} must be between {d.min_value or '…'} and {d.max_value or '…'}", field=path)
        return value.isoformat()
    if kind == "reference":
        record_id = decode_id(value, path)
        target = session.info["app"].custom_entities.get(d.ref_entity or "")
        if target is None:
            raise ValidationError(f"{label} refers to {d.ref_entity}, which is not installed", field=path)
        if session.scalars(select(target.model.id).where(target.model.id == record_id)).first() is None:
            raise NotFound(f"{target.label or target.name} {record_id} not found", field=path)
        return record_id
    raise ValidationError(f"{label} has an unknown type {kind}", field=path)


def _check_range(d: FieldDefinition, number: Decimal, label: str, path: str) -> None:
    low = Decimal(d.min_value) if d.min_value not in (None, "") else None
    high = Decimal(d.max_value) if d.max_value not in (None, "") else None
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValidationError(f"{label} must be between {low if low is not None else '…'} and "
                              f"{high if high is not None else '…'}", field=path,
                              details={"min": str(low) if low is not None else None,
                                       "max": str(high) if high is not None else None})


def values_of(session: Session, entity: str, record_id: int) -> dict[str, Any]:
    row = session.scalars(select(FieldValue).where(FieldValue.entity == entity,
                                                   FieldValue.record_id == record_id)).first()
    return dict(row.data) if row is not None else {}


def set_values(session: Session, entity: str, record_id: int, data: dict[str, Any]) -> None:
    row = session.scalars(select(FieldValue).where(FieldValue.entity == entity,
                                                   FieldValue.record_id == record_id)).first()
    if row is None:
        if data:
            session.add(FieldValue(entity=entity, record_id=record_id, data=data))
    elif row.data != data:
        row.data = data


class Store:
    """studio's :class:`tenon.core.custom.CustomFieldStore`."""

    def specs(self, session: Session) -> dict[str, list[CustomFieldSpec]]:
        out: dict[str, list[CustomFieldSpec]] = {}
        rows = session.scalars(select(FieldDefinition).where(FieldDefinition.active.is_(True))
                               .order_by(FieldDefinition.entity, FieldDefinition.code))
        for d in rows:
            out.setdefault(d.entity, []).append(CustomFieldSpec(code=d.code, kind=d.kind, description=describe(d),
                                                                choices=tuple(d.choices or ())))
        return out

    def write(self, session: Session, entity: CustomEntity, record: Any, values: Mapping[str, Any] | None,
              *, creating: bool) -> None:
        definitions = {d.code: d for d in active_definitions(session, entity.name)}
        chain = category_chain(session, entity, record)
        before = values_of(session, entity.name, record.id)
        data = dict(before)
        for code, value in (values or {}).items():
            d = definitions.get(code)
            if d is None:
                raise ValidationError(f"{code} is not a custom field of {entity.label or entity.name}",
                                      field=field_path(code))
            if not applies(d, chain):
                raise ValidationError(f"{d.label_en or code} does not apply to this {entity.label or entity.name}'s "
                                      f"category", field=field_path(code))
            stored = normalise(session, d, value)
            if stored is None:
                data.pop(code, None)
            else:
                data[code] = stored
        if creating or values:
            for d in definitions.values():
                if not applies(d, chain):
                    continue
                if creating and d.code not in data and d.default is not None and (values or {}).get(d.code) is None \
                        and d.code not in (values or {}):
                    data[d.code] = normalise(session, d, d.default)
                if d.required and data.get(d.code) is None:
                    raise ValidationError(f"{d.label_en or d.code} is required", field=field_path(d.code))
        set_values(session, entity.name, record.id, data)
        for code in sorted(set(before) | set(data)):
            if before.get(code) != data.get(code):
                publish(session, CustomValueChanged(
                    entity=entity.name, record_id=record.id, field=code,
                    old=None if before.get(code) is None else str(before[code]),
                    new=None if data.get(code) is None else str(data[code])))

    def read(self, session: Session, entity: CustomEntity, ids: Sequence[int]) -> list[dict[str, Any]]:
        model = entity.model
        # joined to the record's model, so the record's row scopes apply to its values too
        rows = dict(session.execute(select(FieldValue.record_id, FieldValue.data)
                                    .join(model, model.id == FieldValue.record_id)  # type: ignore[attr-defined]
                                    .where(FieldValue.entity == entity.name, FieldValue.record_id.in_(list(ids)))).all())
        return [dict(rows.get(i) or {}) for i in ids]

    def criterion(self, session: Session, entity: CustomEntity, conditions: Mapping[str, Any]) -> ColumnElement[bool]:
        definitions = {d.code: d for d in active_definitions(session, entity.name)}
        postgres = session.get_bind().dialect.name == "postgresql"
        clauses: list[ColumnElement[bool]] = []
        for code, cond in conditions.items():
            d = definitions.get(code)
            if d is None or not cond:
                continue
            path = f"filter.{field_path(code)}"
            for op, raw in cond.items():
                if raw is None:
                    continue
                if op == "in":
                    stored = [normalise(session, d, v, path) if d.kind != "reference" else decode_id(v, path)
                              for v in raw]
                    clauses.append(or_(*(_equal(d, s, postgres) for s in stored)) if stored else false())
                    continue
                value = decode_id(raw, path) if d.kind == "reference" else _filter_value(session, d, raw, path, op)
                if op == "eq":
                    clauses.append(_equal(d, value, postgres))
                else:
                    column = _comparable(d, postgres)
                    bound = Decimal(value) if d.kind == "decimal" else value
                    clauses.append({"gt": column > bound, "gte": column >= bound, "lt": column < bound,
                                    "lte": column <= bound}[op])
        if not clauses:  # only empty conditions: the list is not narrowed
            return true()
        sub = select(FieldValue.record_id).where(FieldValue.entity == entity.name, and_(*clauses))
        return entity.model.id.in_(sub)  # type: ignore[attr-defined]


def _filter_value(session: Session, d: FieldDefinition, raw: Any, path: str, op: str) -> Any:
    if d.kind == "decimal":  # a filter value is not held to the field's scale or range
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            raise ValidationError(f"{path} must be a decimal number", field=path) from None
        return str(number.quantize(Decimal(1).scaleb(-(d.scale if d.scale is not None else 2))))
    if d.kind == "integer":
        return raw
    if d.kind == "date":
        return raw.isoformat() if isinstance(raw, dt.date) else str(raw)
    return normalise(session, d, raw, path) if op == "eq" else raw


def range_expression(kind: str, code: str) -> str:
    """PostgreSQL: the expression a range condition compares, the same text as its expression index
    (:func:`tenon.plugins.studio.services.fields.ensure_index`); ``code`` is validated
    ``[a-z][a-z0-9_]*``, so it is safe inline (a bound key would not match the index)."""
    cast_to = {"decimal": "NUMERIC(38, 10)", "integer": "BIGINT"}.get(kind, "TEXT")
    return f"CAST((studio_value.data ->> '{code}') AS {cast_to})"


def _comparable(d: FieldDefinition, postgres: bool) -> ColumnElement[Any]:
    if postgres:
        cast_type = {"decimal": Numeric(38, 10), "integer": BigInteger()}.get(d.kind, String())
        return literal_column(range_expression(d.kind, d.code), type_=cast_type)
    element = FieldValue.data[d.code]
    if d.kind == "decimal":
        return cast(element.as_string(), Numeric(38, 10))
    if d.kind == "integer":
        return element.as_integer()
    return element.as_string()


def _equal(d: FieldDefinition, stored: Any, postgres: bool) -> ColumnElement[bool]:
    if postgres:  # JSONB containment: answered from the GIN index
        return type_coerce(FieldValue.data, JSONB).contains({d.code: stored})
    element = FieldValue.data[d.code]
    if d.kind == "boolean":
        return element.as_boolean() == stored
    if d.kind in ("integer", "reference"):
        return element.as_integer() == stored
    return element.as_string() == stored


def describe(d: FieldDefinition) -> str:
    parts = [f"{d.label_en} / {d.label_zh}".strip(" /") or d.code]
    if d.unit:
        parts.append(f"unit: {d.unit}")
    if d.help_text:
        parts.append(d.help_text)
    return ". ".join(parts) + "."


STORE = Store()
