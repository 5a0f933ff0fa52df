"""Domain events: in-transaction subscribers that may veto, and an outbox for after-commit ones.

``publish(session, name, payload)`` is called by a plugin inside its unit of work:

* subscribers with ``after_commit=False`` run at once, in plugin order, in the
  same transaction; raising a :class:`tenon.TenonError` vetoes (everything
  rolls back);
* for each ``after_commit=True`` subscriber a row is written to ``core_outbox``
  in the same transaction. :func:`deliver_outbox` hands them over after the
  commit, each in its own transaction, retrying with backoff, so a crash
  between commit and delivery loses nothing. Delivery is at-least-once:
  after-commit handlers must be idempotent.

Payloads are JSON (ids and values, never ORM objects).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.models import OutboxMessage

if TYPE_CHECKING:
    from tenon.core.kernel import Tenon

log = logging.getLogger(__name__)
MAX_BACKOFF = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Event:
    """Event name ``<plugin>.<entity>.<past-tense verb>`` (``stock.shipment.done``)."""

    name: str
    payload: dict[str, Any]
    actor: str | None = None


@dataclass(frozen=True)
class Subscriber:
    """``handler(session, event)``; ``after_commit`` subscribers run from the outbox."""

    event: str
    handler: Callable[[Session, Event], None]
    after_commit: bool = False
    name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.name or f"{self.handler.__module__}.{self.handler.__qualname__}"


def publish(session: Session, name: str, payload: dict[str, Any]) -> Event:
    """Raise a domain event inside the current transaction.

    :param session: the unit of work's session (its ``info["app"]`` is the app).
    :param name: the event name.
    :param payload: JSON-able data.
    :returns: the event.
    :raises TenonError: when an in-transaction subscriber vetoes.
    """
    app: Tenon = session.info["app"]
    actor = session.info.get("actor")
    event = Event(name, payload, actor.username if actor is not None else None)
    for sub in app.subscribers(name):
        if sub.after_commit:
            session.add(OutboxMessage(event=name, subscriber=sub.key, payload={"payload": payload, "actor": event.actor}))
            session.info["outbox_dirty"] = True
        else:
            sub.handler(session, event)
    return event


def deliver_outbox(app: Tenon, *, limit: int = 200, now: dt.datetime | None = None) -> int:
    """Deliver due outbox messages; returns how many were delivered.

    ``now`` (default: the current time) decides which messages are due, and a
    failed delivery is retried ``2**attempts`` seconds (at most an hour) after it.

    Each message is handled in its own transaction. On PostgreSQL rows are
    claimed with ``FOR UPDATE SKIP LOCKED`` so several workers can deliver at once.
    """
    delivered = 0
    handlers = {s.key: s for s in app.all_subscribers() if s.after_commit}
    now = now or utcnow()
    with app.transaction() as session:
        ids = session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
    for msg_id in ids:
        with app.transaction() as session:
            stmt = select(OutboxMessage).where(OutboxMessage.id == msg_id, OutboxMessage.delivered_at.is_(None))
            if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
                stmt = stmt.with_for_update(skip_locked=True)
            msg = session.scalars(stmt).first()
            if msg is None:
                continue
            sub = handlers.get(msg.subscriber)
            if sub is None:  # its plugin was removed: keep the row, stop retrying soon
                msg.attempts += 1
                msg.last_error = "no such subscriber"
                msg.next_attempt_at = now + MAX_BACKOFF
                continue
            event = Event(msg.event, msg.payload.get("payload", {}), msg.payload.get("actor"))
            try:
                with session.begin_nested():
                    sub.handler(session, event)
            except Exception as exc:  # retried later; one bad handler must not stop the rest
                log.warning("outbox delivery of %s to %s failed: %s", msg.event, msg.subscriber, exc)
                msg.attempts += 1
                msg.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                msg.next_attempt_at = now + min(dt.timedelta(seconds=2**msg.attempts), MAX_BACKOFF)
            else:
                msg.delivered_at = utcnow()
                msg.attempts += 1
                delivered += 1
    return delivered
