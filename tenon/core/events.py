"""Domain events: declared, typed, delivered after commit through the outbox.

The reaction rule (also in :mod:`tenon.core.hookspecs`): **in-transaction
reactions and vetoes are hooks owned by the plugin that changes the state**
(``tenon_addhooks``, called with ``app.hooks.ask``/``app.hooks.notify``);
**after-commit reactions are events**. An event never runs inside the
publisher's transaction and can never veto.

A plugin declares the events it publishes with ``tenon_events``: each is a
frozen dataclass subclassing :class:`Event`, named
``<plugin>.<entity>.<past-tense verb>`` by its ``name`` class attribute, with
JSON-able typed fields (its payload) and a docstring::

    @dataclass(frozen=True)
    class ShipmentDone(Event):
        \"\"\"A shipment's goods left the warehouse.\"\"\"

        name: ClassVar[str] = "stock.shipment.done"
        shipment_id: int
        number: str

``publish(session, ShipmentDone(shipment_id=1, number="SH-1"))`` writes one
``core_outbox`` row per subscriber in the same transaction (publishing an event
no loaded plugin declares is an error). :func:`deliver_outbox` hands them over
after the commit, each in its own transaction, retrying with backoff, so a
crash between commit and delivery loses nothing. Delivery is at-least-once:
handlers must be idempotent. A handler is ``handler(session, event)`` and gets
the typed event rebuilt from the outbox (``event.payload`` is the dict of its
fields, ``event.actor`` the publishing user's name).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.errors import PluginError
from tenon.core.models import OutboxMessage

if TYPE_CHECKING:
    from tenon.core.kernel import Tenon

__all__ = ["Event", "Subscriber", "deliver_outbox", "is_past_tense", "publish", "validate_event_class"]

log = logging.getLogger(__name__)
MAX_BACKOFF = dt.timedelta(hours=1)
_EVENT_NAME = re.compile(r"(?P<plugin>[a-z][a-z0-9_]*)\.(?P<entity>[a-z][a-z0-9_]*)\.(?P<verb>[a-z][a-z0-9_]*)")
#: Irregular past tenses accepted as the last word of an event or notification hook name.
IRREGULAR_PAST = frozenset({"done", "sent", "paid", "built", "made", "held", "sold", "split", "set", "put",
                            "cut", "read", "kept", "left", "lost", "won", "begun", "run", "drawn", "given",
                            "taken", "written", "shown", "known", "bought", "brought", "found", "hung"})
_JSON_SCALARS = (str, int, float, bool, type(None))


def is_past_tense(verb: str) -> bool:
    """Whether the last word of ``verb`` (``state_changed``, ``done``) reads as a past tense."""
    last = verb.rsplit("_", 1)[-1]
    return last.endswith("ed") or last in IRREGULAR_PAST


class Event:
    """Base class of declared events: subclass it as a frozen dataclass (see the module docstring).

    ``name`` (a class attribute) is ``<plugin>.<entity>.<past-tense verb>``; the
    dataclass fields are the payload. ``actor`` is the username of whoever
    published it (``None`` outside a request).
    """

    name: ClassVar[str] = ""

    @property
    def payload(self) -> dict[str, Any]:
        """The event's fields as a JSON-able dict (what the outbox stores)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @property
    def actor(self) -> str | None:
        """Username of the publishing user, or ``None``."""
        return getattr(self, "_actor", None)

    @classmethod
    def from_payload(cls, payload: dict[str, Any], actor: str | None = None) -> Event:
        """Rebuild the event from its outbox payload (unknown keys are ignored, for old rows)."""
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        event = cls(**{k: v for k, v in payload.items() if k in names})
        object.__setattr__(event, "_actor", actor)
        return event


def _json_type(tp: Any) -> bool:
    if tp in _JSON_SCALARS or tp is Any:
        return True
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return all(_json_type(a) for a in args)
    if origin in (list, tuple):
        return all(_json_type(a) for a in args if a is not Ellipsis)
    if origin is dict:
        return len(args) == 2 and args[0] is str and _json_type(args[1])
    return tp in (list, dict)


def validate_event_class(plugin: str, cls: Any) -> str:
    """Check one class returned by ``tenon_events``; return its name.

    :raises PluginError: (one line naming ``plugin``) not an :class:`Event` dataclass, a name
        that is not ``<plugin>.<entity>.<past-tense verb>``, no docstring, or a field whose
        type is not JSON-able (str, int, float, bool, None, lists and str-keyed dicts of them).
    """
    if not (isinstance(cls, type) and issubclass(cls, Event) and dataclasses.is_dataclass(cls)):
        raise PluginError(f"plugin {plugin!r}: tenon_events() returned {cls!r}, not a dataclass subclassing tenon.core.events.Event")
    m = _EVENT_NAME.fullmatch(cls.name or "")
    if m is None or m["plugin"] != plugin:
        raise PluginError(f"plugin {plugin!r}: event {cls.__qualname__} is named {cls.name!r}; "
                          f"name it '{plugin}.<entity>.<past-tense verb>'")
    if not is_past_tense(m["verb"]):
        raise PluginError(f"plugin {plugin!r}: event {cls.name!r} must end in a past-tense verb (done, confirmed)")
    if not (cls.__doc__ or "").strip() or cls.__doc__.startswith(f"{cls.__name__}("):
        raise PluginError(f"plugin {plugin!r}: event {cls.name!r} has no docstring")
    try:
        hints = typing.get_type_hints(cls)
    except Exception as exc:
        raise PluginError(f"plugin {plugin!r}: event {cls.name!r} has unresolvable field types: {exc}") from None
    for f in dataclasses.fields(cls):
        if not _json_type(hints.get(f.name)):
            raise PluginError(f"plugin {plugin!r}: event {cls.name!r} field {f.name!r} is not JSON-able "
                              f"({hints.get(f.name)!r}); use str, int, float, bool, lists and dicts")
    return cls.name


_UNSET: Any = object()


@dataclass(frozen=True)
class Subscriber:
    """An after-commit reaction: ``handler(session, event)`` runs from the outbox after the commit.

    :param event: the event class or its name (``"stock.shipment.done"``); it must be
        declared by a loaded plugin, or loading fails naming the subscribing plugin.
    :param handler: called with a fresh session (its own transaction) and the typed event.
    :param name: a stable key for the outbox rows (default: the handler's dotted name).
    """

    event: type[Event] | str
    handler: Callable[[Session, Any], None]
    after_commit: bool = _UNSET
    name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.after_commit is False:
            raise PluginError(
                f"Subscriber({self.event_name!r}, after_commit=False): in-transaction subscribers no longer exist; "
                f"react inside the transaction through a hook the publishing plugin owns "
                f"(tenon_<plugin>_<entity>_<verb>, app.hooks.notify/ask)")
        object.__setattr__(self, "after_commit", True)

    @property
    def event_name(self) -> str:
        """The subscribed event's name."""
        return self.event if isinstance(self.event, str) else self.event.name

    @property
    def key(self) -> str:
        return self.name or f"{self.handler.__module__}.{self.handler.__qualname__}"


def publish(session: Session, event: Event) -> Event:
    """Publish a declared event: one outbox row per subscriber, in the current transaction.

    Subscribers run after the commit (never now); a rolled-back transaction
    publishes nothing.

    :param session: the unit of work's session (its ``info["app"]`` is the app).
    :param event: an instance of a class some loaded plugin declares in ``tenon_events``.
    :returns: the event, with ``actor`` set.
    :raises PluginError: the event is not declared by a loaded plugin, or its payload is not JSON.
    """
    app: Tenon = session.info["app"]
    if not isinstance(event, Event):
        raise PluginError(f"publish() takes a declared Event instance, not {event!r}")
    declared = app.event_catalog.get(event.name)
    if declared is None or not isinstance(event, declared):
        raise PluginError(f"event {event.name!r} ({type(event).__qualname__}) is not declared by any loaded plugin "
                          f"(return its class from the plugin's tenon_events hook)")
    payload = event.payload
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as exc:
        raise PluginError(f"event {event.name!r}: payload is not JSON-able: {exc}") from None
    actor = session.info.get("actor")
    object.__setattr__(event, "_actor", actor.username if actor is not None else None)
    for sub in app.subscribers(event.name):
        session.add(OutboxMessage(event=event.name, subscriber=sub.key, payload={"payload": payload, "actor": event.actor}))
        session.info["outbox_dirty"] = True
    return event


#: how long a claimed message stays with the worker that claimed it; a worker that dies
#: mid-delivery leaves its claims to be taken again after this (delivery is at-least-once)
CLAIM_LEASE = dt.timedelta(minutes=5)


def _retry_later(msg: OutboxMessage, now: dt.datetime, error: str) -> None:
    msg.attempts += 1
    msg.last_error = error
    msg.next_attempt_at = now + MAX_BACKOFF


def _claim(app: Tenon, now: dt.datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` due messages for this worker, in one statement and its own transaction.

    The claim moves the messages' ``next_attempt_at`` a lease ahead, so no other worker sees them as
    due. On PostgreSQL the candidate rows are locked ``FOR UPDATE SKIP LOCKED``: concurrent workers
    claim disjoint sets without waiting for each other. On SQLite the statement is a write from its
    first step, so writers queue on the database lock (busy timeout) and each one sees the claims
    committed before it.
    """
    with app.transaction() as session:
        due = (select(OutboxMessage.id)
               .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.next_attempt_at <= now)
               .order_by(OutboxMessage.id).limit(limit))
        if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
            due = due.with_for_update(skip_locked=True)
        claimed = session.scalars(
            update(OutboxMessage).where(OutboxMessage.id.in_(due.scalar_subquery()))
            .values(next_attempt_at=now + CLAIM_LEASE).returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).all()
    return sorted(claimed)


def deliver_outbox(app: Tenon, *, limit: int = 200, now: dt.datetime | None = None) -> int:
    """Deliver due outbox messages; returns how many were delivered.

    ``now`` (default: the current time) decides which messages are due, and a
    failed delivery is retried ``2**attempts`` seconds (at most an hour) after it.

    Several workers (processes, machines) may run this at once: each first claims a batch of due
    messages (:func:`_claim`: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL), then handles each claimed
    message in its own transaction, so no message is handed to two workers. A worker that dies
    after claiming leaves its messages to be claimed again after :data:`CLAIM_LEASE`.
    """
    delivered = 0
    handlers = {s.key: s for s in app.all_subscribers()}
    now = now or utcnow()
    claimed = _claim(app, now, limit)
    for n, msg_id in enumerate(claimed):
        try:
            delivered += _deliver_one(app, handlers, msg_id, now)
        except BaseException:
            # the pass itself failed (a commit refused, the process interrupted): give the claims
            # not handled yet back at once instead of leaving them leased for CLAIM_LEASE
            _unclaim(app, claimed[n:])
            raise
    return delivered


def _deliver_one(app: Tenon, handlers: dict[str, Subscriber], msg_id: int, now: dt.datetime) -> int:
    """Hand one claimed message to its subscriber in its own transaction; 1 when delivered."""
    with app.transaction() as session:
        msg = session.get(OutboxMessage, msg_id)
        if msg is None or msg.delivered_at is not None:
            return 0
        sub = handlers.get(msg.subscriber)
        cls = app.event_catalog.get(msg.event)
        if sub is None or cls is None:  # its plugin was removed: keep the row, stop retrying soon
            _retry_later(msg, now, "no such subscriber" if sub is None else "no such event")
            return 0
        try:
            event = cls.from_payload(msg.payload.get("payload", {}), msg.payload.get("actor"))
            with session.begin_nested():
                sub.handler(session, event)
        except Exception as exc:  # retried later; one bad handler must not stop the rest
            log.warning("outbox delivery of %s to %s failed: %s", msg.event, msg.subscriber, exc)
            msg.attempts += 1
            msg.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            msg.next_attempt_at = now + min(dt.timedelta(seconds=2**msg.attempts), MAX_BACKOFF)
            return 0
        msg.delivered_at = utcnow()
        msg.attempts += 1
        return 1


def _unclaim(app: Tenon, ids: list[int]) -> None:
    """Make claimed, undelivered messages due again (best effort: the pass is failing already)."""
    try:
        with app.transaction() as session:
            session.execute(update(OutboxMessage)
                            .where(OutboxMessage.id.in_(ids), OutboxMessage.delivered_at.is_(None))
                            .values(next_attempt_at=utcnow()).execution_options(synchronize_session=False))
    except Exception:
        log.exception("could not give back %d outbox claim(s); they are due again after the lease", len(ids))
