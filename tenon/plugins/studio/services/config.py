"""studio's configuration kinds (kernel hook ``tenon_config_kinds``): custom field definitions
(``studio.custom_field``, keyed ``<entity>/<code>``) and flow rules (``studio.flow_rule``, keyed by
the rule's code). Items carry no row ids: a field's category is the category's ``code``.

``apply`` makes the live set exactly the given items: a field the items lack is *removed* like
``customFieldRemove`` (its stored values stay, hidden; the field's return brings them back); a rule
the items lack is deleted with its run history (its tasks and SLA clocks stay, without a rule).
Direct mutations (``customFieldDefine``, ``flowRuleSave`` …) stay the quick path: they change the
live state at once, and the next publication first records that state as a ``captured`` version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from tenon.core.config import ConfigKind
from tenon.core.custom import schema_changed
from tenon.core.errors import ValidationError

from ..models import FieldDefinition, Rule, RuleRun, SlaClock, Task
from . import fields, rules

FIELD_KIND = "studio.custom_field"
RULE_KIND = "studio.flow_rule"
#: what a field item may change without approval (wording only)
LABEL_ONLY = {"label_zh", "label_en", "help_text"}
FIELD_KEYS = ("type", "label_zh", "label_en", "help_text", "category", "required", "default", "max_length", "scale",
              "unit", "min_value", "max_value", "pattern", "choices", "ref_entity", "owner", "purpose", "review_date")
RULE_KEYS = ("name", "event", "entity", "record_key", "condition", "actions", "active", "owner", "purpose",
             "review_date")


# ------------------------------------------------------------------------ custom fields


def _app(session: Session) -> Any:
    return session.info["app"]


def _category_code(session: Session, entity: str, category_id: int | None) -> str | None:
    ent = _app(session).custom_entities.get(entity)
    if category_id is None or ent is None or ent.category is None:
        return None
    row = session.get(ent.category.model, category_id)
    return str(getattr(row, "code", category_id)) if row is not None else f"#{category_id}"


def _category_id(session: Session, entity: str, code: str | None) -> int | None:
    if code is None:
        return None
    ent = _app(session).custom_entities.get(entity)
    if ent is None or ent.category is None:
        raise ValidationError(f"{entity} has no categories to bind a field to", field="item.category")
    model = ent.category.model
    found = session.scalars(select(model.id).where(model.code == code)).first() if hasattr(model, "code") else None
    if found is None:
        raise ValidationError(f"no category {code!r} of {entity} on this site", field="item.category")
    return found


def field_item(session: Session, d: FieldDefinition) -> dict[str, Any]:
    return {"type": d.kind, "label_zh": d.label_zh, "label_en": d.label_en, "help_text": d.help_text,
            "category": _category_code(session, d.entity, d.category_id), "required": d.required,
            "default": d.default, "max_length": d.max_length, "scale": d.scale, "unit": d.unit,
            "min_value": d.min_value, "max_value": d.max_value, "pattern": d.pattern, "choices": list(d.choices or []),
            "ref_entity": d.ref_entity, "owner": d.owner, "purpose": d.purpose,
            "review_date": d.review_date.isoformat()}


def export_fields(session: Session) -> dict[str, dict[str, Any]]:
    return {f"{d.entity}/{d.code}": field_item(session, d) for d in session.scalars(
        select(FieldDefinition).where(FieldDefinition.active.is_(True)))}


def _split(key: str) -> tuple[str, str]:
    entity, sep, code = key.partition("/")
    if not sep or not entity or not code:
        raise ValidationError("a custom field's key is <entity>/<code> (stock.product/surface_roughness_ra)",
                              field="key")
    return entity, code


def _field_values(session: Session, key: str, item: dict[str, Any]) -> dict[str, Any]:
    entity, code = _split(key)
    extra = set(item) - set(FIELD_KEYS)
    if extra:
        raise ValidationError(f"unknown custom field item field(s) {', '.join(sorted(extra))}", field="item")
    try:
        review = dt.date.fromisoformat(str(item.get("review_date") or ""))
    except ValueError:
        raise ValidationError("review_date: a date (YYYY-MM-DD)", field="item.review_date") from None
    try:
        return fields.check_values(
            session, entity=entity, code=code, kind=item.get("type") or "", label_zh=item.get("label_zh") or "",
            label_en=item.get("label_en") or "", owner=item.get("owner") or "", purpose=item.get("purpose") or "",
            review_date=review, category_id=_category_id(session, entity, item.get("category")),
            required=bool(item.get("required")), default=item.get("default"), max_length=item.get("max_length"),
            scale=item.get("scale"), unit=item.get("unit") or "", min_value=item.get("min_value"),
            max_value=item.get("max_value"), pattern=item.get("pattern") or "", choices=item.get("choices"),
            ref_entity=item.get("ref_entity"), help_text=item.get("help_text") or "")
    except ValidationError as exc:  # name the item's field (the mutation's camelCase names differ)
        raise ValidationError(str(exc), field=f"item.{exc.field}" if exc.field else "item") from None


def validate_field(session: Session, key: str, item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        _split(key)
        return None
    values = _field_values(session, key, item)
    d = FieldDefinition(**values)
    out = field_item(session, d)
    out["category"] = item.get("category")  # the code as given (checked above)
    return out


def apply_fields(session: Session, items: dict[str, dict[str, Any]]) -> None:
    wanted = {_split(key): item for key, item in items.items()}
    existing = {(d.entity, d.code): d for d in session.scalars(select(FieldDefinition))}
    for ident, d in existing.items():
        if d.active and ident not in wanted:
            d.active = False  # removed: its stored values stay, hidden, until the field returns
    session.flush()
    for (entity, code), item in sorted(wanted.items()):
        values = _field_values(session, f"{entity}/{code}", item)
        d = existing.get((entity, code))
        if d is None:
            d = FieldDefinition(**values)
            session.add(d)
        elif any(getattr(d, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(d, k, v)
        session.flush()
        fields.ensure_index(session, d)
    counts = session.execute(select(FieldDefinition.entity, func.count()).where(FieldDefinition.active.is_(True))
                             .group_by(FieldDefinition.entity)).all()
    for entity, n in counts:
        if n > fields.MAX_FIELDS_PER_ENTITY:
            raise ValidationError(f"{entity} would have {n} custom fields; at most {fields.MAX_FIELDS_PER_ENTITY}",
                                  field="changes")
    schema_changed(session)


def field_needs_approval(old: dict[str, Any] | None, new: dict[str, Any] | None) -> bool:
    if old is None or new is None:
        return True
    changed = {k for k in set(old) | set(new) if old.get(k) != new.get(k)}
    return not changed <= LABEL_ONLY


def describe_field(key: str, item: dict[str, Any]) -> str:
    return f"{key} ({item.get('label_en') or item.get('label_zh')}, {item.get('type')})"


# ---------------------------------------------------------------------------- flow rules


def rule_item(r: Rule) -> dict[str, Any]:
    return {"name": r.name, "event": r.event, "entity": r.entity, "record_key": r.record_key,
            "condition": r.condition, "actions": list(r.actions or []), "active": r.active, "owner": r.owner,
            "purpose": r.purpose, "review_date": r.review_date.isoformat()}


def export_rules(session: Session) -> dict[str, dict[str, Any]]:
    return {r.code: rule_item(r) for r in session.scalars(select(Rule))}


def _rule_values(session: Session, key: str, item: dict[str, Any]) -> dict[str, Any]:
    extra = set(item) - set(RULE_KEYS)
    if extra:
        raise ValidationError(f"unknown flow rule item field(s) {', '.join(sorted(extra))}", field="item")
    try:
        review = dt.date.fromisoformat(str(item.get("review_date") or ""))
    except ValueError:
        raise ValidationError("review_date: a date (YYYY-MM-DD)", field="item.review_date") from None
    actions = item.get("actions")
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        raise ValidationError("actions: a list of objects", field="item.actions")
    try:
        return rules.check_rule(session, code=key, name=item.get("name") or "", event=item.get("event") or "",
                                condition=item.get("condition") or "", actions=actions, owner=item.get("owner") or "",
                                purpose=item.get("purpose") or "", review_date=review, entity=item.get("entity"),
                                record_key=item.get("record_key"), active=bool(item.get("active", True)),
                                lenient=True)
    except ValidationError as exc:
        raise ValidationError(str(exc), field=f"item.{exc.field}" if exc.field else "item") from None


def validate_rule(session: Session, key: str, item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    values = _rule_values(session, key, item)
    values.pop("code")
    return rule_item(Rule(code=key, **values))


def apply_rules(session: Session, items: dict[str, dict[str, Any]]) -> None:
    existing = {r.code: r for r in session.scalars(select(Rule))}
    gone = [r.id for code, r in existing.items() if code not in items]
    if gone:
        session.execute(update(Task).where(Task.rule_id.in_(gone)).values(rule_id=None))
        session.execute(update(SlaClock).where(SlaClock.rule_id.in_(gone)).values(rule_id=None))
        session.execute(delete(RuleRun).where(RuleRun.rule_id.in_(gone)))
        session.execute(delete(Rule).where(Rule.id.in_(gone)))
    app = _app(session)
    for code, item in sorted(items.items()):
        # applied as given (a version or a checked draft): an event or field that is gone makes it broken
        values = {k: item.get(k) for k in RULE_KEYS}
        values["review_date"] = dt.date.fromisoformat(values["review_date"])
        rule = existing.get(code)
        if rule is None:
            rule = Rule(code=code, **values)
            session.add(rule)
        elif rule_item(rule) != item:
            for k, v in values.items():
                setattr(rule, k, v)
        session.flush()
        why = rules.problems(app, rule, session)
        if why != rule.broken:
            session.execute(update(Rule).where(Rule.id == rule.id).values(broken=why))
            session.expire(rule)
    schema_changed(session)


def describe_rule(key: str, item: dict[str, Any]) -> str:
    return f"{key}: {item.get('name')} (on {item.get('event')})"


def config_kinds() -> list[ConfigKind]:
    return [
        ConfigKind(name=FIELD_KIND, label="custom field", export=export_fields, apply=apply_fields,
                   needs_approval=field_needs_approval, describe=describe_field, validate=validate_field),
        ConfigKind(name=RULE_KIND, label="flow rule", export=export_rules, apply=apply_rules,
                   needs_approval=True, describe=describe_rule, validate=validate_rule),
    ]

