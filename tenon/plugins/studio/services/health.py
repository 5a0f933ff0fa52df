"""studio's health-check findings (kernel hook ``tenon_health_findings``): the *fields* and
*flows* sections. Read only; N days is ``check.days``, the clock ``check.now``.

fields: ``studio.field_never_filled`` (defined more than N days ago, no record got a value in N
days), ``studio.field_empty_category`` (bound to a category, or a category tree, without records;
or to a category that is gone), ``studio.field_unreferenced`` (info: no flow rule names it; studio
has no saved reports), ``studio.field_review_overdue``, ``studio.field_owner_unknown`` (the owner
is no active user).

flows: ``studio.rule_broken`` (error: its event or entity belongs to a plugin no longer installed,
or it names a removed custom field), ``studio.rule_never_fired`` (active, older than N days, no
run that acted in N days), ``studio.rule_condition_impossible`` (a comparison that no value of the
field's type can satisfy, joined by ``and``), ``studio.rule_loop`` (error: its ``set_field``
action changes a field whose change triggers it again, directly or through other rules),
``studio.rule_review_overdue``, ``studio.rule_owner_unknown``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, select
from sqlalchemy.orm import Session

from tenon.core.healthcheck import Finding, HealthCheck
from tenon.core.models import User

from ..errors import BadCondition
from ..models import FieldDefinition, FieldValue, Rule, RuleRun
from . import conditions
from .rules import custom_named, problems

VALUE_CHANGED = "studio.value.changed"


def _f(section: str, code: str, severity: str, subject: str, message: str, suggestion: str) -> Finding:
    return Finding(section=section, code=f"studio.{code}", severity=severity, subject=subject, message=message,
                   suggestion=suggestion)


def findings(app: Any, session: Session, check: HealthCheck) -> list[Finding]:
    defs = list(session.scalars(select(FieldDefinition).where(FieldDefinition.active.is_(True))
                                .order_by(FieldDefinition.entity, FieldDefinition.code)))
    rules = list(session.scalars(select(Rule).order_by(Rule.code)))
    users = set(session.scalars(select(User.username).where(User.active.is_(True))))
    return [*_field_findings(app, session, check, defs, rules, users),
            *_flow_findings(app, session, check, defs, rules, users)]


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def _review(section: str, what: str, subject: str, owner: str, review: dt.date, check: HealthCheck,
            users: set[str]) -> list[Finding]:
    out = []
    if review < check.now.date():
        out.append(_f(section, f"{what}_review_overdue", "warning", subject,
                      f"{subject} was due for review on {review.isoformat()}",
                      f"ask its owner {owner} whether it is still needed, then set a new review date or remove it"))
    if owner not in users:
        out.append(_f(section, f"{what}_owner_unknown", "warning", subject,
                      f"{subject} is owned by {owner!r}, who is no active user of this site",
                      "give it an owner who answers for it"))
    return out


def _rule_names(rule: Rule) -> set[tuple[str, str]]:
    """(entity, code) of the custom fields a rule names."""
    if not rule.entity:
        return set()
    named = set(custom_named(rule.condition))
    for a in rule.actions or []:
        if a.get("type") == "set_field":
            named.add(a.get("field"))
        if a.get("type") == "sla":
            named |= set(custom_named(a.get("stop", "")))
    return {(rule.entity, c) for c in named if c}


def _field_findings(app: Any, session: Session, check: HealthCheck, defs: list[FieldDefinition], rules: list[Rule],
                    users: set[str]) -> list[Finding]:
    out: list[Finding] = []
    since = check.since
    filled: dict[str, set[str]] = {}
    for entity, data in session.execute(select(FieldValue.entity, FieldValue.data).where(FieldValue.updated_at >= since)):
        filled.setdefault(entity, set()).update(k for k, v in (data or {}).items() if v is not None)
    referenced = set().union(*(_rule_names(r) for r in rules)) if rules else set()
    for d in defs:
        subject = f"custom field {d.entity}.{d.code}"
        created = _aware(d.created_at)
        if created is not None and created < since and d.code not in filled.get(d.entity, set()):
            out.append(_f("fields", "field_never_filled", "warning", subject,
                          f"no {d.entity} record got a value for {d.code} in {check.days} days",
                          "remove the field if nobody needs it (its values are kept)"))
        ent = app.custom_entities.get(d.entity)
        if d.category_id is not None and ent is not None and ent.category is not None:
            cat = ent.category
            if session.get(cat.model, d.category_id) is None:
                out.append(_f("fields", "field_empty_category", "warning", subject,
                              f"{d.code} is bound to category {d.category_id}, which no longer exists",
                              "bind it to an existing category, or remove it"))
            else:
                tree, todo = {d.category_id}, [d.category_id]
                parent = getattr(cat.model, cat.parent)
                while todo and len(tree) < 10_000:
                    children = set(session.scalars(select(cat.model.id).where(parent.in_(todo)))) - tree
                    tree |= children
                    todo = list(children)
                column = getattr(ent.model, cat.column)
                if session.scalars(select(ent.model.id).where(column.in_(tree)).limit(1)).first() is None:
                    out.append(_f("fields", "field_empty_category", "warning", subject,
                                  f"{d.code} is bound to a category without any {d.entity} record "
                                  f"(nor in its subcategories)",
                                  "bind it to the category the records are in, or remove it"))
        if (d.entity, d.code) not in referenced:
            out.append(_f("fields", "field_unreferenced", "info", subject,
                          f"no flow rule refers to {d.code}",
                          "fine if people read it on the record; otherwise remove it"))
        out.extend(_review("fields", "field", subject, d.owner, d.review_date, check, users))
    return out


# ------------------------------------------------------------------------------ flows


def _column_type(ent: Any, name: str) -> str | None:
    col = ent.model.__mapper__.column_attrs.get(name) if ent is not None else None
    if col is None:
        return None
    t = col.columns[0].type
    if isinstance(t, Boolean):
        return "boolean"
    if isinstance(t, (Integer, Numeric)):
        return "number"
    if isinstance(t, (Date, DateTime)):
        return "date"
    return "text"


def _literal_fits(kind: str, d: FieldDefinition | None, value: Any) -> bool:
    """Whether a literal can ever equal a value of this type (and, for a custom field, its limits)."""
    if value is None:
        return True
    if kind in ("integer", "decimal", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, Decimal, float, str)):
            return False
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return False
        if kind == "integer" and number != number.to_integral_value():
            return False
        if d is not None:
            if d.min_value is not None and number < Decimal(d.min_value):
                return False
            if d.max_value is not None and number > Decimal(d.max_value):
                return False
        return True
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "choice":
        return isinstance(value, str) and value in (d.choices if d is not None else [])
    return isinstance(value, str)  # text, date (ISO text), reference ids are compared as given


def _impossible(node: Any, ent: Any, defs: dict[str, FieldDefinition]) -> str | None:
    """A reason why ``node`` can never be true (``None`` when it may be)."""
    if node is None:
        return None
    kind = node[0]
    if kind == "and":
        return next((r for n in node[1] if (r := _impossible(n, ent, defs))), None)
    if kind == "or":
        reasons = [_impossible(n, ent, defs) for n in node[1]]
        return " and ".join(r for r in reasons if r) if all(reasons) else None
    if kind not in ("cmp", "in"):
        return None
    name_node, lit_node = (node[2], node[3]) if kind == "cmp" else (node[1], node[2])
    if kind == "cmp" and name_node[0] == "lit" and lit_node[0] == "name":
        name_node, lit_node = lit_node, name_node
    if name_node[0] != "name" or lit_node[0] != "lit":
        return None
    op = node[1] if kind == "cmp" else ("not in" if node[3] else "in")
    if op not in ("==", "in"):
        return None
    name = name_node[1]
    head, _, rest = name.partition(".")
    d = None
    if head == "custom":
        d = defs.get(rest)
        if d is None:
            return None  # a removed field: reported as broken
        type_ = d.kind
    elif head == "record":
        type_ = _column_type(ent, rest)
        if type_ is None:
            return None
    else:
        return None
    values = lit_node[1] if op == "in" else [lit_node[1]]
    if not isinstance(values, list):
        return None
    if values and all(not _literal_fits(type_, d, v) for v in values):
        shown = ", ".join(repr(v) if not isinstance(v, Decimal) else str(v) for v in values)
        limits = f" ({', '.join(d.choices)})" if d is not None and d.kind == "choice" else ""
        return f"{name} is a {type_} field{limits}: it never equals {shown}"
    return None


def _field_literal(node: Any) -> set[str] | None:
    """The ``field`` values a ``studio.value.changed`` condition allows (None: any)."""
    if node is None:
        return None
    if node[0] == "and":
        allowed = None
        for n in node[1]:
            got = _field_literal(n)
            if got is not None:
                allowed = got if allowed is None else allowed & got
        return allowed
    if node[0] == "or":
        parts = [_field_literal(n) for n in node[1]]
        return None if any(p is None for p in parts) else set().union(*parts)
    if node[0] == "cmp" and node[1] == "==" and node[2] == ("name", "field") and node[3][0] == "lit":
        return {str(node[3][1])}
    if node[0] == "in" and not node[3] and node[1] == ("name", "field") and node[2][0] == "lit" \
            and isinstance(node[2][1], list):
        return {str(v) for v in node[2][1]}
    return None


def _parsed(text: str) -> Any:
    try:
        return conditions.parse(text or "")
    except BadCondition:
        return None


def _loops(rules: list[Rule]) -> dict[str, list[str]]:
    """Rules on a cycle of set_field → studio.value.changed, each with the cycle's codes."""
    active = [r for r in rules if r.active and r.entity]
    emits = {r.code: {(r.entity, a.get("field")) for a in r.actions or [] if a.get("type") == "set_field"}
             for r in active}
    listens: dict[str, tuple[str, set[str] | None]] = {
        r.code: (r.entity, _field_literal(_parsed(r.condition))) for r in active if r.event == VALUE_CHANGED}
    edges = {code: sorted(other for other, (entity, allowed) in listens.items()
                          if any(e == entity and (allowed is None or f in allowed) for e, f in out))
             for code, out in emits.items()}
    found: dict[str, list[str]] = {}
    for start in sorted(edges):
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, path = stack.pop()
            for nxt in edges.get(node, []):
                if nxt == start:
                    found.setdefault(start, path)
                elif nxt not in seen and nxt not in path:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    return found


def _flow_findings(app: Any, session: Session, check: HealthCheck, defs: list[FieldDefinition], rules: list[Rule],
                   users: set[str]) -> list[Finding]:
    out: list[Finding] = []
    since = check.since
    fired = set(session.scalars(select(RuleRun.rule_id).where(RuleRun.outcome == "done", RuleRun.at >= since)))
    by_entity: dict[str, dict[str, FieldDefinition]] = {}
    for d in defs:
        by_entity.setdefault(d.entity, {})[d.code] = d
    loops = _loops(rules)
    codes_of: dict[str, set[str]] = {}
    for r in rules:
        subject = f"rule {r.code}"
        why = problems(app, r, session, codes_of)
        if why and r.active:
            out.append(_f("flows", "rule_broken", "error", subject, f"rule {r.code} cannot run: {why}",
                          "install the plugin or bring the field back (configRollback), or change or deactivate the rule"))
        created = _aware(r.created_at)
        if r.active and not why and created is not None and created < since and r.id not in fired:
            out.append(_f("flows", "rule_never_fired", "warning", subject,
                          f"rule {r.code} has not acted in {check.days} days",
                          "check its event and condition, or deactivate it"))
        if r.active and not why:
            ent = app.custom_entities.get(r.entity) if r.entity else None
            reason = _impossible(_parsed(r.condition), ent, by_entity.get(r.entity or "", {}))
            if reason:
                out.append(_f("flows", "rule_condition_impossible", "warning", subject,
                              f"rule {r.code} can never run: {reason}", "fix the condition's value or its field"))
        if r.code in loops and r.active:
            cycle = " → ".join([*loops[r.code], r.code])
            out.append(_f("flows", "rule_loop", "error", subject,
                          f"rule {r.code} triggers itself: {cycle} (set_field publishes {VALUE_CHANGED})",
                          "narrow the condition to other fields (field == '...'), or set a field no rule listens to"))
        out.extend(_review("flows", "rule", subject, r.owner, r.review_date, check, users))
    return out
