"""The device registry: devices with a code, kind, work center and an API token bound to the
`device` role; heartbeats set last seen and health; a device that stops reporting is marked
silent by `tenon devices check` (judged at a given time: a controllable clock, no waiting) and
its work center's lead is notified; the devices query, the dashboard card and /health."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from mrp.helpers import mrp_site
from tenon.core.cli import cli
from tenon.testing import wait_for_outbox

from .helpers import DEVICE, HEARTBEAT, NOTES, REGISTER, TOKEN

DASHBOARD = """{ deviceDashboard { byKind { key count } byHealth { key count } printJobs { key count }
    messagesAccepted messagesRejected silent { code } } }"""


def _check(app, at: dt.datetime | None = None):
    args = ["--site", str(app.site.path), "devices", "check"] + (["--at", at.isoformat()] if at else [])
    return CliRunner().invoke(cli, args)


def test_a_silent_device_notifies_its_work_center_lead(make_app, make_client, client_as):
    site = mrp_site(make_app, make_client, plugins=["stock", "mrp", "devices"])
    manager = client_as(site.app, "device_manager")
    pda = manager.ok(REGISTER, {"i": {"code": "PDA-07", "name": "Turning PDA", "kind": "TERMINAL",
                                      "workCenterCode": "CNC", "heartbeatSeconds": 60}})["deviceRegister"]
    issued = manager.ok(TOKEN, {"id": pda["id"]})["deviceIssueToken"]
    assert issued["token"].startswith("tnn_") and issued["device"]["username"] == "device.pda-07"
    device = make_client(site.app, issued["token"])
    # the token is bound to the device role: it may beat and signal, not manage or print
    beat = device.ok(HEARTBEAT)["deviceHeartbeat"]
    assert beat["code"] == "PDA-07" and beat["health"] == "OK"
    assert device.error(REGISTER, {"i": {"code": "X1", "name": "x", "kind": "TERMINAL"}})["extensions"]["code"] == "FORBIDDEN"
    assert manager.error(HEARTBEAT)["extensions"]["code"] == "FORBIDDEN"
    seen = dt.datetime.fromisoformat(beat["lastSeenAt"])

    # within its interval nothing happens; past it, the device is silent and the lead hears of it
    result = _check(site.app, seen + dt.timedelta(seconds=30))
    assert result.exit_code == 0 and "0 device(s) silent" in result.output
    result = _check(site.app, seen + dt.timedelta(seconds=61))
    assert result.exit_code == 0, result.output
    assert "device PDA-07 is silent" in result.output and "1 device(s) silent" in result.output
    assert manager.ok(DEVICE, {"id": pda["id"]})["device"]["health"] == "SILENT"
    wait_for_outbox(site.app)
    notes = site.lead.ok(NOTES)["notifications"]["nodes"]
    assert [(n["event"], n["title"], n["entityType"]) for n in notes if n["event"].startswith("devices.")] == [
        ("devices.device.silenced", "Device PDA-07 at CNC stopped reporting", "devices_device")]
    assert [n for n in site.op_asm.ok(NOTES)["notifications"]["nodes"] if n["event"].startswith("devices.")] == []
    # checked again: still silent, no second notification
    assert "0 device(s) silent" in _check(site.app, seen + dt.timedelta(hours=1)).output
    wait_for_outbox(site.app)
    assert len([n for n in site.lead.ok(NOTES)["notifications"]["nodes"] if n["event"].startswith("devices.")]) == 1

    card = manager.ok(DASHBOARD)["deviceDashboard"]
    assert card["byHealth"] == [{"key": "silent", "count": 1}] and card["silent"] == [{"code": "PDA-07"}]
    assert card["byKind"] == [{"key": "terminal", "count": 1}]
    # it comes back
    assert device.ok(HEARTBEAT)["deviceHeartbeat"]["health"] == "OK"
    assert manager.ok(DASHBOARD)["deviceDashboard"]["silent"] == []
    assert "0 device(s) silent" in _check(site.app).output          # the default clock: now
    bad = CliRunner().invoke(cli, ["--site", str(site.app.site.path), "devices", "check", "--at", "yesterday"])
    assert bad.exit_code != 0 and "--at" in bad.output


def test_registry_limits_and_filters(make_app, make_client, client_as):
    site = mrp_site(make_app, make_client, plugins=["stock", "mrp", "devices"], shop=False)
    manager = client_as(site.app, "device_manager")
    reg = lambda **i: manager.post(REGISTER, {"i": {"name": "n", "kind": "MACHINE", **i}})  # noqa: E731
    for given, field in (({"code": "bad code"}, "code"), ({"code": "M1", "heartbeatSeconds": 5}, "heartbeatSeconds"),
                         ({"code": "M1", "workCenterCode": "NOPE"}, "workCenterCode"),
                         ({"code": "M1", "topic": "a/#/b"}, "topic"),
                         ({"code": "M1", "mapping": [{"field": "colour", "path": "c"}]}, "mapping.colour"),
                         ({"code": "P1", "kind": "LABEL_PRINTER", "host": "10.0.0.9", "port": 70000}, "port")):
        err = reg(**given)["errors"][0]
        assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", field), given
    m = reg(code="M1", topic="plant/+/events", mapping=[{"field": "quantity", "path": "data.count"}])["data"]["deviceRegister"]
    assert m["topic"] == "plant/+/events"
    assert reg(code="M1")["errors"][0]["extensions"]["code"] == "VALIDATION"   # duplicate code
    manager.ok(REGISTER, {"i": {"code": "P1", "name": "p", "kind": "LABEL_PRINTER", "host": "10.0.0.9"}})
    listed = manager.ok("query($f: DeviceFilter) { devices(filter: $f) { totalCount nodes { code port mapping { field path } } } }",
                        {"f": {"kind": "LABEL_PRINTER"}})["devices"]
    assert listed["totalCount"] == 1 and listed["nodes"][0]["port"] == 9100
    full = manager.ok("{ devices { nodes { code mapping { field path } } } }")["devices"]["nodes"]
    mapping = {e["field"]: e["path"] for e in next(n for n in full if n["code"] == "M1")["mapping"]}
    assert mapping["quantity"] == "data.count" and mapping["messageId"] == "message_id"
    health = make_client(site.app).http.get("/health").json()
    assert health["checks"]["devices"] == {"ok": True, "silentDevices": 0, "failedPrintJobs": 0, "queuedPrintJobs": 0}
