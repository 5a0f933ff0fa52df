"""Append-only, hash-chained audit log written in the same transaction as the change.

A unit of work opened with an ``operation`` (every GraphQL mutation, CLI
commands that change data) records, at each flush, the inserts, updates and
deletes of mapped rows with the before/after values of changed fields. Just
before commit the entries are appended to ``core_audit_entry``; each entry's
``hash`` covers its content and the previous entry's hash, and the head of the
chain is kept in ``core_setting``, so :func:`verify` detects a changed, removed
or truncated entry. PostgreSQL additionally rejects UPDATE/DELETE by trigger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session

from tenon.core.db import Base, utcnow
from tenon.core.models import AuditEntry, IdempotencyKey, LoginFailure, OutboxMessage, Setting, Token

if TYPE_CHECKING:
    from tenon.core.kernel import Tenon

HEAD_KEY = "audit_head"
GENESIS = "0" * 64
_SKIP = {AuditEntry, OutboxMessage, IdempotencyKey, LoginFailure, Setting}
_SECRET_FIELDS = {"password_hash", "token_hash"}
_LOCK_ID = 0x7E0A0D17


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return str(value)


def _entity_id(obj: Any) -> str:
    state = inspect(obj)
    # new rows get their identity key only after the flush: read the primary key values instead
    ident = state.identity or state.mapper.primary_key_from_instance(obj)
    return ",".join(str(v) for v in ident) if ident and all(v is not None for v in ident) else "?"


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _ctx: Any) -> None:
    if not session.info.get("operation"):
        return
    pending: list[dict[str, Any]] = session.info.setdefault("audit_pending", [])
    for action, objs in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            if not isinstance(obj, Base) or type(obj) in _SKIP:
                continue
            state = inspect(obj)
            changes: dict[str, Any] = {}
            for attr in state.mapper.column_attrs:
                key = attr.key
                if key in _SECRET_FIELDS:
                    continue
                hist = state.attrs[key].history
                if action == "create":
                    value = getattr(obj, key)
                    if value is not None:
                        changes[key] = [None, _json(value)]
                elif action == "delete":
                    before = hist.unchanged[0] if hist.unchanged else (hist.deleted[0] if hist.deleted else None)
                    changes[key] = [_json(before), None]
                elif hist.has_changes():
                    before = hist.deleted[0] if hist.deleted else None
                    after = hist.added[0] if hist.added else None
                    if before != after:
                        changes[key] = [_json(before), _json(after)]
            if action == "update" and not changes:
                continue
            if type(obj) is Token:
                changes = {k: v for k, v in changes.items() if k in ("revoked_at", "kind", "name", "user_id")}
            pending.append({
                "entity_type": obj.__tablename__,
                "entity_id": _entity_id(obj),
                "action": action,
                "changes": changes,
            })


def _digest(prev: str, entry: dict[str, Any]) -> str:
    body = json.dumps({"prev": prev, **entry}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def _content(e: AuditEntry) -> dict[str, Any]:
    return {
        "at": e.at.isoformat(), "actor": e.actor, "operation": e.operation, "request_id": e.request_id,
        "entity_type": e.entity_type, "entity_id": e.entity_id, "action": e.action, "changes": e.changes,
    }


@event.listens_for(Session, "before_commit")
def _write(session: Session) -> None:
    if not session.info.get("operation"):
        return
    session.flush()
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    if session.get_bind().dialect.name == "postgresql":
        # one writer at a time extends the chain
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_ID})
    head = session.get(Setting, HEAD_KEY)
    prev = head.value["hash"] if head is not None else GENESIS
    count = head.value["count"] if head is not None else 0
    actor = session.info.get("actor")
    now = utcnow().replace(microsecond=0)
    for item in pending:
        entry = AuditEntry(at=now, actor=actor.username if actor else None, operation=session.info["operation"],
                           request_id=session.info.get("request_id"), prev_hash=prev, **item)
        entry.hash = _digest(prev, _content(entry))
        session.add(entry)
        prev = entry.hash
        count += 1
    value = {"hash": prev, "count": count}
    if head is None:
        session.add(Setting(key=HEAD_KEY, value=value))
    else:
        head.value = value
    session.flush()
    session.info.pop("audit_pending", None)


def verify(app: Tenon) -> list[str]:
    """Walk the chain; return a list of problems (empty when the log is intact)."""
    problems: list[str] = []
    prev = GENESIS
    count = 0
    with app.transaction() as s:
        for entry in s.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
            count += 1
            if entry.prev_hash != prev:
                problems.append(f"entry {entry.id}: previous entry missing or changed (chain broken)")
            if _digest(entry.prev_hash, _content(entry)) != entry.hash:
                problems.append(f"entry {entry.id}: content changed after it was written")
            prev = entry.hash
        head = s.get(Setting, HEAD_KEY)
        if head is not None:
            if head.value["count"] != count:
                problems.append(f"{head.value['count'] - count} entry(ies) missing (expected {head.value['count']}, found {count})")
            elif head.value["hash"] != prev:
                problems.append("the last entries were replaced (head hash differs)")
    return problems
