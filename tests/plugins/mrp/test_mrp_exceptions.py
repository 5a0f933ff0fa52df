"""Production exceptions: report with a photo, assignment by type and work center, escalation
along the chain after the SLA, responses, and the exceptionResponseTime KPI."""

from __future__ import annotations

import datetime as dt
import json
import struct
import zlib

from click.testing import CliRunner

from tenon.core.cli import cli as kernel_cli
from tenon.core.events import deliver_outbox

from .helpers import mrp_site, new_work_order

REPORT_EXC = """mutation($i: ExceptionReportInput!) { productionExceptionReport(input: $i) {
    id type state assignedTo chain slaMinutes reportedBy dueAt } }"""
RULE = "mutation($i: ExceptionRuleInput!) { exceptionRuleSet(input: $i) }"
ESCALATE = "mutation { productionExceptionsEscalate { id assignedTo escalations { fromUser toUser reason } } }"
RESPOND = "mutation($id: ID!) { productionExceptionRespond(id: $id) { id state respondedBy firstResponseAt } }"
RESOLVE = "mutation($id: ID!) { productionExceptionResolve(id: $id, resolution: \"new tool\") { id state resolvedAt } }"
LIST = """query { productionExceptions(pastSla: true) { nodes { id } } }"""
ONE = """query { productionExceptions(first: 1) { nodes { id photos { filename contentType } } } }"""
KPI = """query($f: Date!, $t: Date!) { exceptionResponseTime(from: $f, to: $t) {
    type workCenterId count responded averageMinutes p90Minutes openPastSla } }"""
NOTES = "query { notifications(first: 50) { nodes { title event } } }"
UPLOAD = """mutation($f: Upload!, $t: String, $i: String) { attachmentUpload(file: $f, entityType: $t, entityId: $i) { id } }"""


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


def _backdate(app, exc_id, minutes, *, respond_after=None):
    """Move an exception's clock back: reported (and due) ``minutes`` ago, answered after ``respond_after``."""
    from tenon.plugins.mrp import ProductionException

    with app.transaction() as s:
        e = s.get(ProductionException, int(exc_id))
        e.reported_at = e.reported_at - dt.timedelta(minutes=minutes)
        e.due_at = e.reported_at + dt.timedelta(minutes=e.sla_minutes)
        if respond_after is not None:
            e.first_response_at = e.reported_at + dt.timedelta(minutes=respond_after)
            e.state = "acknowledged"


def test_report_assign_escalate_and_respond(make_app, make_client):
    site = mrp_site(make_app, make_client)
    wo = new_work_order(site, 10)
    turn = wo["operations"][0]
    site.planner.ok(RULE, {"i": {"type": "QUALITY", "workCenterId": site.ids["CNC"], "chain": ["lead", "lead2"],
                                 "slaMinutes": 30}})
    exc = site.op_cnc.ok(REPORT_EXC, {"i": {"workOrderId": wo["id"], "operationId": turn["id"], "type": "QUALITY",
                                            "description": "burrs on the bore"}})["productionExceptionReport"]
    assert (exc["assignedTo"], exc["chain"], exc["slaMinutes"], exc["reportedBy"]) == ("lead", ["lead", "lead2"], 30, "op_cnc")
    other = site.op_cnc.ok(REPORT_EXC, {"i": {"workOrderId": wo["id"], "type": "MACHINE_DOWN",
                                              "description": "spindle alarm"}})["productionExceptionReport"]
    assert (other["assignedTo"], other["chain"], other["slaMinutes"]) == ("lead", ["lead"], 30)  # no rule: the lead

    body = make_client(site.app).http.post("/graphql", headers={"Authorization": f"Bearer {site.op_cnc.token}"}, data={
        "operations": json.dumps({"query": UPLOAD, "variables": {"f": None, "t": "mrp_exception", "i": exc["id"]}}),
        "map": json.dumps({"0": ["variables.f"]})}, files={"0": ("burr.png", _png(), "image/png")}).json()
    assert not body.get("errors"), body
    photos = site.lead.ok("query { productionExceptions { nodes { id photos { filename contentType } } } }")
    assert {n["id"]: n["photos"] for n in photos["productionExceptions"]["nodes"]}[exc["id"]] == [
        {"filename": "burr.png", "contentType": "image/png"}]

    assert site.lead.ok(ESCALATE)["productionExceptionsEscalate"] == []  # nothing is late yet
    _backdate(site.app, exc["id"], 31)
    _backdate(site.app, other["id"], 31)
    assert {n["id"] for n in site.lead.ok(LIST)["productionExceptions"]["nodes"]} == {exc["id"], other["id"]}
    cli = CliRunner().invoke(kernel_cli, ["--site", str(site.app.site.path), "mrp", "escalate"])
    assert cli.exit_code == 0 and cli.output.splitlines() == [
        f"exception {exc['id']} (quality) escalated to lead2", "1 exception(s) escalated"]  # other: end of chain
    assert site.lead.ok(ESCALATE)["productionExceptionsEscalate"] == []  # lead2 has 30 minutes again
    moved = site.lead.ok("query { productionExceptions(openOnly: true) { nodes { id assignedTo escalations { fromUser toUser reason } } } }")
    assert {"id": exc["id"], "assignedTo": "lead2", "escalations": [{"fromUser": "lead", "toUser": "lead2", "reason": "sla"}]} \
        in moved["productionExceptions"]["nodes"]
    deliver_outbox(site.app)
    assert any("Escalated to you" in n["title"] for n in site.lead2.ok(NOTES)["notifications"]["nodes"])
    assert site.op_cnc.error(RESPOND, {"id": exc["id"]})["extensions"]["code"] == "FORBIDDEN"
    got = site.lead2.ok(RESPOND, {"id": exc["id"]})["productionExceptionRespond"]
    assert (got["state"], got["respondedBy"]) == ("acknowledged", "lead2") and got["firstResponseAt"]
    assert site.lead2.error(RESPOND, {"id": exc["id"]})["extensions"]["code"] == "INVALID_STATE"
    assert site.lead2.ok(RESOLVE, {"id": exc["id"]})["productionExceptionResolve"]["state"] == "resolved"
    assert site.op_cnc.error(REPORT_EXC, {"i": {"workOrderId": "999999", "type": "OTHER", "description": "x"}})[
        "extensions"]["code"] == "NOT_FOUND"


def test_response_time_kpi_worked_example(make_app, make_client):
    """Five quality exceptions at CNC answered after 10, 20, 30, 40 and 100 minutes: average
    (10+20+30+40+100)/5 = 40, p90 by nearest rank = the ceil(0.9 × 5) = 5th = 100. One machine-down
    exception at CNC unanswered 45 minutes after its report (SLA 30): open past SLA 1, no average."""
    site = mrp_site(make_app, make_client)
    wo = new_work_order(site, 10)
    turn = wo["operations"][0]["id"]
    for minutes in (10, 20, 30, 40, 100):
        e = site.op_cnc.ok(REPORT_EXC, {"i": {"workOrderId": wo["id"], "operationId": turn, "type": "QUALITY",
                                              "description": "check"}})["productionExceptionReport"]
        _backdate(site.app, e["id"], 120, respond_after=minutes)
    late = site.op_cnc.ok(REPORT_EXC, {"i": {"workOrderId": wo["id"], "operationId": turn, "type": "MACHINE_DOWN",
                                             "description": "down"}})["productionExceptionReport"]
    _backdate(site.app, late["id"], 45)
    today = dt.datetime.now(dt.UTC).date()
    rows = site.lead.ok(KPI, {"f": (today - dt.timedelta(days=1)).isoformat(), "t": today.isoformat()})["exceptionResponseTime"]
    assert rows == [
        {"type": "MACHINE_DOWN", "workCenterId": site.ids["CNC"], "count": 1, "responded": 0, "averageMinutes": None,
         "p90Minutes": None, "openPastSla": 1},
        {"type": "QUALITY", "workCenterId": site.ids["CNC"], "count": 5, "responded": 5, "averageMinutes": 40.0,
         "p90Minutes": 100.0, "openPastSla": 0}]
    assert site.op_cnc.error(KPI, {"f": today.isoformat(), "t": today.isoformat()})["extensions"]["code"] == "FORBIDDEN"
