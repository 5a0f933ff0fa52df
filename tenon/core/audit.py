"""Append-only, hash-chained audit log written in the same transaction as the change.

A unit of work opened with an ``operation`` (every GraphQL mutation, CLI
commands that change data) records, at each flush, the inserts, updates and
deletes of mapped rows with the before/after values of changed fields. Just
before commit the entries are appended to ``core_audit_entry``; each entry's
``hash`` covers its content and the previous entry's hash, and the head of the
chain is kept in ``core_setting``, so :func:`verify` detects a changed, removed
or truncated entry. PostgreSQL additionally rejects UPDATE/DELETE by trigger.

Anchoring, against someone who can write the database: the hashes are HMAC-SHA256 with the site's
audit key, kept outside the database (``TENON_AUDIT_KEY``, else the file ``audit.key`` that
``tenon init`` writes into the site directory), so a rewritten entry cannot be recomputed into a
valid chain; :func:`checkpoint` appends the chain head to ``audit-checkpoints.jsonl`` in the site
directory (and ``tenon audit checkpoint`` prints it, for an external log), so deleting the newest
entries and rewinding the head is detected too. Sites created before keys existed (no key file)
keep an unkeyed SHA-256 chain.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, event, inspect, select, text
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
KEY_FILE = "audit.key"
CHECKPOINT_FILE = "audit-checkpoints.jsonl"
KEY_ENV = "TENON_AUDIT_KEY"


def create_key(site_dir: Path) -> Path:
    """Write a new random audit key to ``site_dir/audit.key`` (mode 0600) unless one exists."""
    path = Path(site_dir) / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return path


_KEY_FILES: dict[str, tuple[int, bytes | None]] = {}


def site_key(site_dir: Path | None) -> bytes | None:
    """The site's audit key: ``$TENON_AUDIT_KEY``, else ``audit.key`` in the site directory, else ``None``.

    The file is read again only when its modification time changes (a stat per commit, not a read)."""
    value = os.environ.get(KEY_ENV)
    if value:
        return value.encode()
    if site_dir is None:
        return None
    path = os.path.join(site_dir, KEY_FILE)
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return None
    cached = _KEY_FILES.get(path)
    if cached is None or cached[0] != mtime:
        text = Path(path).read_text(encoding="ascii").strip()
        cached = _KEY_FILES[path] = (mtime, text.encode() if text else None)
    return cached[1]


def _session_key(session: Session) -> bytes | None:
    app = session.info.get("app")
    site = getattr(app, "site", None)
    return site_key(site.path) if site is not None else None


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


_COLUMNS: dict[Any, tuple[str, ...]] = {}


def _audited_columns(mapper: Any) -> tuple[str, ...]:
    """The column attributes of ``mapper`` an audit entry records (not the secret ones), in order."""
    keys = _COLUMNS.get(mapper)
    if keys is None:
        keys = _COLUMNS[mapper] = tuple(a.key for a in mapper.column_attrs if a.key not in _SECRET_FIELDS)
    return keys


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
            columns = _audited_columns(state.mapper)
            if action == "create":
                for key in columns:
                    value = getattr(obj, key)
                    if value is not None:
                        changes[key] = [None, _json(value)]
            elif action == "delete":
                for key in columns:
                    hist = state.attrs[key].history
                    before = hist.unchanged[0] if hist.unchanged else (hist.deleted[0] if hist.deleted else None)
                    changes[key] = [_json(before), None]
            else:
                # only the attributes set since the last flush can have changed (committed_state
                # holds their values from before), in the mapper's column order
                for key in [k for k in columns if k in state.committed_state]:
                    hist = state.attrs[key].history
                    if hist.has_changes():
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


def _digest(prev: str, entry: dict[str, Any], key: bytes | None = None) -> str:
    body = json.dumps({"prev": prev, **entry}, sort_keys=True, separators=(",", ":"), default=str).encode()
    if key is not None:
        return hmac.new(key, body, hashlib.sha256).hexdigest()
    return hashlib.sha256(body).hexdigest()


def _content(e: AuditEntry) -> dict[str, Any]:
    return {
        "at": e.at.isoformat(), "actor": e.actor, "operation": e.operation, "request_id": e.request_id,
        "entity_type": e.entity_type, "entity_id": e.entity_id, "action": e.action, "changes": e.changes,
    }


def _row_content(row: dict[str, Any]) -> dict[str, Any]:
    """:func:`_content` of an entry not yet written (a dict of its columns)."""
    return {"at": row["at"].isoformat(), **{k: row[k] for k in (
        "actor", "operation", "request_id", "entity_type", "entity_id", "action", "changes")}}


# Built once: a statement object keeps its cache key, so each commit skips building and keying them.
_SETTINGS = Setting.__table__
_HEAD = select(_SETTINGS.c.value).where(_SETTINGS.c.key == HEAD_KEY)
_HEAD_LOCKED = _HEAD.with_for_update()
_HEAD_UPDATE = _SETTINGS.update().where(_SETTINGS.c.key == HEAD_KEY).values(value=bindparam("head"))
_HEAD_INSERT = _SETTINGS.insert().values(key=HEAD_KEY, value=bindparam("head"))
_ENTRIES_INSERT = AuditEntry.__table__.insert()
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:k)")
# Moves the head only if it is still the one the request read when it signed in (its hash): the
# one statement that both checks and extends the chain. Zero rows means another writer moved it
# in between: the unit then reads the head under lock like a unit that never read it.
_HEAD_SWAP = (_SETTINGS.update()
              .where(_SETTINGS.c.key == HEAD_KEY, _SETTINGS.c.value["hash"].as_string() == bindparam("seen"))
              .values(value=bindparam("head")))
# On PostgreSQL the swap and the entries are one statement: the INSERT writes the entries only when
# the UPDATE moved the head (a data-modifying CTE runs once, whatever the INSERT selects), so a
# mutation pays one round trip for its audit instead of two. The entries travel as one JSON array
# (one bound parameter: the SQL is the same for any number of entries, so it stays compiled); the
# columns and their types are the entry table's.
@functools.cache  # built on first use: a SQLite site never imports the PostgreSQL dialect for it
def _swap_and_insert_sql() -> Any:
    from sqlalchemy.dialects import postgresql

    dialect = postgresql.dialect()
    cols = [c for c in AuditEntry.__table__.columns if c.name != "id"]  # the entry's columns, as _chain fills them
    names = ", ".join(c.name for c in cols)
    return text(
        f"WITH swapped AS (UPDATE {_SETTINGS.name} SET value = CAST(:head AS JSON)"
        f" WHERE key = :key AND (value ->> 'hash') = :seen RETURNING 1)"
        f" INSERT INTO {AuditEntry.__tablename__} ({names})"
        f" SELECT {', '.join('r.' + c.name for c in cols)} FROM json_to_recordset(CAST(:rows AS JSON))"
        f" AS r({', '.join(f'{c.name} {c.type.compile(dialect)}' for c in cols)})"
        f" WHERE EXISTS (SELECT 1 FROM swapped)"
    )


def _swap_and_insert(conn: Any, rows: list[dict[str, Any]], head: dict[str, Any], seen: str) -> bool:
    """PostgreSQL: move the head from ``seen`` and write ``rows`` in one statement; whether it did."""
    payload = json.dumps([{**r, "at": r["at"].isoformat()} for r in rows], separators=(",", ":"))
    done = conn.execute(_swap_and_insert_sql(), {"head": json.dumps(head), "key": HEAD_KEY, "seen": seen, "rows": payload})
    return done.rowcount == len(rows)


HEAD_SEEN = "audit_head_seen"
"""``session.info`` key: the head row's value as :func:`tenon.core.auth.sign_in` read it (``None``
when there is no head yet); the unit's entries chain from it when it is still current."""


def _chain(session: Session, pending: list[dict[str, Any]], prev: str, count: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The entry rows for ``pending``, chained from ``prev``, and the new head."""
    actor = session.info.get("actor")
    key = _session_key(session)
    now = utcnow().replace(microsecond=0)
    common = {"at": now, "actor": actor.username if actor else None, "operation": session.info["operation"],
              "request_id": session.info.get("request_id")}
    rows = []
    for item in pending:
        row = {**common, **item, "prev_hash": prev}
        row["hash"] = _digest(prev, _row_content(row), key)
        rows.append(row)
        prev = row["hash"]
        count += 1
    return rows, {"hash": prev, "count": count}


@event.listens_for(Session, "before_commit")
def _write(session: Session) -> None:
    if not session.info.get("operation"):
        return
    session.flush()
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    # Core statements on the unit's connection: the head row is the audit's own bookkeeping and
    # never an ORM object of the unit. One writer at a time extends the chain. When sign-in read
    # the head, one conditional UPDATE moves it if it is still that head (it waits for a concurrent
    # writer's row lock on PostgreSQL, and SQLite has one writer), then one INSERT writes the entries.
    # Otherwise, or when another writer moved it meanwhile: on PostgreSQL the head row is read FOR
    # UPDATE (the first entry ever, with no head yet, takes an advisory lock instead); SQLite has
    # one writer.
    conn = session.connection()
    seen = session.info.pop(HEAD_SEEN, None)
    if seen is not None:
        rows, head = _chain(session, pending, seen["hash"], seen["count"])
        if conn.dialect.name == "postgresql":
            if _swap_and_insert(conn, rows, head, seen["hash"]):
                session.info.pop("audit_pending", None)
                return
        elif conn.execute(_HEAD_SWAP, {"head": head, "seen": seen["hash"]}).rowcount == 1:
            conn.execute(_ENTRIES_INSERT, rows)  # one INSERT for every entry of the unit (an executemany)
            session.info.pop("audit_pending", None)
            return
    if conn.dialect.name == "postgresql":
        current = conn.execute(_HEAD_LOCKED).scalar()
        if current is None:
            conn.execute(_ADVISORY_LOCK, {"k": _LOCK_ID})
            current = conn.execute(_HEAD_LOCKED).scalar()
    else:
        current = conn.execute(_HEAD).scalar()
    rows, head = _chain(session, pending, current["hash"] if current is not None else GENESIS,
                        current["count"] if current is not None else 0)
    conn.execute(_ENTRIES_INSERT, rows)
    conn.execute(_HEAD_INSERT if current is None else _HEAD_UPDATE, {"head": head})
    session.info.pop("audit_pending", None)


def verify(app: Tenon, checkpoints: Path | None = None) -> list[str]:
    """Walk the chain; return a list of problems (empty when the log is intact).

    :param checkpoints: a checkpoint file to check the chain against (default: the site's
        ``audit-checkpoints.jsonl``, when it exists).
    """
    problems: list[str] = []
    key = site_key(app.site.path)
    marks = _read_checkpoints(checkpoints or app.site.path / CHECKPOINT_FILE, key, problems)
    prev = GENESIS
    count = 0
    with app.transaction() as s:
        for entry in s.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
            count += 1
            if entry.prev_hash != prev:
                problems.append(f"entry {entry.id}: previous entry missing or changed (chain broken)")
            if not hmac.compare_digest(_digest(entry.prev_hash, _content(entry), key), entry.hash):
                problems.append(f"entry {entry.id}: content changed after it was written")
            mark = marks.pop(count, None)
            if mark is not None and (mark["id"] != entry.id or mark["hash"] != entry.hash):
                problems.append(f"checkpoint {mark['at']} (entry {mark['id']}, #{count}): entry {entry.id} "
                                "is not the one checkpointed (rewritten or removed)")
            prev = entry.hash
        head = s.get(Setting, HEAD_KEY)
        if head is not None:
            if head.value["count"] != count:
                problems.append(f"{head.value['count'] - count} entry(ies) missing (expected {head.value['count']}, found {count})")
            elif head.value["hash"] != prev:
                problems.append("the last entries were replaced (head hash differs)")
    for number, mark in sorted(marks.items()):
        problems.append(f"checkpoint {mark['at']} (entry {mark['id']}, #{number}): the log has only {count} "
                        "entries (truncated)")
    return problems


def _mark_mac(key: bytes, mark: dict[str, Any]) -> str:
    body = json.dumps({k: mark[k] for k in ("at", "id", "count", "hash")}, sort_keys=True).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _read_checkpoints(path: Path, key: bytes | None, problems: list[str]) -> dict[int, dict[str, Any]]:
    marks: dict[int, dict[str, Any]] = {}
    if not path.is_file():
        return marks
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            mark = json.loads(line)
            count = int(mark["count"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"checkpoint file {path.name} line {number}: unreadable")
            continue
        if key is not None and not hmac.compare_digest(str(mark.get("mac", "")), _mark_mac(key, mark)):
            problems.append(f"checkpoint file {path.name} line {number}: signature does not match")
            continue
        if count > 0:
            marks[count] = mark
    return marks


def checkpoint(app: Tenon, path: Path | None = None) -> dict[str, Any]:
    """Append the chain head (``at``, last entry ``id``, ``count``, ``hash``, and with a key its
    ``mac``) as one JSON line to ``path`` (default: the site's ``audit-checkpoints.jsonl``); return it."""
    with app.transaction() as s:
        head = s.get(Setting, HEAD_KEY)
        last = s.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
        count = head.value["count"] if head is not None else 0
        mark: dict[str, Any] = {"at": utcnow().replace(microsecond=0).isoformat(), "id": last.id if last else 0,
                                "count": count, "hash": head.value["hash"] if head is not None else GENESIS}
    key = site_key(app.site.path)
    if key is not None:
        mark["mac"] = _mark_mac(key, mark)
    target = path or app.site.path / CHECKPOINT_FILE
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(mark, sort_keys=True) + "\n")
    return mark
