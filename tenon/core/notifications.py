"""The notification inbox: kernel service for plugins to notify the people responsible.

Plugins decide who is responsible for an event (the work-center lead, the QC
inspector) and call :func:`notify` from an event subscriber (events are delivered after commit)::

    def on_ncr_raised(session, event):
        notify(session, roles=["qc_inspector"], event=event.name,
               title=f"NCR {event.payload['number']} raised",
               entity_type="qc_ncr", entity_id=str(event.payload["id"]),
               dedupe_key=f"qc.ncr.raised:{event.payload['id']}")

    Subscriber(NcrRaised, on_ncr_raised, name="qc.notify_ncr_raised")  # a declared event (tenon_events)

Outbox delivery is at-least-once, so pass a ``dedupe_key`` that is stable for
the event (its name and record id): a second delivery then creates nothing.
Recipients are users named directly and users holding a role (directly or
through role inheritance, from the Casbin ``g`` lines); inactive users are
skipped and each user gets one notification even when named several ways.

Notifications are private to their recipient: the GraphQL inbox only ever
selects the signed-in user's rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.errors import ValidationError
from tenon.core.models import CasbinRule, Notification, User

__all__ = ["mark_read", "notify", "recipients", "unread_count"]

USER_PREFIX = "user:"
MAX_TITLE = 200
CHANNEL = "tenon_notifications"
"""The PostgreSQL ``NOTIFY`` channel :func:`notify` wakes subscriptions on (payload: user ids)."""
_KEY_LEN = 200


def _role_closure(session: Session, roles: Iterable[str]) -> set[str]:
    """``roles`` plus every role that inherits from one of them (``g, child, parent``)."""
    wanted = {r.strip() for r in roles if r and r.strip()}
    if not wanted:
        return set()
    edges = session.execute(
        select(CasbinRule.v0, CasbinRule.v1).where(CasbinRule.ptype == "g")
    ).all()
    children: dict[str, set[str]] = {}
    for child, parent in edges:
        if child and parent and not child.startswith(USER_PREFIX):
            children.setdefault(parent, set()).add(child)
    seen = set(wanted)
    todo = list(wanted)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def recipients(session: Session, *, usernames: Iterable[str] | None = None,
               roles: Iterable[str] | None = None) -> list[User]:
    """The active users named in ``usernames`` or holding one of ``roles``, by id.

    Unknown usernames are ignored (the person may have been removed since the
    event was raised); a role nobody holds gives no one.
    """
    names = {n.strip().lower() for n in usernames or () if n and n.strip()}
    role_set = _role_closure(session, roles or ())
    if role_set:
        subjects = session.scalars(
            select(CasbinRule.v0).where(CasbinRule.ptype == "g", CasbinRule.v1.in_(sorted(role_set)))
        ).all()
        names.update(s[len(USER_PREFIX):] for s in subjects if s and s.startswith(USER_PREFIX))
    if not names:
        return []
    return list(session.scalars(
        select(User).where(User.username.in_(sorted(names)), User.active.is_(True)).order_by(User.id)
    ))


def _recipient_key(dedupe_key: str, user_id: int) -> str:
    key = f"{dedupe_key}|u{user_id}"
    if len(key) <= _KEY_LEN:
        return key
    return f"sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def notify(
    session: Session,
    *,
    usernames: Sequence[str] | None = None,
    roles: Sequence[str] | None = None,
    event: str,
    title: str,
    body: str = "",
    entity_type: str | None = None,
    entity_id: str | int | None = None,
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Put a notification in the inbox of every recipient; return the new rows.

    Call it from an event subscriber (or inside any unit of work; it
    never commits). Signed-in clients see the rows in ``notifications`` and get
    them pushed by the ``notificationReceived`` subscription.

    :param session: the unit of work's session.
    :param usernames: users to notify by name.
    :param roles: roles whose holders (direct or inherited) are notified.
    :param event: the event name (``qc.ncr.raised``), shown to clients for filtering.
    :param title: one line for people (at most 200 characters).
    :param body: optional longer text.
    :param entity_type: table of the record the notification is about (``qc_ncr``).
    :param entity_id: id of that record.
    :param dedupe_key: makes the call idempotent: a recipient who already got a
        notification with this key gets no second one (at-least-once delivery).
    :returns: the notifications created (empty when all were already delivered).
    :raises ValidationError: an empty title (a longer one than 200 characters is shortened).
    """
    title = title.strip()
    if not title:
        raise ValidationError("a notification needs a title", field="title")
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1] + "…"
    users = recipients(session, usernames=usernames, roles=roles)
    if not users:
        return []
    keys = {u.id: _recipient_key(dedupe_key, u.id) if dedupe_key else None for u in users}
    if dedupe_key:
        existing = set(session.scalars(
            select(Notification.dedupe_key).where(Notification.dedupe_key.in_([k for k in keys.values() if k]))
        ))
        users = [u for u in users if keys[u.id] not in existing]
    created: list[Notification] = []
    for user in users:
        row = Notification(user_id=user.id, event=event, title=title, body=body or "",
                           entity_type=entity_type, entity_id=None if entity_id is None else str(entity_id),
                           dedupe_key=keys[user.id], created_at=utcnow())
        if dedupe_key:
            # A concurrent delivery of the same event may have inserted it meanwhile:
            # the unique key wins, this one is skipped without spoiling the transaction.
            try:
                with session.begin_nested():
                    session.add(row)
                    session.flush()
            except IntegrityError:
                continue
        else:
            session.add(row)
        created.append(row)
    session.flush()
    if created and session.get_bind().dialect.name == "postgresql":
        # a wake-up for the recipients' subscriptions, delivered by PostgreSQL at commit
        # (tenon.graphql.push); the rows themselves are read from the table
        session.execute(select(func.pg_notify(CHANNEL, ",".join(sorted({str(r.user_id) for r in created})))))
    return created


def mark_read(session: Session, user_id: int, ids: Iterable[int]) -> list[int]:
    """Mark the given notifications of ``user_id`` read; others' ids are ignored.

    :returns: the ids that are now read (already-read ones included), in id order.
    """
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return []
    rows = session.scalars(
        select(Notification).where(Notification.user_id == user_id, Notification.id.in_(wanted))
        .order_by(Notification.id)
    ).all()
    now = utcnow()
    for row in rows:  # through the ORM, so the change is audited like any other
        if row.read_at is None:
            row.read_at = now
    session.flush()
    return [row.id for row in rows]


def unread_count(session: Session, user_id: int) -> int:
    """How many notifications of ``user_id`` are unread."""
    return int(session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0)
