"""workCenterLoadChanged: the work-center load pushed at subscription and again when a report changes it."""

from __future__ import annotations

from typing import Any

from .helpers import dec, mrp_site, new_work_order, report

SUBSCRIBE = """subscription($f: Date!, $t: Date!) { workCenterLoadChanged(from: $f, to: $t) {
    workCenterCode day plannedHours reportedHours utilisationPercent } }"""


def _init(ws, token: str) -> dict[str, Any]:
    ws.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    return ws.receive_json(timeout=10)


def _next(ws) -> dict[str, Any]:
    while True:
        msg = ws.receive_json(timeout=15)
        if msg["type"] != "ping":
            return msg
        ws.send_json({"type": "pong"})


def test_the_load_is_pushed_again_after_a_report(make_app, make_client):
    """The planner subscribes to Monday 2026-12-07: the first push has 1 h planned at CNC and nothing
    reported; turning reports 40 pieces in 120 minutes that Monday; the next push has 2 h reported
    (utilisation 2/16 = 12.5 %), the same figures as workCenterLoad."""
    site = mrp_site(make_app, make_client)
    wo = new_work_order(site, 100, dueDate="2026-12-07")
    token = site.planner.token
    with site.planner.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        assert _init(ws, token)["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE,
                                                                  "variables": {"f": "2026-12-07", "t": "2026-12-07"}}})
        first = _next(ws)
        assert first["type"] == "next", first
        cnc = {r["workCenterCode"]: r for r in first["payload"]["data"]["workCenterLoadChanged"]}["CNC"]
        assert (dec(cnc["plannedHours"]), dec(cnc["reportedHours"])) == (1, 0)
        report(site.op_cnc, wo["operations"][0]["id"], 40, minutes="120", endedAt="2026-12-07T10:00:00+00:00")
        pushed = _next(ws)
        assert pushed["type"] == "next", pushed
        cnc = {r["workCenterCode"]: r for r in pushed["payload"]["data"]["workCenterLoadChanged"]}["CNC"]
        assert (dec(cnc["reportedHours"]), dec(cnc["utilisationPercent"])) == (2, dec("12.5"))
        ws.send_json({"id": "1", "type": "complete"})


def test_an_operator_may_not_subscribe_to_the_load(make_app, make_client):
    site = mrp_site(make_app, make_client, shop=False)
    with site.op_cnc.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        assert _init(ws, site.op_cnc.token)["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE,
                                                                  "variables": {"f": "2026-12-07", "t": "2026-12-07"}}})
        msg = _next(ws)
        errors = msg["payload"] if msg["type"] == "error" else msg["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "FORBIDDEN", msg
