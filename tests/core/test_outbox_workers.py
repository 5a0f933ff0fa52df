"""Several workers deliver one outbox: every message handed over exactly once (issue 13).

Two workers, each with its own engine and connections (as two server processes have), deliver
1,000 events at the same time; each claims batches of due messages (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, a write-first claim statement on SQLite) before handling them.
"""

from __future__ import annotations

import collections
import threading
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import func, select

from tenon.core.events import Event, Subscriber, deliver_outbox, publish
from tenon.core.kernel import Tenon
from tenon.core.models import OutboxMessage, Setting

EVENTS = 1000
CALLS: collections.Counter[int] = collections.Counter()
BY_WORKER: collections.Counter[str] = collections.Counter()
LOCK = threading.Lock()


@dataclass(frozen=True)
class Pinged(Event):
    """A test ping was sent."""

    name: ClassVar[str] = "fanplug.ping.sent"
    n: int


def on_ping(session, event: Pinged) -> None:
    with LOCK:
        CALLS[event.n] += 1
        BY_WORKER[threading.current_thread().name] += 1
    session.add(Setting(key=f"pinged:{event.n}", value=event.n))


HOOKS = {"tenon_events": lambda app: [Pinged],
         "tenon_event_subscribers": lambda app: [Subscriber(Pinged, on_ping, name="fanplug.ping")]}


def test_two_workers_deliver_each_of_1000_events_once(make_app, make_plugin):
    CALLS.clear()
    BY_WORKER.clear()
    app = make_app(plugins=["fanplug"], extra_plugins=[make_plugin("fanplug", **HOOKS)])
    with app.transaction(defer_outbox=True) as s:
        for n in range(EVENTS):
            publish(s, Pinged(n=n))
    workers = [Tenon(app.site, extra_plugins=[make_plugin("fanplug", **HOOKS)]) for _ in range(2)]
    start = threading.Barrier(2)
    delivered: dict[str, int] = {}
    errors: list[BaseException] = []

    def work(worker: Tenon) -> None:
        name = threading.current_thread().name
        start.wait()
        try:
            total = 0
            while (count := deliver_outbox(worker, limit=25)) > 0:
                total += count
            delivered[name] = total
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,), name=f"worker-{i}") for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    for w in workers:
        w.dispose()
    assert not errors, errors
    assert sorted(CALLS) == list(range(EVENTS)) and set(CALLS.values()) == {1}, \
        f"delivered more than once: {[n for n, c in CALLS.items() if c > 1][:10]}"
    assert sum(delivered.values()) == EVENTS and all(delivered.get(t.name, 0) > 0 for t in threads), delivered
    with app.transaction() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.delivered_at.is_(None))) == 0
        assert s.scalar(select(func.count()).select_from(Setting).where(Setting.key.like("pinged:%"))) == EVENTS


class _Interrupted(BaseException):
    """A delivery pass dying half-way (a refused commit, a stopped process)."""


def test_a_pass_that_fails_half_way_gives_its_claims_back(make_app, make_plugin):
    """The pass claims three messages and dies on the second: the second and third are due again
    at once (not leased for five minutes), and the next pass delivers them; the first stays
    delivered once."""
    seen: list[int] = []

    def flaky(session, event: Pinged) -> None:
        if event.n == 1 and 1 not in seen:
            seen.append(1)
            raise _Interrupted
        seen.append(event.n)

    hooks = {"tenon_events": lambda app: [Pinged],
             "tenon_event_subscribers": lambda app: [Subscriber(Pinged, flaky, name="fanplug.flaky")]}
    app = make_app(plugins=["fanplug"], extra_plugins=[make_plugin("fanplug", **hooks)])
    with app.transaction(defer_outbox=True) as s:
        for n in range(3):
            publish(s, Pinged(n=n))
    try:
        deliver_outbox(app)
    except _Interrupted:
        pass
    else:
        raise AssertionError("the pass should have been interrupted")
    assert deliver_outbox(app) == 2
    assert seen == [0, 1, 1, 2]
    with app.transaction() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.delivered_at.is_(None))) == 0


@dataclass(frozen=True)
class Looked(Event):
    """A test event whose subscriber reads, then writes."""

    name: ClassVar[str] = "lookplug.look.done"
    n: int


READ_DONE, OTHER_DONE = threading.Event(), threading.Event()


def on_look(session, event: Looked) -> None:
    session.scalars(select(Setting)).all()  # a read first
    READ_DONE.set()
    OTHER_DONE.wait(1.0)  # another connection writes now, unless this delivery holds the write lock
    session.add(Setting(key=f"looked:{event.n}", value=event.n))


LOOK_HOOKS = {"tenon_events": lambda app: [Looked],
              "tenon_event_subscribers": lambda app: [Subscriber(Looked, on_look, name="lookplug.look")]}


def test_a_subscriber_that_reads_then_writes_is_delivered_while_another_connection_writes(make_app, make_plugin):
    """On SQLite a subscriber runs in a savepoint; the delivery takes the write lock before it, so a
    writer committing between the subscriber's read and its write waits instead of making the
    subscriber's write fail with "database is locked" (seen in CI as a failed delivery that then
    failed its own retry bookkeeping)."""
    READ_DONE.clear()
    OTHER_DONE.clear()
    app = make_app(plugins=["lookplug"], extra_plugins=[make_plugin("lookplug", **LOOK_HOOKS)])
    with app.transaction(defer_outbox=True) as s:
        publish(s, Looked(n=1))
    other = Tenon(app.site, extra_plugins=[make_plugin("lookplug", **LOOK_HOOKS)])
    errors: list[BaseException] = []

    def write_meanwhile() -> None:
        try:
            READ_DONE.wait(30)
            with other.transaction() as s:
                s.add(Setting(key="other-writer", value=2))
            OTHER_DONE.set()
        except BaseException as exc:  # reported below
            errors.append(exc)

    t = threading.Thread(target=write_meanwhile)
    t.start()
    try:
        assert deliver_outbox(app) == 1
    finally:
        t.join(timeout=60)
        other.dispose()
    assert not errors, errors
    with app.transaction() as s:
        msg = s.scalars(select(OutboxMessage).where(OutboxMessage.event == Looked.name)).one()
        assert msg.delivered_at is not None and msg.last_error is None, msg.last_error
        keys = set(s.scalars(select(Setting.key).where(Setting.key.in_(["looked:1", "other-writer"]))))
    assert keys == {"looked:1", "other-writer"}
