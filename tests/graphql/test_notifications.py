"""The notification inbox, fed by after-commit event subscribers through ``tenon.core.notifications.notify``.

A small test plugin ``notifytest`` plays a domain plugin: its mutation ``thingDone``
publishes ``notifytest.thing.done``; its after-commit subscriber notifies the
recipients named in the payload (users and/or roles), with a dedupe key per thing.
"""

from __future__ import annotations

import datetime as dt
import queue
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
import strawberry
from sqlalchemy import func, select, update
from strawberry.types import Info

from tenon import PluginInfo
from tenon.core.access import add_policy_lines
from tenon.core.contributions import SchemaContribution
from tenon.core.db import utcnow
from tenon.core.errors import ValidationError
from tenon.core.events import Event, Subscriber, deliver_outbox, publish
from tenon.core.models import Notification, OutboxMessage
from tenon.core.notifications import notify
from tenon.core.testing import create_user
from tenon.graphql.permissions import allowed

EVENT = "notifytest.thing.done"


@dataclass(frozen=True)
class ThingDone(Event):
    """A thing was finished; ``recipients`` and ``roles`` must hear of it."""

    name: ClassVar[str] = EVENT
    number: int
    recipients: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

FLAKY: dict[str, int] = {"fail": 0, "failures": 0, "calls": 0}


def on_thing_done(session: Any, event: Event) -> None:
    FLAKY["calls"] += 1
    if FLAKY["fail"] > 0:
        FLAKY["fail"] -= 1
        FLAKY["failures"] += 1
        raise RuntimeError("mail server down")
    number = event.payload["number"]
    notify(session, usernames=event.payload["recipients"], roles=event.payload["roles"], event=event.name,
           title=f"Thing {number} done", body=f"by {event.actor}", entity_type="notifytest_thing",
           entity_id=str(number), dedupe_key=f"{EVENT}:{number}")


@strawberry.input(description="A finished thing and who must hear of it.")
class ThingDoneInput:
    number: int = strawberry.field(description="Thing number.")
    recipients: list[str] = strawberry.field(default_factory=list, description="Usernames to notify.")
    roles: list[str] = strawberry.field(default_factory=list, description="Roles to notify.")
    fail: bool = strawberry.field(default=False, description="Refuse after publishing (rolls back).")


@strawberry.type
class NotifyTestMutation:
    @strawberry.mutation(description="Finish a thing.", extensions=allowed("notifytest.thing", "create"))
    async def thing_done(self, info: Info, input: ThingDoneInput) -> bool:
        def run(session: Any) -> None:
            publish(session, ThingDone(number=input.number, recipients=input.recipients, roles=input.roles))
            if input.fail:
                raise ValidationError("refused after publishing", field="fail")

        await info.context.run(run)
        return True


class NotifyTestPlugin:
    """The ``notifytest`` plugin (a class: its name keys the migrated template)."""

    @staticmethod
    def tenon_plugin_info() -> PluginInfo:
        return PluginInfo(name="notifytest", version="0.1.0")

    @staticmethod
    def tenon_events(app: Any) -> list[type[Event]]:
        return [ThingDone]

    @staticmethod
    def tenon_event_subscribers(app: Any) -> list[Subscriber]:
        return [Subscriber(ThingDone, on_thing_done, name="notifytest.notify_thing_done")]

    @staticmethod
    def tenon_graphql_contributions(app: Any) -> SchemaContribution:
        return SchemaContribution(mutation=NotifyTestMutation)

    @staticmethod
    def tenon_policies(app: Any) -> list[tuple[str, ...]]:
        return [("p", "user", "notifytest.thing", "create", "*")]


THING_DONE = "mutation($i: ThingDoneInput!) { thingDone(input: $i) }"
INBOX = """query($unread: Boolean, $first: Int) {
  notifications(unreadOnly: $unread, first: $first) {
    totalCount nodes { id event title body entityType entityId read readAt }
  }
  unreadNotificationCount
}"""
MARK_READ = "mutation($ids: [ID!]!) { notificationMarkRead(ids: $ids) { notifications { id read } unreadCount } }"


@pytest.fixture(autouse=True)
def _reset_flaky():
    FLAKY.update(fail=0, failures=0, calls=0)


@pytest.fixture
def manual_outbox(monkeypatch):
    """Stop the HTTP app's background outbox worker, so the test alone delivers (deterministic counts)."""
    import tenon.graphql.app

    monkeypatch.setattr(tenon.graphql.app, "deliver_outbox", lambda app: 0)


def _app(make_app):
    return make_app(plugins=["notifytest"], extra_plugins=[NotifyTestPlugin])


def _deliver_all(app) -> None:
    """Deliver every outbox message that is due now or retrying."""
    for day in range(1, 6):  # each run a day later, so a failed message's retry is due
        deliver_outbox(app, now=utcnow() + dt.timedelta(days=day))
        with app.transaction() as s:
            if not s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.delivered_at.is_(None))):
                return
    raise AssertionError("outbox messages stay undelivered")


def test_recipient_sees_the_notification_after_the_mutation_commits(make_app, make_client):
    """Clerk finishes thing 7 naming rita: the app's own outbox worker, kicked by the commit, delivers
    it; rita's inbox then holds one unread notification about notifytest_thing 7; the clerk's stays empty."""
    app = _app(make_app)
    clerk = make_client(app, create_user(app, "clerk"))
    rita = clerk.as_token(create_user(app, "rita"))

    assert clerk.ok(THING_DONE, {"i": {"number": 7, "recipients": ["rita"]}}) == {"thingDone": True}
    deadline = time.monotonic() + 20  # a bound for a stuck worker, not a timing assertion
    while rita.ok(INBOX)["unreadNotificationCount"] == 0:
        assert time.monotonic() < deadline, "the outbox worker did not deliver"
        time.sleep(0.05)

    inbox = rita.ok(INBOX)
    assert inbox["unreadNotificationCount"] == 1
    assert inbox["notifications"]["totalCount"] == 1
    node = inbox["notifications"]["nodes"][0]
    assert node | {"id": None} == {"id": None, "event": EVENT, "title": "Thing 7 done", "body": "by clerk",
                                   "entityType": "notifytest_thing", "entityId": "7", "read": False, "readAt": None}
    assert clerk.ok(INBOX)["notifications"]["totalCount"] == 0


def test_a_rolled_back_mutation_notifies_no_one(make_app, make_client, manual_outbox):
    """thingDone publishes, then refuses: the event's outbox row rolls back with it, so nothing is delivered."""
    app = _app(make_app)
    clerk = make_client(app, create_user(app, "clerk"))
    rita = clerk.as_token(create_user(app, "rita"))

    err = clerk.error(THING_DONE, {"i": {"number": 8, "recipients": ["rita"], "fail": True}})
    assert err["extensions"]["code"] == "VALIDATION"
    assert deliver_outbox(app, now=utcnow() + dt.timedelta(days=1)) == 0
    assert FLAKY["calls"] == 0
    assert rita.ok(INBOX)["unreadNotificationCount"] == 0


def test_a_failing_handler_is_retried_and_notifies_exactly_once(make_app, make_client, manual_outbox):
    """The subscriber fails on its first run: the outbox keeps the message with the error and delivers
    it on a later run; then a redelivery (as after a crash between handler and bookkeeping) adds nothing,
    because the dedupe key is already there. Rita ends with exactly 1 notification."""
    app = _app(make_app)
    clerk = make_client(app, create_user(app, "clerk"))
    rita = clerk.as_token(create_user(app, "rita"))
    FLAKY["fail"] = 1

    clerk.ok(THING_DONE, {"i": {"number": 9, "recipients": ["rita"]}})
    _deliver_all(app)
    assert FLAKY["failures"] == 1
    with app.transaction() as s:
        msg = s.scalars(select(OutboxMessage).where(OutboxMessage.event == EVENT)).one()
        assert msg.attempts == 2
        assert msg.last_error == "RuntimeError: mail server down"
        s.execute(update(OutboxMessage).values(delivered_at=None))  # deliver it again

    _deliver_all(app)
    assert rita.ok(INBOX)["notifications"]["totalCount"] == 1
    with app.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 1


def test_roles_resolve_to_their_holders_including_inherited_roles(make_app, make_client, manual_outbox):
    """Notify role qc_inspector: ivy holds it, leo holds qc_lead (which inherits qc_inspector through
    `g, qc_lead, qc_inspector`), ned holds neither, and inactive ina holds it: ivy and leo get one each;
    rita, named directly and also an inspector, gets one (not two)."""
    app = _app(make_app)
    clerk = make_client(app, create_user(app, "clerk"))
    tokens = {name: create_user(app, name, roles=roles) for name, roles in
              [("ivy", ["qc_inspector"]), ("leo", ["qc_lead"]), ("ned", []), ("rita", ["qc_inspector"]),
               ("ina", ["qc_inspector"])]}
    with app.transaction(operation="test:roles") as s:
        add_policy_lines(s, [("g", "qc_lead", "qc_inspector")])
    admin = make_client(app, create_user(app, "boss", roles=["admin"]))
    admin.ok('mutation { userUpdate(input: {username: "ina", active: false}) { active } }')

    clerk.ok(THING_DONE, {"i": {"number": 3, "recipients": ["rita"], "roles": ["qc_inspector"]}})
    _deliver_all(app)

    counts = {name: clerk.as_token(tok).post(INBOX).get("data", {}) for name, tok in tokens.items()}
    got = {name: (c or {}).get("unreadNotificationCount") for name, c in counts.items()}
    assert got == {"ivy": 1, "leo": 1, "ned": 0, "rita": 1, "ina": None}  # ina's token stopped working


def test_notify_is_idempotent_with_a_dedupe_key(make_app):
    """Two calls with the same dedupe key (and the same recipients) create the rows once; a call
    without a key always creates."""
    app = _app(make_app)
    create_user(app, "rita")
    with app.transaction() as s:
        first = notify(s, usernames=["rita"], event="x.y.z", title="Hello", dedupe_key="k1")
        again = notify(s, usernames=["rita", "nobody"], event="x.y.z", title="Hello", dedupe_key="k1")
        plain = notify(s, usernames=["rita"], event="x.y.z", title="Hello")
        assert (len(first), len(again), len(plain)) == (1, 0, 1)
        with pytest.raises(ValidationError):
            notify(s, usernames=["rita"], event="x.y.z", title="  ")


def test_mark_read_only_touches_own_notifications(make_app, make_client, manual_outbox):
    """Rita has 3 notifications; she marks 2 read (and tries sam's one, which is ignored): 1 stays
    unread; sam's stays unread; unreadOnly lists just the 1."""
    app = _app(make_app)
    clerk = make_client(app, create_user(app, "clerk"))
    rita = clerk.as_token(create_user(app, "rita"))
    sam = clerk.as_token(create_user(app, "sam"))
    for n in (1, 2, 3):
        clerk.ok(THING_DONE, {"i": {"number": n, "recipients": ["rita"]}})
    clerk.ok(THING_DONE, {"i": {"number": 4, "recipients": ["sam"]}})
    _deliver_all(app)

    ids = [n["id"] for n in rita.ok(INBOX)["notifications"]["nodes"]]  # newest first: 3, 2, 1
    sam_id = sam.ok(INBOX)["notifications"]["nodes"][0]["id"]
    marked = rita.ok(MARK_READ, {"ids": [ids[0], ids[1], sam_id]})["notificationMarkRead"]
    assert marked == {"notifications": [{"id": ids[1], "read": True}, {"id": ids[0], "read": True}],
                      "unreadCount": 1}
    unread = rita.ok(INBOX, {"unread": True})
    assert [n["id"] for n in unread["notifications"]["nodes"]] == [ids[2]]
    assert unread["unreadNotificationCount"] == 1
    assert sam.ok(INBOX)["unreadNotificationCount"] == 1
    # marking again is harmless
    assert rita.ok(MARK_READ, {"ids": [ids[0]]})["notificationMarkRead"]["unreadCount"] == 1
    assert rita.error(MARK_READ, {"ids": ["x"]})["extensions"] == {"code": "VALIDATION", "field": "ids[0]"}


def test_the_inbox_needs_a_signed_in_user(make_app, make_client):
    app = _app(make_app)
    anon = make_client(app)
    assert anon.error("{ unreadNotificationCount }")["extensions"]["code"] == "UNAUTHENTICATED"
    assert anon.error(MARK_READ, {"ids": ["1"]})["extensions"]["code"] == "UNAUTHENTICATED"


def test_notifications_without_the_read_grant_are_forbidden(make_app, make_client):
    """A site may revoke the base role's inbox grant: then the inbox answers FORBIDDEN."""
    app = _app(make_app)
    admin = make_client(app, create_user(app, "boss", roles=["admin"]))
    rita = admin.as_token(create_user(app, "rita"))
    for act in ("read", "update"):
        admin.ok("mutation($p: PolicyInput!) { policyRemove(policy: $p) }",
                 {"p": {"role": "user", "object": "core.notification", "action": act}})
    assert rita.error(INBOX)["extensions"]["code"] == "FORBIDDEN"
    assert rita.error(MARK_READ, {"ids": ["1"]})["extensions"]["code"] == "FORBIDDEN"


# --------------------------------------------------------------------------- subscription

SUBSCRIBE = "subscription($after: ID) { notificationReceived(afterId: $after) { id event title entityId } }"


def _ws_init(ws, token: str | None) -> dict[str, Any]:
    ws.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"} if token else {}})
    return ws.receive_json(timeout=10)


def _next(ws) -> dict[str, Any]:
    while True:
        msg = ws.receive_json(timeout=15)
        if msg["type"] != "ping":
            return msg
        ws.send_json({"type": "pong"})


def test_subscription_pushes_new_notifications_to_their_recipient(make_app, make_client, manual_outbox):
    """Rita subscribes after notification A (afterId = A): she is pushed B, sent after she subscribed,
    and neither A (already seen) nor sam's notification C."""
    app = _app(make_app)
    clerk = make_client(app, create_user(app, "clerk"))
    rita_token = create_user(app, "rita")
    rita = clerk.as_token(rita_token)
    create_user(app, "sam")
    clerk.ok(THING_DONE, {"i": {"number": 1, "recipients": ["rita"]}})
    _deliver_all(app)
    seen = rita.ok(INBOX)["notifications"]["nodes"][0]["id"]

    with clerk.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        assert _ws_init(ws, rita_token)["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": {"after": seen}}})
        clerk.ok(THING_DONE, {"i": {"number": 3, "recipients": ["sam"]}})
        clerk.ok(THING_DONE, {"i": {"number": 2, "recipients": ["rita"]}})
        _deliver_all(app)
        msg = _next(ws)
        assert msg["type"] == "next" and msg["id"] == "1", msg
        pushed = msg["payload"]["data"]["notificationReceived"]
        assert pushed | {"id": None} == {"id": None, "event": EVENT, "title": "Thing 2 done", "entityId": "2"}
        assert int(pushed["id"]) > int(seen)
        ws.send_json({"id": "1", "type": "complete"})
        with pytest.raises(queue.Empty):  # nothing else was pushed
            ws.receive_json(timeout=1.5)


def test_subscription_without_a_token_is_refused(make_app, make_client):
    app = _app(make_app)
    client = make_client(app)
    with client.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        assert _ws_init(ws, None)["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        msg = _next(ws)
        assert msg["type"] == "error", msg
        assert msg["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_subscription_with_a_bad_token_is_refused(make_app, make_client):
    app = _app(make_app)
    client = make_client(app)
    with client.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        assert _ws_init(ws, "tnn_not-a-token")["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        msg = _next(ws)
        assert msg["type"] == "error", msg
        assert msg["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_subscription_ends_when_its_token_is_revoked(make_app, make_client, monkeypatch):
    """Rita signs out while subscribed: the next token check ends the subscription with UNAUTHENTICATED
    (the check interval is shortened for the test)."""
    import tenon.graphql.kernel.notifications as gql_notifications

    monkeypatch.setattr(gql_notifications, "TOKEN_RECHECK", 0.0)
    app = _app(make_app)
    rita_token = create_user(app, "rita")
    rita = make_client(app, rita_token)
    with rita.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        assert _ws_init(ws, rita_token)["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        assert rita.ok("mutation { logout }") == {"logout": True}
        msg = _next(ws)
        assert msg["id"] == "1" and msg["type"] == "next", msg
        assert msg["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert _next(ws) == {"id": "1", "type": "complete"}
