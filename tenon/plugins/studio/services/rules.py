"""Flow rules: saved only when their event, entity, condition and actions check out.

A rule names a declared event of an installed plugin (``orders.sales_order.state_changed``), an
optional entity (a declared custom entity, e.g. ``orders.sales_order``) with the payload field
holding the record id (``order_id``), a condition (:mod:`.conditions`) and actions:

* ``notify``: users, roles and/or the record's responsible person get an in-app notification;
* ``assign``: the record is assigned to a user (an open studio task, like ERPNext's assignment
  ToDo, and a notification); ``task``: a follow-up task for a user (or the responsible person)
  due in N minutes;
* ``webhook``: POST the event (JSON) to a URL, from the outbox after the commit (retried);
* ``set_field``: set one of the entity's custom fields;
* ``sla``: start a first-response clock of N minutes over a chain of people; each time it passes
  while the ``stop`` condition (over the record) is false, the next person is notified.

Limits: at most :data:`MAX_ACTIONS` actions, :data:`MAX_RECIPIENTS` names per list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.access import check_roles
from tenon.core.custom import schema_changed
from tenon.core.errors import ValidationError
from tenon.core.ids import get_record

from ..errors import BadCondition
from ..models import FieldDefinition, Rule
from . import conditions
from .values import normalise

MAX_ACTIONS = 10
MAX_RECIPIENTS = 20
MAX_MINUTES = 60 * 24 * 90
ACTION_TYPES = ("notify", "assign", "task", "set_field", "sla", "webhook")
#: what rules may not do yet (refused on save with a clear message)
NOT_YET = {"email": "the site has no mail settings yet: use a webhook to a mail gateway, or notify"}
MAX_URL = 500


def payload_fields(app: Any, event: str) -> list[str]:
    cls = app.event_catalog.get(event)
    return [f.name for f in dataclasses.fields(cls)] if cls is not None else []


def record_fields(entity: Any) -> list[str]:
    return [c.key for c in entity.model.__mapper__.column_attrs]


def custom_codes(session: Session, entity: str) -> list[str]:
    return list(session.scalars(select(FieldDefinition.code).where(FieldDefinition.entity == entity,
                                                                   FieldDefinition.active.is_(True))))


def problems(app: Any, rule: Rule, session: Session | None = None,
             codes_of: dict[str, set[str]] | None = None) -> str:
    """Why ``rule`` cannot run on this plugin set ("" when it can); with a ``session``, also a
    custom field its condition or actions name that was removed since. Checking many rules, pass
    one dict as ``codes_of``: each entity's field codes are then read once, not once per rule."""
    out = []
    if rule.event not in app.event_catalog:
        plugin = rule.event.partition(".")[0]
        why = f"plugin {plugin!r} is not installed" if plugin not in app.plugins else "it is no longer declared"
        out.append(f"event {rule.event} is unknown ({why})")
    if rule.entity and rule.entity not in app.custom_entities:
        plugin = rule.entity.partition(".")[0]
        why = f"plugin {plugin!r} is not installed" if plugin not in app.plugins else "it is no longer declared"
        out.append(f"entity {rule.entity} is unknown ({why})")
    if session is not None and rule.entity and not out:
        cache = codes_of if codes_of is not None else {}
        if rule.entity not in cache:
            cache[rule.entity] = set(custom_codes(session, rule.entity))
        codes = cache[rule.entity]
        named = {n.partition(".")[2] for n in conditions.names(_parsed(rule.condition)) if n.startswith("custom.")}
        named |= {a.get("field") for a in rule.actions or [] if a.get("type") == "set_field"}
        for a in rule.actions or []:
            if a.get("type") == "sla":
                named |= {n.partition(".")[2] for n in conditions.names(_parsed(a.get("stop", ""))) if n.startswith("custom.")}
        missing = sorted(c for c in named - codes if c)
        if missing:
            out.append(f"custom field(s) {', '.join(missing)} of {rule.entity} no longer exist")
    return "; ".join(out)


def _parsed(text: str) -> Any:
    try:
        return conditions.parse(text or "")
    except BadCondition:
        return None


def _names(values: list[str] | None, field: str) -> list[str]:
    names = [v.strip() for v in values or [] if v and v.strip()]
    if len(names) > MAX_RECIPIENTS:
        raise ValidationError(f"{field} may name at most {MAX_RECIPIENTS}", field=field)
    return names


def _minutes(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_MINUTES:
        raise ValidationError(f"{field} must be between 1 and {MAX_MINUTES} minutes", field=field)
    return value


def check_actions(session: Session, app: Any, entity: Any, actions: list[dict[str, Any]], scope: dict[str, Any],
                  *, lenient: bool = False) -> list[dict[str, Any]]:
    """Check and normalise a rule's actions. ``lenient`` (configuration documents): a custom field
    that does not exist (yet) is accepted; the rule is then broken until the field exists."""
    if not actions:
        raise ValidationError("a rule needs at least one action", field="actions")
    if len(actions) > MAX_ACTIONS:
        raise ValidationError(f"a rule has at most {MAX_ACTIONS} actions", field="actions")
    out = []
    for n, a in enumerate(actions):
        path = f"actions[{n}]"
        kind = a.get("type")
        if kind in NOT_YET:
            raise ValidationError(f"{path}: action {kind!r} is not available yet ({NOT_YET[kind]})", field=f"{path}.type")
        if kind not in ACTION_TYPES:
            raise ValidationError(f"{path}: type must be one of {', '.join(ACTION_TYPES)}", field=f"{path}.type")
        clean: dict[str, Any] = {"type": kind}
        if kind in ("notify", "assign", "task", "sla", "webhook"):
            title = (a.get("title") or "").strip()
            if not title or len(title) > 200:
                raise ValidationError(f"{path}: title is required (at most 200 characters; "
                                      f"{{field}} inserts a payload value)", field=f"{path}.title")
            clean["title"] = title
            clean["body"] = (a.get("body") or "")[:2000]
        if kind == "notify":
            clean["users"] = _names(a.get("users"), f"{path}.users")
            clean["roles"] = _names(a.get("roles"), f"{path}.roles")
            if clean["roles"]:
                check_roles(session, clean["roles"])
            clean["responsible"] = bool(a.get("responsible"))
            if clean["responsible"] and (entity is None or not entity.responsible):
                raise ValidationError(f"{path}: the rule's entity names no responsible person", field=f"{path}.responsible")
            if not (clean["users"] or clean["roles"] or clean["responsible"]):
                raise ValidationError(f"{path}: notify whom? give users, roles or responsible", field=f"{path}.users")
        if kind == "webhook":
            url = (a.get("url") or "").strip()
            if not url.startswith(("http://", "https://")) or len(url) > MAX_URL or any(c.isspace() for c in url):
                raise ValidationError(f"{path}: url must be an http(s) URL of at most {MAX_URL} characters",
                                      field=f"{path}.url")
            clean["url"] = url
        if kind in ("task", "assign"):
            clean["due_minutes"] = _minutes(a.get("due_minutes"), f"{path}.dueMinutes") \
                if kind == "task" or a.get("due_minutes") is not None else None
            users = _names(a.get("users"), f"{path}.users")
            clean["users"] = users[:1]
            clean["responsible"] = bool(a.get("responsible")) and not users
            if not users and not clean["responsible"]:
                raise ValidationError(f"{path}: a task needs a user (or responsible)", field=f"{path}.users")
        if kind == "sla":
            clean["minutes"] = _minutes(a.get("minutes"), f"{path}.minutes")
            chain = _names(a.get("users"), f"{path}.users")
            if not chain:
                raise ValidationError(f"{path}: an SLA clock needs the chain of people (users)", field=f"{path}.users")
            clean["users"] = chain
            if entity is None:
                raise ValidationError(f"{path}: an SLA clock needs the rule's entity", field="entity")
            stop = a.get("stop") or ""
            try:
                conditions.check(stop, payload=[], record=record_fields(entity),
                                 custom=custom_codes(session, entity.name) + (custom_named(stop) if lenient else []))
            except BadCondition as exc:
                raise ValidationError(f"{path}.stop: {exc}", field=f"{path}.stop") from None
            if not stop.strip():
                raise ValidationError(f"{path}: an SLA clock needs a stop condition over the record", field=f"{path}.stop")
            clean["stop"] = stop
        if kind == "set_field":
            if entity is None:
                raise ValidationError(f"{path}: set_field needs the rule's entity", field="entity")
            code = (a.get("field") or "").removeprefix("custom.")
            d = session.scalars(select(FieldDefinition).where(FieldDefinition.entity == entity.name,
                                                              FieldDefinition.code == code,
                                                              FieldDefinition.active.is_(True))).first()
            if d is None and lenient and code:
                clean["field"], clean["value"] = code, a.get("value")
                out.append(clean)
                continue
            if d is None:
                raise ValidationError(f"{path}: {entity.name} has no custom field {code!r}", field=f"{path}.field")
            clean["field"], clean["value"] = code, parse_value(d, a.get("value"))
            normalise(session, d, clean["value"], f"{path}.value")
        out.append(clean)
    return out


def custom_named(text: str) -> list[str]:
    """The custom field codes a condition names (``custom.<code>``); [] when it does not parse."""
    return [n.partition(".")[2] for n in conditions.names(_parsed(text)) if n.startswith("custom.")]


def parse_value(d: FieldDefinition, text: Any) -> Any:
    if text is None or not isinstance(text, str):
        return text
    if d.kind == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if d.kind == "boolean":
        return {"true": True, "false": False}.get(text.lower(), text)
    return text


def check_rule(session: Session, *, code: str, name: str, event: str, condition: str, actions: list[dict[str, Any]],
               owner: str, purpose: str, review_date: dt.date, entity: str | None = None, record_key: str | None = None,
               active: bool = True, lenient: bool = False) -> dict[str, Any]:
    """Check a rule and return its column values (``code`` included); writes nothing. ``lenient``
    (configuration documents, which may bring the custom fields a rule names in the same change):
    custom fields that do not exist are accepted, and the rule is broken until they do."""
    app = session.info["app"]
    code = (code or "").strip()
    if not code or len(code) > 60:
        raise ValidationError("code is required (at most 60 characters)", field="code")
    for field, value, limit in (("name", name, 200), ("owner", owner, 100), ("purpose", purpose, 2000)):
        if not (value or "").strip() or len(value) > limit:
            raise ValidationError(f"{field} is required (at most {limit} characters)", field=field)
    if event not in app.event_catalog:
        close = difflib.get_close_matches(event, list(app.event_catalog), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ValidationError(f"unknown event {event!r}: no installed plugin declares it{hint}", field="event")
    ent = None
    if entity:
        ent = app.custom_entities.get(entity)
        if ent is None:
            raise ValidationError(f"unknown entity {entity!r}; declared: {', '.join(sorted(app.custom_entities))}",
                                  field="entity")
        if record_key not in payload_fields(app, event):
            raise ValidationError(f"recordKey must be the field of {event}'s payload holding the {entity} id "
                                  f"(one of {', '.join(payload_fields(app, event))})", field="recordKey")
    conditions.check(condition or "", payload=payload_fields(app, event),
                     record=record_fields(ent) if ent else None,
                     custom=(custom_codes(session, ent.name) + (custom_named(condition) if lenient else []))
                     if ent else None)
    clean = check_actions(session, app, ent, actions, {}, lenient=lenient)
    return dict(code=code, name=name.strip(), event=event, entity=entity or None,
                record_key=record_key if entity else None, condition=condition or "", actions=clean,
                owner=owner.strip(), purpose=purpose.strip(), review_date=review_date, active=active)


def save(session: Session, *, code: str, name: str, event: str, condition: str, actions: list[dict[str, Any]],
         owner: str, purpose: str, review_date: dt.date, entity: str | None = None, record_key: str | None = None,
         active: bool = True) -> Rule:
    """Create the rule ``code`` or change it (its version goes up); refuses anything that does not check out."""
    values = check_rule(session, code=code, name=name, event=event, condition=condition, actions=actions,
                        owner=owner, purpose=purpose, review_date=review_date, entity=entity, record_key=record_key,
                        active=active)
    code = values.pop("code")
    values["broken"] = ""
    rule = session.scalars(select(Rule).where(Rule.code == code)).first()
    if rule is None:
        rule = Rule(code=code, **values)
        session.add(rule)
    else:
        for k, v in values.items():
            setattr(rule, k, v)
    session.flush()
    schema_changed(session)  # servers reload their plugin set: studio's subscriptions follow the rules
    return rule


def get_rule(session: Session, rule_id: Any) -> Rule:
    return get_record(session, Rule, rule_id, what="rule")
