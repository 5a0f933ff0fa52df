"""Running flow rules after the commit, from the outbox; SLA clocks; the health report.

studio subscribes to the events active rules name (:func:`subscribers`); the handler runs each active,
unbroken rule of that event once per event (``studio_rule_run`` is unique per rule and event key,
so a redelivered event runs nothing twice). Each rule runs in its own savepoint: a failing action
records a ``failed`` run (``broken`` when the rule names what is gone) that :func:`tick` retries
with backoff; the user's change, committed
before, is never rolled back. :func:`tick` (``tenon studio tick``, with ``--now`` for a
controllable clock) also escalates SLA clocks and marks rules broken by an uninstalled plugin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import urllib.request
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.events import Subscriber, publish
from tenon.core.notifications import notify

from ..events import WebhookRequested
from ..models import FieldDefinition, Rule, RuleRun, SlaClock, Task
from . import conditions
from .rules import problems
from .values import STORE, values_of

log = logging.getLogger("tenon.studio")
MAX_BACKOFF = dt.timedelta(hours=1)
MAX_ATTEMPTS = 8


#: seconds a webhook call may take before it counts as failed (the outbox retries it)
WEBHOOK_TIMEOUT = 5.0


def rule_events(app: Any) -> set[str]:
    """The events active rules name (read when the plugin set is loaded; none before install)."""
    try:
        with app.sessionmaker() as session:
            return set(session.scalars(select(Rule.event).where(Rule.active.is_(True))))
    except Exception:  # studio's tables do not exist yet (a site being installed, `tenon dev schema`)
        return set()


def subscribers(app: Any) -> list[Subscriber]:
    """One after-commit subscriber per event some active rule names (saving a rule reloads every
    server's plugin set, so this follows rules within ``[api] plugin_check_seconds``), and the
    webhook sender. Events no rule names cost nothing: no outbox row is written for them."""
    names = sorted(n for n in rule_events(app) if n in app.event_catalog)
    subs = [Subscriber(name, on_event, name=f"studio.rules:{name}") for name in names]
    return [*subs, Subscriber(WebhookRequested, send_webhook, name="studio.send_webhook")]


def send_webhook(session: Session, event: WebhookRequested) -> None:
    """POST the rule's JSON to its URL; a non-2xx answer or a network error raises, so the outbox retries."""
    request = urllib.request.Request(event.url, data=event.body.encode(), method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "tenon-studio"})
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as answer:  # noqa: S310 (http(s) checked on save)
        if not 200 <= answer.status < 300:
            raise RuntimeError(f"webhook {event.url} answered {answer.status}")


def event_key(name: str, payload: Mapping[str, Any]) -> str:
    body = json.dumps({"e": name, "p": payload}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def on_event(session: Session, event: Any) -> None:
    app = session.info["app"]
    rules = session.scalars(select(Rule).where(Rule.event == event.name, Rule.active.is_(True)).order_by(Rule.id)).all()
    if not rules:
        return
    key = event_key(event.name, event.payload)
    for rule in rules:
        if session.scalars(select(RuleRun.id).where(RuleRun.rule_id == rule.id, RuleRun.event_key == key)).first():
            continue
        run = RuleRun(rule_id=rule.id, rule_version=rule.version, event=event.name, event_key=key,
                      payload={"payload": event.payload, "actor": event.actor}, outcome="running", at=utcnow())
        session.add(run)
        session.flush()
        _run(session, app, rule, run, utcnow())


def _run(session: Session, app: Any, rule: Rule, run: RuleRun, now: dt.datetime) -> None:
    broken = problems(app, rule, session)
    if broken:  # retried by tick() like a failure: it runs once the rule is whole again
        run.outcome, run.error = "broken", broken
        run.next_attempt_at = _backoff(run, now)
        _mark_broken(session, rule, broken)
        return
    try:
        with session.begin_nested():
            ran = execute(session, app, rule, run.payload.get("payload", {}), run.event_key)
        run.outcome, run.error, run.next_attempt_at = ("done" if ran else "skipped"), "", None
    except Exception as exc:  # recorded and retried by tick(); never raised into the outbox
        log.warning("rule %s failed on %s: %s", rule.code, run.event, exc)
        run.outcome, run.error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        run.next_attempt_at = _backoff(run, now)
    run.rule_version = rule.version
    run.at = now


def _mark_broken(session: Session, rule: Rule, why: str) -> None:
    """Record why a rule is broken without counting it as a change of the rule (its ``version``
    counts what people changed; a Core update bypasses the ORM's version counter)."""
    session.execute(update(Rule).where(Rule.id == rule.id).values(broken=why))


def _backoff(run: RuleRun, now: dt.datetime) -> dt.datetime | None:
    """When to try a failed or broken run again (doubling from 1 minute, at most an hour; none after
    :data:`MAX_ATTEMPTS`)."""
    if run.attempts >= MAX_ATTEMPTS:
        return None
    return now + min(dt.timedelta(seconds=30 * 2 ** run.attempts), MAX_BACKOFF)


def _record(session: Session, app: Any, rule: Rule, payload: Mapping[str, Any]) -> tuple[Any, Any]:
    if not rule.entity:
        return None, None
    entity = app.custom_entities[rule.entity]
    record_id = payload.get(rule.record_key or "")
    record = session.get(entity.model, record_id) if isinstance(record_id, int) else None
    return entity, record


def scope_of(session: Session, entity: Any, record: Any, payload: Mapping[str, Any]) -> dict[str, Any]:
    scope: dict[str, Any] = dict(payload)
    if entity is not None and record is not None:
        for col in entity.model.__mapper__.column_attrs:
            scope[f"record.{col.key}"] = getattr(record, col.key)
        kinds = dict(session.execute(select(FieldDefinition.code, FieldDefinition.kind)
                                     .where(FieldDefinition.entity == entity.name)).all())
        for code, value in values_of(session, entity.name, record.id).items():
            scope[f"custom.{code}"] = Decimal(value) if kinds.get(code) == "decimal" and value is not None else value
    return scope


def _fill(template: str, payload: Mapping[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(payload.get(m.group(1), m.group(0))), template)[:200]


def _responsible(entity: Any, record: Any) -> list[str]:
    who = getattr(record, entity.responsible, None) if entity is not None and record is not None and entity.responsible else None
    return [who] if who else []


def execute(session: Session, app: Any, rule: Rule, payload: Mapping[str, Any], key: str) -> bool:
    """Run ``rule``'s actions for one event if its condition holds; returns whether it did."""
    entity, record = _record(session, app, rule, payload)
    if rule.entity and record is None:
        raise LookupError(f"{rule.entity} {payload.get(rule.record_key or '')!r} not found")
    tree = conditions.parse(rule.condition)
    if not conditions.evaluate(tree, scope_of(session, entity, record, payload)):
        return False
    about = dict(entity_type=entity.model.__tablename__ if entity else None, entity_id=record.id if record else None)
    for n, action in enumerate(rule.actions):
        kind = action["type"]
        dedupe = f"studio:{rule.id}:{key[:32]}:{n}"
        title = _fill(action.get("title", ""), payload)
        if kind == "notify":
            notify(session, usernames=[*action.get("users", []), *(_responsible(entity, record) if action.get("responsible") else [])],
                   roles=action.get("roles") or None, event=f"studio.rule.{rule.code}", title=title,
                   body=_fill(action.get("body", ""), payload), dedupe_key=dedupe, **about)
        elif kind in ("task", "assign"):
            users = action.get("users") or _responsible(entity, record)
            minutes = action.get("due_minutes")
            if session.scalars(select(Task.id).where(Task.dedupe_key == dedupe)).first() is None:
                session.add(Task(title=title, assigned_to=users[0] if users else None, rule_id=rule.id,
                                 due_at=utcnow() + dt.timedelta(minutes=minutes) if minutes else None,
                                 dedupe_key=dedupe, entity=rule.entity, record_id=record.id if record else None))
            prefix = "Task" if kind == "task" else "Assigned to you"
            notify(session, usernames=users, event=f"studio.rule.{rule.code}", title=f"{prefix}: {title}"[:200],
                   dedupe_key=dedupe, **about)
        elif kind == "webhook":
            body = {"rule": rule.code, "rule_version": rule.version, "event": rule.event, "title": title,
                    "payload": dict(payload), "record": {"entity": rule.entity, "id": record.id} if record else None}
            publish(session, WebhookRequested(rule=rule.code, url=action["url"],
                                              body=json.dumps(body, sort_keys=True, default=str)))
        elif kind == "set_field":
            STORE.write(session, entity, record, {action["field"]: action["value"]}, creating=False)
        elif kind == "sla":
            if session.scalars(select(SlaClock.id).where(SlaClock.dedupe_key == dedupe)).first() is None:
                now = utcnow()
                chain = action["users"]
                session.add(SlaClock(rule_id=rule.id, dedupe_key=dedupe, entity=entity.name, record_id=record.id,
                                     minutes=action["minutes"], chain=chain, level=0, assigned_to=chain[0],
                                     stop=action["stop"], title=title, state="running", started_at=now,
                                     due_at=now + dt.timedelta(minutes=action["minutes"]), escalations=[]))
                notify(session, usernames=chain[:1], event=f"studio.rule.{rule.code}",
                       title=f"{title} (respond within {action['minutes']} min)", dedupe_key=f"{dedupe}:0", **about)
    return True


def tick(session: Session, now: dt.datetime | None = None) -> dict[str, int]:
    """Escalate SLA clocks past due, retry failed rule runs, mark rules broken; returns counts."""
    app = session.info["app"]
    now = now or utcnow()
    counts = {"escalated": 0, "met": 0, "exhausted": 0, "retried": 0, "broken": 0}
    for rule in session.scalars(select(Rule).where(Rule.active.is_(True))):
        why = problems(app, rule, session)
        if why != rule.broken:
            _mark_broken(session, rule, why)
        counts["broken"] += bool(why)
    clocks = session.scalars(select(SlaClock).where(SlaClock.state == "running", SlaClock.due_at <= now)
                             .order_by(SlaClock.id)).all()
    for clock in clocks:
        entity = app.custom_entities.get(clock.entity)
        record = session.get(entity.model, clock.record_id) if entity is not None else None
        if record is None:
            clock.state = "exhausted"
            continue
        if conditions.evaluate(conditions.parse(clock.stop), scope_of(session, entity, record, {})):
            clock.state = "met"
            counts["met"] += 1
            continue
        if clock.level + 1 >= len(clock.chain):
            clock.state = "exhausted"
            counts["exhausted"] += 1
            continue
        before = clock.assigned_to
        clock.level += 1
        clock.assigned_to = clock.chain[clock.level]
        clock.due_at = now + dt.timedelta(minutes=clock.minutes)
        clock.escalations = [*clock.escalations, {"from": before, "to": clock.assigned_to, "at": now.isoformat()}]
        notify(session, usernames=[clock.assigned_to], event="studio.sla.escalated",
               title=f"Escalated: {clock.title} (not answered by {before} within {clock.minutes} min)",
               entity_type=entity.model.__tablename__, entity_id=record.id,
               dedupe_key=f"{clock.dedupe_key}:{clock.level}")
        counts["escalated"] += 1
    due = session.scalars(select(RuleRun).where(RuleRun.outcome.in_(("failed", "broken")),
                                                RuleRun.next_attempt_at <= now)).all()
    for run in due:
        rule = session.get(Rule, run.rule_id)
        if rule is None or not rule.active:
            run.next_attempt_at = None
            continue
        run.attempts += 1
        _run(session, app, rule, run, now)
        counts["retried"] += 1
    return counts


def health(app: Any) -> dict[str, Any]:
    with app.sessionmaker() as session:
        failed = session.scalar(select(func.count()).select_from(RuleRun).where(
            RuleRun.outcome.in_(("failed", "broken")))) or 0
        rules = session.scalars(select(Rule).where(Rule.active.is_(True))).all()
        codes_of: dict[str, set[str]] = {}
        broken = sorted(r.code for r in rules if problems(app, r, session, codes_of))
        overdue = session.scalar(select(func.count()).select_from(SlaClock).where(
            SlaClock.state == "running", SlaClock.due_at < utcnow())) or 0
    return {"ok": not failed and not broken, "failed_runs": failed, "broken_rules": broken, "overdue_clocks": overdue}
