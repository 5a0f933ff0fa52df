"""Domain events: declared typed classes, written to the outbox in the publishing transaction, delivered
after commit, retried with backoff; in-transaction reactions and vetoes go through owned hooks instead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import pytest
from sqlalchemy import func, select

from tenon.core.db import utcnow
from tenon.core.errors import PluginError, TenonError
from tenon.core.events import Event, Subscriber, deliver_outbox, publish
from tenon.core.hookspecs import hookspec
from tenon.core.kernel import Tenon
from tenon.core.models import OutboxMessage, Setting

CALLS: list[tuple[str, dict]] = []
FAILURES_LEFT = {"mail": 0}


@dataclass(frozen=True)
class OrderDone(Event):
    """A test order was done."""

    name: ClassVar[str] = "eventplug.order.done"
    id: int
    veto: bool = False
    lines: list[dict[str, str | int]] | None = None


class OwnedSpecs:
    """What ``eventplug`` owns: a veto before an order is done, a notification after."""

    @hookspec
    def tenon_eventplug_order_finishing(self, session, order_id, veto):
        """Called before an order is done."""

    @hookspec
    def tenon_eventplug_order_finished(self, session, order_id):
        """Called after an order is done."""


def tenon_addhooks(pm):
    pm.add_hookspecs(OwnedSpecs)


def tenon_events(app):
    return [OrderDone]


def tenon_eventplug_order_finishing(session, order_id, veto):
    """Sees the publisher's uncommitted row; writes its own; vetoes when asked to."""
    CALLS.append(("in_tx", {"id": order_id}))
    assert session.get(Setting, f"order:{order_id}") is not None  # same transaction
    if veto:
        raise TenonError("credit limit exceeded", code="CREDIT_LIMIT")
    session.add(Setting(key=f"in_tx:{order_id}", value=session.info["actor"].username))


def on_done_mail(session, event: OrderDone) -> None:
    """After commit: writes a row, then fails while ``FAILURES_LEFT`` says so."""
    assert isinstance(event, OrderDone)
    CALLS.append(("mail", event.payload))
    session.add(Setting(key=f"mailed:{event.id}", value=len(CALLS)))
    session.flush()
    if FAILURES_LEFT["mail"] > 0:
        FAILURES_LEFT["mail"] -= 1
        raise RuntimeError("SMTP server down")


def tenon_event_subscribers(app):
    return [Subscriber(OrderDone, on_done_mail, name="eventplug.mail")]


HOOKS = {"tenon_addhooks": tenon_addhooks, "tenon_events": tenon_events,
         "tenon_event_subscribers": tenon_event_subscribers,
         "tenon_eventplug_order_finishing": tenon_eventplug_order_finishing}


@pytest.fixture
def app(make_app, make_plugin):
    CALLS.clear()
    FAILURES_LEFT["mail"] = 0
    plugin = make_plugin("eventplug", **HOOKS)
    return make_app(plugins=["eventplug"], extra_plugins=[plugin])


def place_order(session, order_id: int, veto: bool = False) -> None:
    session.add(Setting(key=f"order:{order_id}", value="placed"))
    session.flush()
    hooks = session.info["app"].hooks
    hooks.ask("tenon_eventplug_order_finishing", session=session, order_id=order_id, veto=veto)
    hooks.notify("tenon_eventplug_order_finished", session=session, order_id=order_id)
    publish(session, OrderDone(id=order_id))


def keys(app) -> set[str]:
    with app.transaction() as s:
        return set(s.scalars(select(Setting.key)))


def outbox(app) -> list[OutboxMessage]:
    with app.transaction() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_an_owned_hook_shares_the_transaction_and_subscribers_follow_after_commit(app):
    with app.transaction() as s:
        place_order(s, 1)
        assert CALLS == [("in_tx", {"id": 1})]  # ran at once; the mail waits for the commit
        pending = s.scalars(select(OutboxMessage)).all()  # written in this very transaction
        assert [(m.event, m.subscriber, m.delivered_at) for m in pending] == [
            ("eventplug.order.done", "eventplug.mail", None)]
    done = {"id": 1, "veto": False, "lines": None}
    assert CALLS == [("in_tx", {"id": 1}), ("mail", done)]  # delivered after the commit
    assert {"order:1", "in_tx:1", "mailed:1"} <= keys(app)
    [msg] = outbox(app)
    assert msg.delivered_at is not None and msg.attempts == 1
    assert msg.payload == {"payload": done, "actor": "system"}


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

    restarted = Tenon(app.site, extra_plugins=[make_plugin("eventplug", **HOOKS)])
    assert deliver_outbox(restarted) == 1
    assert CALLS[-1] == ("mail", {"id": 5, "veto": False, "lines": None})
    assert "mailed:5" in keys(restarted)
    assert outbox(restarted)[0].delivered_at is not None
    restarted.dispose()


def test_an_event_without_subscribers_is_a_no_op(make_app, make_plugin):
    CALLS.clear()
    quiet = make_plugin("eventplug", label="eventplug_quiet", tenon_events=tenon_events)
    app = make_app(plugins=["eventplug"], extra_plugins=[quiet])
    with app.transaction() as s:
        event = publish(s, OrderDone(id=1))
    assert event == OrderDone(id=1) and event.actor == "system"
    assert outbox(app) == [] and CALLS == []


def test_the_typed_payload_round_trips_through_the_outbox(make_app, make_plugin):
    """What a handler gets is an instance of the declared class, rebuilt from the stored JSON."""
    got: list[OrderDone] = []
    owner = make_plugin("eventplug", label="eventplug_typed", tenon_events=tenon_events)
    listener = make_plugin("listener", depends=("eventplug",), tenon_event_subscribers=lambda app: [
        Subscriber("eventplug.order.done", lambda session, event: got.append(event), name="listener.got")])
    app = make_app(plugins=["listener"], extra_plugins=[owner, listener])
    with app.transaction() as s:
        s.add(Setting(key="order:9", value="placed"))
        publish(s, OrderDone(id=9, lines=[{"product_id": 3, "quantity": "1.5000"}]))
    [event] = got
    assert type(event) is OrderDone and event == OrderDone(id=9, lines=[{"product_id": 3, "quantity": "1.5000"}])
    assert event.payload["lines"][0]["quantity"] == "1.5000" and event.actor == "system"


def test_publishing_an_undeclared_event_is_refused_and_rolls_back(app):
    @dataclass(frozen=True)
    class Stray(Event):
        """Declared by nobody."""

        name: ClassVar[str] = "eventplug.stray.happened"
        x: int

    with pytest.raises(PluginError, match="'eventplug.stray.happened' .* is not declared"):
        with app.transaction() as s:
            s.add(Setting(key="stray", value=1))
            publish(s, Stray(x=1))
    assert "stray" not in keys(app) and outbox(app) == []
    with pytest.raises(PluginError, match="takes a declared Event instance"):
        with app.transaction() as s:
            publish(s, "eventplug.order.done")  # type: ignore[arg-type]


def test_a_notification_hook_cannot_veto(make_app, make_plugin):
    """A ``TenonError`` raised from a past-tense hook becomes a one-line PluginError naming the plugin and the
    hook to refuse in; everything rolls back and no event is published."""
    CALLS.clear()

    def tenon_eventplug_order_finished(session, order_id):
        raise TenonError("too late to refuse", code="NOPE")

    owner = make_plugin("eventplug", label="eventplug_owner", **HOOKS)
    late = make_plugin("latecomer", depends=("eventplug",),
                       tenon_eventplug_order_finished=tenon_eventplug_order_finished)
    app = make_app(plugins=["eventplug", "latecomer"], extra_plugins=[owner, late])
    with pytest.raises(PluginError) as exc:
        with app.transaction() as s:
            s.add(Setting(key="unrelated", value=1))
            place_order(s, 7)
    message = str(exc.value)
    assert message == ("plugin 'latecomer' raised from notification hook 'tenon_eventplug_order_finished' "
                       "(NOPE: too late to refuse); refuse in 'tenon_eventplug_order_finishing' instead")
    assert "\n" not in message
    assert not {"unrelated", "order:7", "in_tx:7"} & keys(app) and outbox(app) == []


@pytest.mark.parametrize(("call", "hook", "message"), [
    ("ask", "tenon_eventplug_order_closing",
     "hook 'tenon_eventplug_order_closing' is not declared: plugin 'eventplug' must declare it with tenon_addhooks"),
    ("notify", "tenon_eventplug_order_closed",
     "hook 'tenon_eventplug_order_closed' is not declared: plugin 'eventplug' must declare it with tenon_addhooks"),
    ("ask", "tenon_eventplug_order_finished",
     "app.hooks.ask('tenon_eventplug_order_finished'): only pre-step hooks named '…ing' may veto; "
     "use app.hooks.notify for a past-tense hook"),
    ("notify", "tenon_eventplug_order_finishing",
     "app.hooks.notify('tenon_eventplug_order_finishing'): notification hooks are named in the past tense "
     "('…ed', '…done'); use app.hooks.ask for a '…ing' hook"),
])
def test_owned_hooks_fail_loudly(app, call, hook, message):
    """A missing owned hookspec, or the wrong helper for a hook's tense, is one line naming the hook."""
    with pytest.raises(PluginError) as exc:
        with app.transaction() as s:
            getattr(app.hooks, call)(hook, session=s, order_id=1)
    assert str(exc.value) == message


def test_an_owned_hook_called_with_other_arguments_than_declared_is_refused(app):
    with pytest.raises(PluginError, match="called with \\(order_id, session\\) but declares \\(order_id, session, veto\\)"):
        with app.transaction() as s:
            app.hooks.ask("tenon_eventplug_order_finishing", session=s, order_id=1)


def test_uninstalling_a_plugin_drops_its_pending_outbox_rows(app):
    from tenon.core.installer import uninstall

    with app.transaction(defer_outbox=True) as s:
        place_order(s, 6)
    assert len(outbox(app)) == 1
    uninstall(app, "eventplug")
    assert outbox(app) == []
