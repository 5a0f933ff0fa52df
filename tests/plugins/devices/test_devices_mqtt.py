"""Machine signals over MQTT: the bridge maps a machine's completion message to mrp's machine
signal as the device's user (same access, audit and idempotency as the GraphQL mutation): the
work order's operation moves forward, a replay counts once, malformed messages are ignored and
counted; the bridge survives a broker restart (a private Mosquitto on a free port).

The shared broker on 127.0.0.1:1883 is used with a topic unique to each test."""

from __future__ import annotations

import json
import os
import uuid

import pytest

from mrp.helpers import WO, dec, mrp_site, new_work_order
from tenon.plugins.devices.mqtt import Bridge

from .helpers import DEVICE, REGISTER, TOKEN, Mosquitto, broker_reachable, publish, wait_until

SHARED = 1883


@pytest.fixture
def shared_broker() -> int:
    """The Mosquitto broker on 127.0.0.1:1883 (`.ci/run` starts it; under CI its absence fails)."""
    if not broker_reachable(SHARED):
        if os.environ.get("CI"):
            pytest.fail("no MQTT broker on 127.0.0.1:1883 (start it: mosquitto -d -c /etc/mosquitto/mosquitto.conf)")
        pytest.skip("no MQTT broker on 127.0.0.1:1883 (start it: mosquitto -d -c /etc/mosquitto/mosquitto.conf)")
    return SHARED
AUDIT = """query($t: String!) { auditLog(entityType: $t, first: 100) { nodes { actor operation action } } }"""


def _machine(site, topic: str, code: str = "CNC-1", **more) -> dict:
    manager = site.clients["manager"]
    dev = manager.ok(REGISTER, {"i": {"code": code, "name": "Machining center", "kind": "MACHINE",
                                      "workCenterCode": "CNC", "topic": topic, **more}})["deviceRegister"]
    return manager.ok(TOKEN, {"id": dev["id"]})["deviceIssueToken"]["device"]


def _site(make_app, make_client, client_as):
    site = mrp_site(make_app, make_client, plugins=["stock", "mrp", "devices"])
    site.clients["manager"] = client_as(site.app, "device_manager")
    return site


def _received(bridge: Bridge, n: int) -> None:
    wait_until(lambda: bridge.stats["received"] >= n, 15, f"{n} messages at the bridge")


def _start(app, port: int) -> Bridge:
    bridge = Bridge(app, f"mqtt://127.0.0.1:{port}", tick_seconds=3600).start()
    wait_until(lambda: bridge.stats["subscriptions"] >= 1, 15, "the bridge to subscribe")
    return bridge


def test_completion_messages_move_the_work_order_replays_count_once_malformed_are_counted(
        make_app, make_client, client_as, shared_broker):
    site = _site(make_app, make_client, client_as)
    topic = f"tenon-test/{uuid.uuid4().hex}/cnc1/events"
    dev = _machine(site, topic)
    assert dev["username"] == "device.cnc-1"
    wo = new_work_order(site, 20, countingSource="MACHINE")
    bridge = _start(site.app, shared_broker)
    try:
        first = {"work_order": wo["number"], "quantity": 5, "message_id": "0001"}
        publish(shared_broker, topic, json.dumps(first))
        publish(shared_broker, topic, json.dumps(first))                      # a replay
        publish(shared_broker, topic, b"\x00not json")                         # malformed
        publish(shared_broker, topic, json.dumps({"work_order": wo["number"], "quantity": "lots", "message_id": "x"}))
        publish(shared_broker, topic, json.dumps({"work_order": wo["number"], "quantity": 1}))   # no message id
        publish(shared_broker, topic, json.dumps({"type": "completion", "quantity": 15, "message_id": "0002",
                                           "operation": "TURN"}))       # no work order: the one at CNC
        _received(bridge, 6)
    finally:
        bridge.stop()
    assert (bridge.stats["accepted"], bridge.stats["duplicate"], bridge.stats["rejected"]) == (2, 1, 3)
    assert bridge.stats["rejected.BAD_MESSAGE"] == 3

    ops = site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["operations"]
    turn, assy = ops
    assert dec(turn["goodQuantity"]) == 20 and turn["state"] == "DONE"   # 5 (once) + 15
    assert assy["state"] == "READY"                                       # the next step is prepared
    d = site.clients["manager"].ok(DEVICE, {"id": dev["id"]})["device"]
    assert (d["health"], d["messagesAccepted"], d["messagesRejected"]) == ("OK", 3, 3) and d["lastSeenAt"]
    assert d["lastMessageError"].startswith("BAD_MESSAGE: messageId")
    # audited as the device's user, through the mqtt unit of work
    entries = site.clients["manager"].as_token(_admin(site)).ok(AUDIT, {"t": "mrp_operation_report"})["auditLog"]["nodes"]
    assert {(e["actor"], e["operation"]) for e in entries} == {("device.cnc-1", "mqtt:workOrderOperationSignal")}
    assert len(entries) == 2


def _admin(site) -> str:
    from mrp.helpers import api_user

    return api_user(site.app, f"admin{uuid.uuid4().hex[:6]}", ["admin"])


def test_a_device_only_signals_at_its_own_work_center_and_refusals_are_counted(make_app, make_client, client_as,
                                                                             shared_broker):
    """A machine bound to ASM cannot report the CNC operation (work-center scope, INVALID_STATE);
    a work order counting operator reports refuses it (WRONG_COUNTING_SOURCE); an unknown topic
    device and a gateway topic naming its machine."""
    site = _site(make_app, make_client, client_as)
    base = f"tenon-test/{uuid.uuid4().hex}"
    asm = _machine(site, f"{base}/asm", code="ASM-1", workCenterCode="ASM")
    gw_a = _machine(site, f"{base}/gateway", code="CNC-A")
    _machine(site, f"{base}/gateway", code="CNC-B")
    wo = new_work_order(site, 10, countingSource="MACHINE")
    op_wo = new_work_order(site, 10)
    bridge = _start(site.app, shared_broker)
    try:
        publish(shared_broker, f"{base}/asm", json.dumps({"work_order": wo["number"], "quantity": 1, "message_id": "a1"}))
        publish(shared_broker, f"{base}/gateway", json.dumps({"machine": "CNC-A", "work_order": op_wo["number"],
                                                       "quantity": 1, "message_id": "g1"}))
        publish(shared_broker, f"{base}/gateway", json.dumps({"work_order": wo["number"], "quantity": 1, "message_id": "g2"}))
        publish(shared_broker, f"{base}/gateway", json.dumps({"machine": "CNC-A", "work_order": wo["number"],
                                                       "quantity": 2, "message_id": "g3"}))
        _received(bridge, 4)
    finally:
        bridge.stop()
    assert bridge.stats["rejected.INVALID_STATE"] == 1
    assert bridge.stats["rejected.WRONG_COUNTING_SOURCE"] == 1
    assert bridge.stats["rejected.BAD_MESSAGE"] == 1          # several machines on the topic, none named
    assert bridge.stats["accepted"] == 1
    m = site.clients["manager"]
    assert m.ok(DEVICE, {"id": asm["id"]})["device"]["lastMessageError"].startswith("INVALID_STATE")
    assert m.ok(DEVICE, {"id": gw_a["id"]})["device"]["messagesRejected"] == 1
    assert dec(site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["operations"][0]["goodQuantity"]) == 2


def test_the_bridge_survives_a_broker_restart(make_app, make_client, client_as, tmp_path):
    site = _site(make_app, make_client, client_as)
    topic = f"tenon-test/{uuid.uuid4().hex}/cnc1"
    _machine(site, topic)
    wo = new_work_order(site, 20, countingSource="MACHINE")
    broker = Mosquitto(tmp_path).start()
    bridge = _start(site.app, broker.port)
    try:
        publish(broker.port, topic, json.dumps({"work_order": wo["number"], "quantity": 3, "message_id": "r1"}))
        _received(bridge, 1)
        broker.stop()
        wait_until(lambda: not bridge.connected.is_set(), 15, "the bridge to notice the broker is gone")
        broker.start()
        wait_until(lambda: bridge.stats["connects"] >= 2 and bridge.stats["subscriptions"] >= 2, 30,
                   "the bridge to reconnect and subscribe again")
        publish(broker.port, topic, json.dumps({"work_order": wo["number"], "quantity": 4, "message_id": "r2"}))
        publish(broker.port, topic, json.dumps({"work_order": wo["number"], "quantity": 3, "message_id": "r1"}))
        _received(bridge, 3)
    finally:
        bridge.stop()
        broker.stop()
    assert bridge.stats["disconnects"] >= 1
    assert (bridge.stats["accepted"], bridge.stats["duplicate"]) == (2, 1)
    turn = site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["operations"][0]
    assert dec(turn["goodQuantity"]) == 7


def test_with_a_fixed_client_id_messages_wait_while_the_bridge_is_down(make_app, make_client, client_as, tmp_path):
    """A persistent session (``--client-id``): a message published while the bridge is stopped is
    delivered to the next bridge with the same id, and counted once."""
    site = _site(make_app, make_client, client_as)
    topic = f"tenon-test/{uuid.uuid4().hex}/cnc1"
    _machine(site, topic)
    wo = new_work_order(site, 20, countingSource="MACHINE")
    broker = Mosquitto(tmp_path).start()
    try:
        first = Bridge(site.app, f"mqtt://127.0.0.1:{broker.port}", client_id="tenon-test-bridge", tick_seconds=3600)
        first.start()
        wait_until(lambda: first.stats["subscriptions"] >= 1, 15, "the bridge to subscribe")
        first.stop()
        publish(broker.port, topic, json.dumps({"work_order": wo["number"], "quantity": 6, "message_id": "w1"}))
        second = _start_with_id(site.app, broker.port)
        try:
            _received(second, 1)
        finally:
            second.stop()
    finally:
        broker.stop()
    assert second.stats["accepted"] == 1
    assert dec(site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["operations"][0]["goodQuantity"]) == 6


def _start_with_id(app, port: int) -> Bridge:
    bridge = Bridge(app, f"mqtt://127.0.0.1:{port}", client_id="tenon-test-bridge", tick_seconds=3600).start()
    wait_until(lambda: bridge.connected.is_set(), 15, "the bridge to connect")
    return bridge
