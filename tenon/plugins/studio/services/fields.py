"""Custom field definitions: define, remove (values kept), purge (values dropped).

Limits (declared, checked, documented in the README): at most :data:`MAX_FIELDS_PER_ENTITY` active
fields per entity; codes ``[a-z][a-z0-9_]{0,39}``; text up to :data:`MAX_TEXT_LENGTH` characters;
decimals up to :data:`MAX_SCALE` places; up to :data:`MAX_CHOICES` choices of up to 100 characters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import keyword
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tenon.core.custom import FIELD_KINDS, schema_changed
from tenon.core.errors import InvalidState, NotFound, ValidationError
from tenon.core.ids import get_record

from ..models import FieldDefinition, FieldValue
from .rules import parse_value
from .values import normalise, range_expression

MAX_FIELDS_PER_ENTITY = 100
MAX_TEXT_LENGTH = 1000
MAX_SCALE = 6
MAX_CHOICES = 100
MAX_PATTERN = 200
CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
#: codes that would clash with names a record type already uses
RESERVED = {"id", "custom_fields", "version"}


def _entity(session: Session, name: str) -> Any:
    entities = session.info["app"].custom_entities
    if name not in entities:
        raise ValidationError(f"unknown entity {name!r}; customizable: {', '.join(sorted(entities)) or 'none'}",
                              field="entity")
    return entities[name]


def _text(value: str | None, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"{field} is required", field=field)
    if len(value) > limit:
        raise ValidationError(f"{field} must be at most {limit} characters", field=field, details={"max": limit})
    return value


def _number(value: str | None, field: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"{field} must be a number", field=field) from None
    if not number.is_finite():
        raise ValidationError(f"{field} must be a number", field=field)
    return str(number)


def check_values(session: Session, *, entity: str, code: str, kind: str, label_zh: str, label_en: str, owner: str,
                 purpose: str, review_date: dt.date, category_id: int | None = None, required: bool = False,
                 default: Any = None, max_length: int | None = None, scale: int | None = None, unit: str = "",
                 min_value: str | None = None, max_value: str | None = None, pattern: str = "",
                 choices: list[str] | None = None, ref_entity: str | None = None,
                 help_text: str = "") -> dict[str, Any]:
    """Check a definition and return its column values (the default normalised); writes nothing.
    Used by :func:`define` and by the ``studio.custom_field`` configuration kind."""
    ent = _entity(session, entity)
    code = (code or "").strip()
    if not CODE.fullmatch(code) or keyword.iskeyword(code) or code in RESERVED:
        raise ValidationError("code must be lower case letters, digits and _ (start with a letter, at most 40), "
                              "not a reserved word", field="code")
    if kind not in FIELD_KINDS:
        raise ValidationError(f"type must be one of {', '.join(FIELD_KINDS)}", field="type")
    if category_id is not None:
        if ent.category is None:
            raise ValidationError(f"{entity} has no categories to bind a field to", field="categoryId")
        if session.get(ent.category.model, category_id) is None:
            raise NotFound(f"category {category_id} not found", field="categoryId")
    if kind == "text":
        max_length = max_length or 200
        if not 1 <= max_length <= MAX_TEXT_LENGTH:
            raise ValidationError(f"maxLength must be between 1 and {MAX_TEXT_LENGTH}", field="maxLength")
        if pattern:
            _text(pattern, "pattern", MAX_PATTERN)
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValidationError(f"pattern is not a valid regular expression: {exc}", field="pattern") from None
    elif max_length is not None or pattern:
        raise ValidationError("maxLength and pattern apply to text fields only", field="maxLength" if max_length else "pattern")
    if kind == "decimal":
        scale = 2 if scale is None else scale
        if not 0 <= scale <= MAX_SCALE:
            raise ValidationError(f"scale must be between 0 and {MAX_SCALE}", field="scale")
    elif scale is not None:
        raise ValidationError("scale applies to decimal fields only", field="scale")
    if kind in ("integer", "decimal"):
        min_value, max_value = _number(min_value, "minValue"), _number(max_value, "maxValue")
        if kind == "integer":
            for name, v in (("minValue", min_value), ("maxValue", max_value)):
                if v is not None and Decimal(v) != Decimal(v).to_integral_value():
                    raise ValidationError(f"{name} must be an integer", field=name)
    elif kind == "date":
        for name, v in (("minValue", min_value), ("maxValue", max_value)):
            if v:
                try:
                    dt.date.fromisoformat(v)
                except ValueError:
                    raise ValidationError(f"{name} must be a date (YYYY-MM-DD)", field=name) from None
    elif min_value or max_value:
        raise ValidationError("minValue and maxValue apply to numbers and dates only", field="minValue")
    if min_value and max_value and (Decimal(min_value) > Decimal(max_value) if kind != "date" else min_value > max_value):
        raise ValidationError("minValue must not be above maxValue", field="minValue")
    if kind == "choice":
        choices = [c.strip() for c in choices or []]
        if not choices or len(choices) > MAX_CHOICES or any(not c or len(c) > 100 for c in choices) \
                or len(set(choices)) != len(choices):
            raise ValidationError(f"a choice field needs 1 to {MAX_CHOICES} distinct, non-empty choices "
                                  f"(at most 100 characters each)", field="choices")
    elif choices:
        raise ValidationError("choices apply to choice fields only", field="choices")
    if kind == "reference":
        if ref_entity not in session.info["app"].custom_entities:
            raise ValidationError(f"refEntity must be one of {', '.join(sorted(session.info['app'].custom_entities))}",
                                  field="refEntity")
    elif ref_entity:
        raise ValidationError("refEntity applies to reference fields only", field="refEntity")
    values = dict(
        entity=entity, code=code, kind=kind, category_id=category_id, required=required, max_length=max_length,
        scale=scale, unit=_text(unit, "unit", 20, required=False), min_value=min_value, max_value=max_value,
        pattern=pattern or "", choices=choices or [], ref_entity=ref_entity,
        label_zh=_text(label_zh, "labelZh", 200), label_en=_text(label_en, "labelEn", 200),
        help_text=_text(help_text, "helpText", 2000, required=False), owner=_text(owner, "owner", 100),
        purpose=_text(purpose, "purpose", 2000), review_date=review_date, active=True, default=None,
    )
    if default is not None:
        values["default"] = normalise(session, FieldDefinition(**values), parse_value(FieldDefinition(**values), default),
                                      "default")
    return values


def define(session: Session, *, entity: str, code: str, kind: str, label_zh: str, label_en: str, owner: str,
           purpose: str, review_date: dt.date, category_id: int | None = None, required: bool = False,
           default: Any = None, max_length: int | None = None, scale: int | None = None, unit: str = "",
           min_value: str | None = None, max_value: str | None = None, pattern: str = "",
           choices: list[str] | None = None, ref_entity: str | None = None, help_text: str = "") -> FieldDefinition:
    """Create (or bring back, keeping its stored values) a custom field and publish it."""
    values = check_values(
        session, entity=entity, code=code, kind=kind, label_zh=label_zh, label_en=label_en, owner=owner,
        purpose=purpose, review_date=review_date, category_id=category_id, required=required, default=default,
        max_length=max_length, scale=scale, unit=unit, min_value=min_value, max_value=max_value, pattern=pattern,
        choices=choices, ref_entity=ref_entity, help_text=help_text)
    code = values["code"]
    d = session.scalars(select(FieldDefinition).where(FieldDefinition.entity == entity,
                                                      FieldDefinition.code == code)).first()
    if d is not None and d.active:
        raise ValidationError(f"{entity} already has a custom field {code!r}", field="code")
    count = session.scalar(select(func.count()).select_from(FieldDefinition).where(
        FieldDefinition.entity == entity, FieldDefinition.active.is_(True))) or 0
    if count >= MAX_FIELDS_PER_ENTITY:
        raise ValidationError(f"{entity} has the most custom fields allowed ({MAX_FIELDS_PER_ENTITY})",
                              field="entity", details={"max": MAX_FIELDS_PER_ENTITY})
    if d is None:
        d = FieldDefinition(**values)
        session.add(d)
    else:
        for k, v in values.items():
            setattr(d, k, v)
    session.flush()
    ensure_index(session, d)
    schema_changed(session)
    return d


def index_name(d: FieldDefinition) -> str:
    return f"ixdyn_studio_value_{hashlib.sha256(f'{d.entity}:{d.code}'.encode()).hexdigest()[:16]}"


def ensure_index(session: Session, d: FieldDefinition) -> None:
    """PostgreSQL: an expression index for range conditions on a number or date field (equality uses
    the GIN index). Dropped with the definition (purge) or with studio's table (uninstall)."""
    if session.get_bind().dialect.name != "postgresql" or d.kind not in ("integer", "decimal", "date"):
        return
    expression = range_expression(d.kind, d.code).replace("studio_value.", "")
    session.execute(text(f"CREATE INDEX IF NOT EXISTS {index_name(d)} ON studio_value (entity, ({expression}))"))


def get_definition(session: Session, definition_id: Any) -> FieldDefinition:
    return get_record(session, FieldDefinition, definition_id, what="custom field")


def remove(session: Session, definition_id: Any) -> FieldDefinition:
    """Unpublish a field; its stored values stay (define it again to bring them back, or purge)."""
    d = get_definition(session, definition_id)
    if not d.active:
        raise InvalidState(f"custom field {d.code} is already removed", field="id")
    d.active = False
    session.flush()
    schema_changed(session)
    return d


def purge(session: Session, definition_id: Any) -> int:
    """Delete a removed field's definition and its stored values; returns how many records lost a value."""
    d = get_definition(session, definition_id)
    if d.active:
        raise InvalidState(f"remove custom field {d.code} before purging it", field="id")
    touched = 0
    for row in session.scalars(select(FieldValue).where(FieldValue.entity == d.entity)):
        if d.code in (row.data or {}):
            row.data = {k: v for k, v in row.data.items() if k != d.code}
            touched += 1
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"DROP INDEX IF EXISTS {index_name(d)}"))
    session.delete(d)
    session.flush()
    return touched
