"""On PostgreSQL, subscriptions are woken by LISTEN/NOTIFY instead of polling (issue 13).

The subscription's own fallback look is pushed far away (60 s) for the test: a notification still
arrives at once, and an idle subscription sends no statement at all.
"""

from __future__ import annotations

import time

import pytest

from tenon.core.notifications import notify
from tenon.core.testing import count_statements, create_user

SUBSCRIBE = "subscription { notificationReceived { id title } }"


def _next(ws, timeout: float = 15) -> dict:
    while True:
        msg = ws.receive_json(timeout=timeout)
        if msg["type"] != "ping":
            return msg
        ws.send_json({"type": "pong"})


def _send(app, title: str) -> None:
    with app.transaction(operation="test:notify") as s:
        notify(s, usernames=["rita"], event="test.ping.sent", title=title)


@pytest.mark.postgres_only
def test_a_notification_is_pushed_without_polling(make_app, make_client, monkeypatch):
    import tenon.graphql.kernel.notifications as gql_notifications
    from tenon.graphql import push

    monkeypatch.setattr(push, "FALLBACK_SECONDS", 60.0)
    monkeypatch.setattr(gql_notifications, "TOKEN_RECHECK", 60.0)
    app = make_app(plugins=[])
    token = create_user(app, "rita")
    rita = make_client(app, token)
    with rita.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        assert ws.receive_json(timeout=10)["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        time.sleep(1.0)  # the subscription has taken its starting point and the hub listens
        _send(app, "first")
        msg = _next(ws)
        assert msg["type"] == "next" and msg["payload"]["data"]["notificationReceived"]["title"] == "first", msg
        with count_statements(app) as statements:
            time.sleep(1.5)  # idle: polling every 0.5 s would have looked 3 times
        assert not [s for s in statements if "core_notification" in s], statements
        started = time.monotonic()
        _send(app, "second")
        msg = _next(ws)
        assert msg["payload"]["data"]["notificationReceived"]["title"] == "second", msg
        assert time.monotonic() - started < 30  # woken, not the 60 s fallback
        ws.send_json({"id": "1", "type": "complete"})
