"""Domain events: in-transaction subscribers share the transaction and may veto; after-commit ones
go through the outbox, written in the same transaction, delivered after commit, retried with backoff."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tenon.core.db import utcnow
from tenon.core.errors import TenonError
from tenon.core.events import Event, Subscriber, deliver_outbox, publish
from tenon.core.kernel import Tenon
from tenon.core.models import OutboxMessage, Setting

CALLS: list[tuple[str, dict]] = []
FAILURES_LEFT = {"mail": 0}


def on_done_in_tx(session, event: Event) -> None:
    """Sees the publisher's uncommitted row; writes its own; vetoes when asked to."""
    CALLS.append(("in_tx", event.payload))
    assert session.get(Setting, f"order:{event.payload['id']}") is not None  # same transaction
    if event.payload.get("veto"):
        raise TenonError("credit limit exceeded", code="CREDIT_LIMIT")
    session.add(Setting(key=f"in_tx:{event.payload['id']}", value=event.actor))


def on_done_mail(session, event: Event) -> None:
    """After commit: writes a row, then fails while ``FAILURES_LEFT`` says so."""
    CALLS.append(("mail", event.payload))
    session.add(Setting(key=f"mailed:{event.payload['id']}", value=len(CALLS)))
    session.flush()
    if FAILURES_LEFT["mail"] > 0:
        FAILURES_LEFT["mail"] -= 1
        raise RuntimeError("SMTP server down")


def tenon_event_subscribers(app):
    return [
        Subscriber("test.order.done", on_done_in_tx, name="eventplug.in_tx"),
        Subscriber("test.order.done", on_done_mail, after_commit=True, name="eventplug.mail"),
    ]


@pytest.fixture
def app(make_app, make_plugin):
    CALLS.clear()
    FAILURES_LEFT["mail"] = 0
    plugin = make_plugin("eventplug", tenon_event_subscribers=tenon_event_subscribers)
    return make_app(plugins=["eventplug"], extra_plugins=[plugin])


def place_order(session, order_id: int, **payload) -> None:
    session.add(Setting(key=f"order:{order_id}", value="placed"))
    session.flush()
    publish(session, "test.order.done", {"id": order_id, **payload})


def keys(app) -> set[str]:
    with app.transaction() as s:
        return set(s.scalars(select(Setting.key)))


def outbox(app) -> list[OutboxMessage]:
    with app.transaction() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_in_transaction_subscriber_shares_the_transaction_and_after_commit_ones_follow(app):
    with app.transaction() as s:
        place_order(s, 1)
        assert CALLS == [("in_tx", {"id": 1})]  # ran at once; the mail waits for the commit
        pending = s.scalars(select(OutboxMessage)).all()  # written in this very transaction
        assert [(m.event, m.subscriber, m.delivered_at) for m in pending] == [
            ("test.order.done", "eventplug.mail", None)]
    assert CALLS == [("in_tx", {"id": 1}), ("mail", {"id": 1})]  # delivered after the commit
    assert {"order:1", "in_tx:1", "mailed:1"} <= keys(app)
    [msg] = outbox(app)
    assert msg.delivered_at is not None and msg.attempts == 1
    assert msg.payload == {"payload": {"id": 1}, "actor": "system"}


def test_a_veto_rolls_back_everything(app):
    with pytest.raises(TenonError) as exc:
        with app.transaction() as s:
            s.add(Setting(key="unrelated", value=1))
            place_order(s, 2, veto=True)
    assert exc.value.code == "CREDIT_LIMIT"
    assert not {"unrelated", "order:2", "in_tx:2"} & keys(app)
    assert outbox(app) == []  # the after-commit subscriber never hears of it
    assert [c[0] for c in CALLS] == ["in_tx"]


def test_a_rolled_back_transaction_leaves_no_outbox_row(app):
    with pytest.raises(RuntimeError):
        with app.transaction() as s:
            place_order(s, 3)
            assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 1
            raise RuntimeError("something else failed later")
    assert outbox(app) == []
    assert "order:3" not in keys(app)
    assert [c[0] for c in CALLS] == ["in_tx"]


def test_a_failed_delivery_is_retried_with_backoff(app):
    """The handler fails twice: each failure rolls back the handler's own writes, counts an attempt and
    pushes the next try further out (2 s, then 4 s); a third, later delivery succeeds exactly once."""
    FAILURES_LEFT["mail"] = 2
    started = utcnow()
    with app.transaction() as s:  # commit, then the first delivery fails
        place_order(s, 4)
    [msg] = outbox(app)
    assert (msg.attempts, msg.delivered_at, msg.last_error) == (1, None, "RuntimeError: SMTP server down")
    first_retry = msg.next_attempt_at
    assert first_retry >= started + dt.timedelta(seconds=2)
    assert "mailed:4" not in keys(app)  # the failed attempt's writes were rolled back
    assert "order:4" in keys(app)  # the business transaction itself stands

    assert deliver_outbox(app, now=started) == 0  # not due yet: nothing is tried
    assert [c[0] for c in CALLS] == ["in_tx", "mail"]

    assert deliver_outbox(app, now=first_retry) == 0  # due: tried, fails again
    [msg] = outbox(app)
    assert msg.attempts == 2 and msg.next_attempt_at - first_retry >= dt.timedelta(seconds=4)

    assert deliver_outbox(app, now=msg.next_attempt_at + dt.timedelta(seconds=1)) == 1
    [msg] = outbox(app)
    assert msg.attempts == 3 and msg.delivered_at is not None
    assert "mailed:4" in keys(app)
    assert deliver_outbox(app, now=utcnow() + dt.timedelta(days=1)) == 0  # delivered once, never again
    assert [c[0] for c in CALLS] == ["in_tx", "mail", "mail", "mail"]


def test_a_crash_between_commit_and_delivery_loses_nothing(app, make_plugin):
    """Commit without delivering (the process dies right after); a new process delivers the event later."""
    with app.transaction(defer_outbox=True) as s:
        place_order(s, 5)
    assert [c[0] for c in CALLS] == ["in_tx"]
    [msg] = outbox(app)
    assert msg.delivered_at is None and msg.attempts == 0
    app.dispose()

    restarted = Tenon(app.site, extra_plugins=[make_plugin("eventplug", tenon_event_subscribers=tenon_event_subscribers)])
    assert deliver_outbox(restarted) == 1
    assert CALLS[-1] == ("mail", {"id": 5})
    assert "mailed:5" in keys(restarted)
    assert outbox(restarted)[0].delivered_at is not None
    restarted.dispose()


def test_an_event_without_subscribers_is_a_no_op(app):
    with app.transaction() as s:
        event = publish(s, "test.nobody.listens", {"x": 1})
    assert event == Event("test.nobody.listens", {"x": 1}, "system")
    assert outbox(app) == [] and CALLS == []


def test_uninstalling_a_plugin_drops_its_pending_outbox_rows(app):
    from tenon.core.installer import uninstall

    with app.transaction(defer_outbox=True) as s:
        place_order(s, 6)
    assert len(outbox(app)) == 1
    uninstall(app, "eventplug")
    assert outbox(app) == []
